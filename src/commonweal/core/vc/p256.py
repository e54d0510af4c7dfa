"""P-256 (secp256r1) keys for ``ecdsa-sd-2023``: Multikey forms, did:key, ES256 signatures.

A public Multikey is ``"z" + base58btc(0x80 0x24 ‖ compressed point)`` (``zDna…``),
a secret one ``"z" + base58btc(0x86 0x26 ‖ 32-byte scalar)`` (VC Data Integrity
ECDSA Cryptosuites v1.0 §2.1.1, Controlled Identifiers §2.2.2). Signatures are the
64-byte IEEE P1363 form ``r ‖ s`` that WebCrypto and the W3C vectors use, made
deterministically (RFC 6979) so the same input always gives the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from commonweal.core.multibase import b58decode, b58encode

PUBLIC_PREFIX = b"\x80\x24"
"""The unsigned-varint multicodec of a P-256 public key (p256-pub, 0x1200)."""
SECRET_PREFIX = b"\x86\x26"
"""The unsigned-varint multicodec of a P-256 secret key (p256-priv, 0x1306)."""
COMPRESSED_LENGTH = 33
SIGNATURE_LENGTH = 64
ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
"""The order n of the P-256 group."""


@dataclass(frozen=True)
class P256Key:
    """A P-256 private key and the compressed public key it implies."""

    secret: bytes = field(repr=False)
    public_key: bytes = field(init=False)
    """The 33-byte compressed point."""
    _private: ec.EllipticCurvePrivateKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        scalar = int.from_bytes(self.secret, "big")
        if len(self.secret) != 32 or not 0 < scalar < ORDER:
            raise ValueError("a P-256 secret key is a 32-byte scalar between 1 and n - 1")
        private = ec.derive_private_key(scalar, ec.SECP256R1())
        object.__setattr__(self, "_private", private)
        compressed = private.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        object.__setattr__(self, "public_key", compressed)

    @classmethod
    def generate(cls) -> P256Key:
        """A new random key."""
        scalar = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
        return cls(scalar.to_bytes(32, "big"))

    @classmethod
    def derived(cls, label: bytes, material: bytes) -> P256Key:
        """A key derived from secret ``material`` under ``label``: SHA-256 counter mode,
        the first candidate that is a valid scalar (practically always the first)."""
        for counter in range(256):
            candidate = hashlib.sha256(label + bytes([counter]) + material).digest()
            if 0 < int.from_bytes(candidate, "big") < ORDER:
                return cls(candidate)
        raise ValueError("no valid P-256 scalar derived")  # pragma: no cover - probability 2^-8192

    @property
    def multikey(self) -> str:
        """The public key as a Multikey (``zDna…``)."""
        return public_multikey(self.public_key)

    def sign(self, message: bytes) -> bytes:
        """ES256: the 64-byte ``r ‖ s`` signature over SHA-256(message), RFC 6979 nonce."""
        der = self._private.sign(message, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def public_multikey(compressed: bytes) -> str:
    """The Multikey (``zDna…``) of a 33-byte compressed P-256 point."""
    if len(compressed) != COMPRESSED_LENGTH or compressed[0] not in (2, 3):
        raise ValueError("a compressed P-256 public key is 33 bytes starting 0x02 or 0x03")
    return "z" + b58encode(PUBLIC_PREFIX + compressed)


def public_key_from_multikey(multikey: str) -> bytes:
    """The compressed P-256 point inside a ``zDna…`` Multikey; ValueError otherwise."""
    raw = _decode(multikey, PUBLIC_PREFIX, COMPRESSED_LENGTH, "public")
    _point(raw)
    return raw


def secret_from_multikey(multikey: str) -> P256Key:
    """The key inside a secret Multikey (``z42t…``)."""
    return P256Key(_decode(multikey, SECRET_PREFIX, 32, "secret"))


def compressed_from_xy(x: bytes, y: bytes) -> bytes:
    """The compressed point of affine coordinates (a JWK's x and y); ValueError if off the curve."""
    numbers = ec.EllipticCurvePublicNumbers(
        int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
    )
    return numbers.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)


def did_key(compressed: bytes) -> str:
    """``did:key:zDna…`` for a P-256 public key."""
    return "did:key:" + public_multikey(compressed)


def verify(compressed: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` (64-byte ``r ‖ s``) is a valid ES256 signature; never raises."""
    if len(signature) != SIGNATURE_LENGTH:
        return False
    try:
        point = _point(compressed)
    except ValueError:
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < ORDER and 0 < s < ORDER):
        return False
    try:
        point.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _point(compressed: bytes) -> ec.EllipticCurvePublicKey:
    if len(compressed) != COMPRESSED_LENGTH or compressed[0] not in (2, 3):
        raise ValueError("a compressed P-256 public key is 33 bytes starting 0x02 or 0x03")
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), compressed)


def _decode(multikey: str, prefix: bytes, length: int, what: str) -> bytes:
    if not isinstance(multikey, str) or not multikey.startswith("z"):
        raise ValueError(f"not a P-256 {what} Multikey: it must be multibase base58btc ('z…')")
    try:
        raw = b58decode(multikey[1:])
    except ValueError:
        raise ValueError(f"not a P-256 {what} Multikey: invalid base58btc") from None
    if not raw.startswith(prefix) or len(raw) != len(prefix) + length:
        raise ValueError(f"not a P-256 {what} Multikey: wrong multicodec prefix or length")
    return raw[len(prefix) :]
