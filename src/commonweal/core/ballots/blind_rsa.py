"""RFC 9474 blind RSA signatures, variant RSABSSA-SHA384-PSS-Randomized (and the other three).

Eligibility tokens for secret ballots (docs/secret-ballots.md): a voter blinds a
message, the node signs the blinded value without seeing the message, and the voter
unblinds a signature that verifies as an ordinary RSASSA-PSS signature, which the
node cannot link to the signing. Each function follows the RFC's section of the same
name (4.1 Prepare, 4.2 Blind, 4.3 BlindSign, 4.4 Finalize, 4.5 Verify), with
EMSA-PSS-ENCODE from RFC 8017 section 9.1.1 and MGF1 from its appendix B.2.1.
``rng`` is injectable so the tests can replay the RFC's vectors.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

HASH_LEN = 48  # SHA-384
PREFIX_LEN = 32
Random = Callable[[int], bytes]


class BlindRsaError(ValueError):
    """A blinding, signing or unblinding step that the RFC says must fail."""


@dataclass(frozen=True, slots=True)
class PublicKey:
    """An RSA public key (n, e) and the PSS salt length of the variant (48 or 0)."""

    n: int
    e: int
    salt_length: int = HASH_LEN

    @property
    def modulus_len(self) -> int:
        """k: the length of n in bytes."""
        return (self.n.bit_length() + 7) // 8


@dataclass(frozen=True, slots=True)
class Blinded:
    """What ``blind`` returns: the value to send to the signer, and the inverse to keep."""

    blinded_msg: bytes
    inv: bytes


def i2osp(value: int, length: int) -> bytes:
    """RFC 8017 I2OSP."""
    return value.to_bytes(length, "big")


def os2ip(data: bytes) -> int:
    """RFC 8017 OS2IP."""
    return int.from_bytes(data, "big")


def prepare(msg: bytes, *, randomized: bool = True, rng: Random = secrets.token_bytes) -> bytes:
    """4.1: ``msg_prefix || msg`` (32 random bytes) for the randomized variants, else ``msg``."""
    return rng(PREFIX_LEN) + msg if randomized else msg


def mgf1(seed: bytes, length: int) -> bytes:
    """RFC 8017 B.2.1, with SHA-384."""
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.sha384(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:length])


def emsa_pss_encode(msg: bytes, em_bits: int, salt: bytes) -> bytes:
    """RFC 8017 9.1.1 with SHA-384 and MGF1-SHA-384."""
    em_len = (em_bits + 7) // 8
    m_hash = hashlib.sha384(msg).digest()
    if em_len < HASH_LEN + len(salt) + 2:
        raise BlindRsaError("encoding error")
    h = hashlib.sha384(b"\x00" * 8 + m_hash + salt).digest()
    db = b"\x00" * (em_len - len(salt) - HASH_LEN - 2) + b"\x01" + salt
    masked = bytearray(a ^ b for a, b in zip(db, mgf1(h, em_len - HASH_LEN - 1), strict=True))
    masked[0] &= 0xFF >> (8 * em_len - em_bits)
    return bytes(masked) + h + b"\xbc"


def blind(
    pk: PublicKey, msg: bytes, *, rng: Random = secrets.token_bytes, r: int | None = None
) -> Blinded:
    """4.2: encode ``msg`` (the prepared message), then blind it with a random ``r``."""
    k = pk.modulus_len
    salt = rng(pk.salt_length) if pk.salt_length else b""
    encoded = emsa_pss_encode(msg, pk.n.bit_length() - 1, salt)
    m = os2ip(encoded)
    if math.gcd(m, pk.n) != 1:
        raise BlindRsaError("invalid input")
    while r is None:
        candidate = os2ip(rng(k)) % pk.n
        if candidate > 1 and math.gcd(candidate, pk.n) == 1:
            r = candidate
    inv = pow(r, -1, pk.n)
    x = pow(r, pk.e, pk.n)
    return Blinded(i2osp(m * x % pk.n, k), i2osp(inv, k))


def blind_sign(n: int, e: int, d: int, blinded_msg: bytes) -> bytes:
    """4.3: the signer's RSASP1 over the blinded value, checked with RSAVP1."""
    k = (n.bit_length() + 7) // 8
    if len(blinded_msg) != k:
        raise BlindRsaError("unexpected input size")
    m = os2ip(blinded_msg)
    if m >= n:
        raise BlindRsaError("invalid message length")
    s = pow(m, d, n)
    if pow(s, e, n) != m:
        raise BlindRsaError("signing failure")
    return i2osp(s, k)


def check_blind_signature(pk: PublicKey, blinded_msg: bytes, blind_sig: bytes) -> bool:
    """Anyone can check a blind signature: ``blind_sig^e = blinded_msg (mod n)``."""
    k = pk.modulus_len
    if len(blinded_msg) != k or len(blind_sig) != k:
        return False
    s = os2ip(blind_sig)
    return s < pk.n and pow(s, pk.e, pk.n) == os2ip(blinded_msg)


def finalize(pk: PublicKey, msg: bytes, blind_sig: bytes, inv: bytes) -> bytes:
    """4.4: unblind, then verify; refuses a signature that does not verify."""
    k = pk.modulus_len
    if len(blind_sig) != k:
        raise BlindRsaError("unexpected input size")
    sig = i2osp(os2ip(blind_sig) * os2ip(inv) % pk.n, k)
    if not verify(pk, msg, sig):
        raise BlindRsaError("invalid signature")
    return sig


def verify(pk: PublicKey, msg: bytes, sig: bytes) -> bool:
    """4.5: RSASSA-PSS-VERIFY with SHA-384, MGF1-SHA-384 and the variant's salt length."""
    if len(sig) != pk.modulus_len:
        return False
    try:
        public_key(pk).verify(
            sig,
            msg,
            padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=pk.salt_length),
            hashes.SHA384(),
        )
    except InvalidSignature:
        return False
    return True


_KEYS: dict[tuple[int, int], rsa.RSAPublicKey] = {}


def public_key(pk: PublicKey) -> rsa.RSAPublicKey:
    """The ``cryptography`` key for (n, e), kept (one key serves a whole vote)."""
    found = _KEYS.get((pk.n, pk.e))
    if found is None:
        if len(_KEYS) > 64:
            _KEYS.clear()
        found = _KEYS[(pk.n, pk.e)] = rsa.RSAPublicNumbers(pk.e, pk.n).public_key()
    return found


def generate(bits: int = 2048) -> rsa.RSAPrivateKey:
    """A fresh signing key (e = 65537)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)
