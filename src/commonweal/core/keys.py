"""Ed25519 keys with libsodium (PyNaCl), and key files optionally sealed with a passphrase.

Verification uses libsodium's strict rules everywhere (canonical S, no small-order
keys): a verifiable log needs one rule that every verifier applies alike.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

import nacl.bindings
import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.signing
import nacl.utils

SEED_BYTES = 32
KEY_FILE_VERSION = 1
SCRYPT_OPSLIMIT = nacl.pwhash.scrypt.OPSLIMIT_INTERACTIVE
SCRYPT_MEMLIMIT = nacl.pwhash.scrypt.MEMLIMIT_INTERACTIVE
MAX_OPSLIMIT = nacl.pwhash.scrypt.OPSLIMIT_SENSITIVE
MAX_MEMLIMIT = nacl.pwhash.scrypt.MEMLIMIT_SENSITIVE
"""A key file may not ask for more work than libsodium's 'sensitive' setting (1 GiB)."""


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


def encrypt_seed(seed: bytes, passphrase: str) -> dict[str, object]:
    """Seal a seed with a key derived from ``passphrase`` by scrypt."""
    salt = nacl.utils.random(nacl.pwhash.scrypt.SALTBYTES)
    box = nacl.secret.SecretBox(_derive(passphrase, salt, SCRYPT_OPSLIMIT, SCRYPT_MEMLIMIT))
    sealed = box.encrypt(seed)
    return {
        "kdf": "scrypt",
        "opslimit": SCRYPT_OPSLIMIT,
        "memlimit": SCRYPT_MEMLIMIT,
        "salt": base64.b64encode(salt).decode(),
        "sealed": base64.b64encode(bytes(sealed)).decode(),
    }


def decrypt_seed(document: dict[str, object], passphrase: str) -> bytes:
    """Open a sealed seed; ``ValueError`` for a wrong passphrase or a damaged file."""
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


def dump_key_file(seed: bytes, passphrase: str | None) -> bytes:
    """A self-describing key file: the seed in clear, or sealed when a passphrase is given."""
    document: dict[str, object] = {"version": KEY_FILE_VERSION, "type": "ed25519"}
    if passphrase:
        document["encrypted"] = encrypt_seed(seed, passphrase)
    else:
        document["seed"] = base64.b64encode(seed).decode()
    return (json.dumps(document, indent=2) + "\n").encode()


def load_key_file(data: bytes, passphrase: str | None) -> SigningKey:
    """Read a key file written by :func:`dump_key_file`."""
    try:
        document = json.loads(data)
    except ValueError:
        raise ValueError("not a Commonweal key file (not JSON)") from None
    if not isinstance(document, dict) or document.get("type") != "ed25519":
        raise ValueError("not a Commonweal Ed25519 key file")
    if "encrypted" in document:
        if not passphrase:
            raise ValueError("this key file is encrypted: a passphrase is needed")
        return SigningKey(decrypt_seed(document["encrypted"], passphrase))
    try:
        return SigningKey(base64.b64decode(document["seed"], validate=True))
    except (KeyError, ValueError):
        raise ValueError("the key file holds no valid seed") from None
