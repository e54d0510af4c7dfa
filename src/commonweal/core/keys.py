"""Ed25519 keys with libsodium (PyNaCl), and key files optionally sealed with a passphrase.

Verification uses libsodium's strict rules everywhere (canonical S, no small-order
keys): a verifiable log needs one rule that every verifier applies alike.

A key file is sealed in one of two ways, named by its ``kdf``: ``scrypt`` with
XSalsa20-Poly1305 (what the command line writes), or ``pbkdf2-sha256`` with
AES-256-GCM (what a browser can write and read with WebCrypto alone; see
docs/web.md). Both read everywhere, so a browser's backup restores with
``commonweal wallet import``, and ``wallet export --for-browser`` re-seals a
wallet key for the browser.
"""

from __future__ import annotations

import base64
import hashlib
import json
import unicodedata
from dataclasses import dataclass, field

import nacl.bindings
import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.signing
import nacl.utils
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from commonweal.core.did import did_key_from_public_key

SEED_BYTES = 32
KEY_FILE_VERSION = 1
SCRYPT_OPSLIMIT = nacl.pwhash.scrypt.OPSLIMIT_INTERACTIVE
SCRYPT_MEMLIMIT = nacl.pwhash.scrypt.MEMLIMIT_INTERACTIVE
MAX_OPSLIMIT = nacl.pwhash.scrypt.OPSLIMIT_SENSITIVE
MAX_MEMLIMIT = nacl.pwhash.scrypt.MEMLIMIT_SENSITIVE
"""A key file may not ask for more work than libsodium's 'sensitive' setting (1 GiB)."""
SCRYPT = "scrypt"
PBKDF2 = "pbkdf2-sha256"
PBKDF2_ITERATIONS = 600_000
"""OWASP's 2023 figure for PBKDF2-HMAC-SHA256; what the browser writes too."""
MAX_PBKDF2_ITERATIONS = 10_000_000
MIN_PBKDF2_ITERATIONS = 100_000


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key (its 32-byte seed) and the public key it implies."""

    seed: bytes = field(repr=False)
    public_key: bytes = field(init=False)
    _signer: nacl.signing.SigningKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.seed) != SEED_BYTES:
            raise ValueError("an Ed25519 seed is 32 bytes")
        signer = nacl.signing.SigningKey(self.seed)
        object.__setattr__(self, "_signer", signer)
        object.__setattr__(self, "public_key", bytes(signer.verify_key))

    @classmethod
    def generate(cls) -> SigningKey:
        """A new random key."""
        return cls(nacl.utils.random(SEED_BYTES))

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        """The key with this 32-byte seed."""
        return cls(seed)

    def sign(self, message: bytes) -> bytes:
        """The 64-byte detached Ed25519 signature of ``message``."""
        return bytes(self._signer.sign(message).signature)


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature; never raises for bad input."""
    if len(signature) != 64 or len(public_key) != 32:
        return False
    try:
        nacl.bindings.crypto_sign_open(signature + message, public_key)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
        return False
    return True


def encrypt_seed(seed: bytes, passphrase: str, kdf: str = SCRYPT) -> dict[str, object]:
    """Seal a seed with a key derived from ``passphrase`` (scrypt, or PBKDF2 for browsers)."""
    if kdf == PBKDF2:
        return _encrypt_pbkdf2(seed, passphrase)
    if kdf != SCRYPT:
        raise ValueError(f"unknown key derivation {kdf!r}")
    salt = nacl.utils.random(nacl.pwhash.scrypt.SALTBYTES)
    box = nacl.secret.SecretBox(_derive(passphrase, salt, SCRYPT_OPSLIMIT, SCRYPT_MEMLIMIT))
    sealed = box.encrypt(seed)
    return {
        "kdf": SCRYPT,
        "opslimit": SCRYPT_OPSLIMIT,
        "memlimit": SCRYPT_MEMLIMIT,
        "salt": base64.b64encode(salt).decode(),
        "sealed": base64.b64encode(bytes(sealed)).decode(),
    }


def decrypt_seed(document: dict[str, object], passphrase: str) -> bytes:
    """Open a sealed seed; ``ValueError`` for a wrong passphrase or a damaged file."""
    if document.get("kdf") == PBKDF2:
        return _decrypt_pbkdf2(document, passphrase)
    try:
        opslimit, memlimit = int(str(document["opslimit"])), int(str(document["memlimit"]))
    except (KeyError, ValueError):
        raise ValueError("wrong passphrase or corrupted key file") from None
    if not 0 < opslimit <= MAX_OPSLIMIT or not 0 < memlimit <= MAX_MEMLIMIT:
        raise ValueError("the key file asks for scrypt work beyond the allowed limits")
    try:
        salt = base64.b64decode(str(document["salt"]))
        key = _derive(passphrase, salt, opslimit, memlimit)
        return bytes(nacl.secret.SecretBox(key).decrypt(base64.b64decode(str(document["sealed"]))))
    except (KeyError, ValueError, nacl.exceptions.CryptoError):
        raise ValueError("wrong passphrase or corrupted key file") from None


def _pbkdf2_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    """AES-256 key from the NFC-normalised UTF-8 passphrase (as the browser derives it)."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hashlib.pbkdf2_hmac("sha256", secret, salt, iterations, dklen=32)


def _encrypt_pbkdf2(seed: bytes, passphrase: str) -> dict[str, object]:
    salt, nonce = nacl.utils.random(16), nacl.utils.random(12)
    key = _pbkdf2_key(passphrase, salt, PBKDF2_ITERATIONS)
    return {
        "kdf": PBKDF2,
        "iterations": PBKDF2_ITERATIONS,
        "salt": base64.b64encode(salt).decode(),
        "cipher": "aes-256-gcm",
        "nonce": base64.b64encode(nonce).decode(),
        "sealed": base64.b64encode(AESGCM(key).encrypt(nonce, seed, None)).decode(),
    }


def _decrypt_pbkdf2(document: dict[str, object], passphrase: str) -> bytes:
    iterations = document.get("iterations")
    if type(iterations) is not int or document.get("cipher") != "aes-256-gcm":
        raise ValueError("wrong passphrase or corrupted key file")
    if not MIN_PBKDF2_ITERATIONS <= iterations <= MAX_PBKDF2_ITERATIONS:
        raise ValueError("the key file asks for PBKDF2 work outside the allowed limits")
    try:
        salt = base64.b64decode(str(document["salt"]), validate=True)
        nonce = base64.b64decode(str(document["nonce"]), validate=True)
        sealed = base64.b64decode(str(document["sealed"]), validate=True)
        seed = AESGCM(_pbkdf2_key(passphrase, salt, iterations)).decrypt(nonce, sealed, None)
    except (KeyError, ValueError, InvalidTag):
        raise ValueError("wrong passphrase or corrupted key file") from None
    return seed


def _derive(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    return bytes(
        nacl.pwhash.scrypt.kdf(
            nacl.secret.SecretBox.KEY_SIZE,
            passphrase.encode("utf-8"),
            salt,
            opslimit=opslimit,
            memlimit=memlimit,
        )
    )


def dump_key_file(seed: bytes, passphrase: str | None, *, kdf: str = SCRYPT) -> bytes:
    """A self-describing key file: the seed in clear, or sealed when a passphrase is given.

    A sealed file does not say whose key it holds: a stray backup should not name its
    owner. (A file that does name a ``did`` is checked against the key it holds.)
    """
    document: dict[str, object] = {"version": KEY_FILE_VERSION, "type": "ed25519"}
    if passphrase:
        document["encrypted"] = encrypt_seed(seed, passphrase, kdf)
    else:
        document["seed"] = base64.b64encode(seed).decode()
    return (json.dumps(document, indent=2) + "\n").encode()


def load_key_file(data: bytes, passphrase: str | None) -> SigningKey:
    """Read a key file written by :func:`dump_key_file` (or by the browser)."""
    try:
        document = json.loads(data)
    except ValueError:
        raise ValueError("not a Commonweal key file (not JSON)") from None
    if not isinstance(document, dict) or document.get("type") != "ed25519":
        raise ValueError("not a Commonweal Ed25519 key file")
    if "encrypted" in document:
        if not passphrase:
            raise ValueError("this key file is encrypted: a passphrase is needed")
        if not isinstance(document["encrypted"], dict):
            raise ValueError("wrong passphrase or corrupted key file")
        key = SigningKey(decrypt_seed(document["encrypted"], passphrase))
    else:
        try:
            key = SigningKey(base64.b64decode(document["seed"], validate=True))
        except (KeyError, ValueError, TypeError):
            raise ValueError("the key file holds no valid seed") from None
    if "did" in document and document["did"] != _did_of(key.seed):
        raise ValueError("the key file names another key than the one it holds")
    return key


def _did_of(seed: bytes) -> str:
    return did_key_from_public_key(SigningKey(seed).public_key)
