"""The ristretto255 group (RFC 9496) through libsodium, and scalars modulo its order.

Points are their 32-byte canonical encodings; scalars are Python integers modulo
``ORDER``. libsodium does the group arithmetic (``crypto_core_ristretto255_*``,
``crypto_scalarmult_ristretto255*``); it is loaded from the system library because
PyNaCl does not expose these functions. libsodium refuses a product that is the
identity (it returns -1); here the identity is a value like any other (32 zero
bytes), so that ElGamal can encrypt 0.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
from functools import cache

ORDER = 2**252 + 27742317777372353535851937790883648493
"""ℓ, the prime order of the group."""
IDENTITY = bytes(32)
BASE = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")


class InvalidPoint(ValueError):
    """Bytes that are not the canonical encoding of a ristretto255 element."""


@cache
def _sodium() -> ctypes.CDLL:
    name = ctypes.util.find_library("sodium") or "libsodium.so.23"
    lib = ctypes.CDLL(name)
    if lib.sodium_init() < 0:
        raise RuntimeError("libsodium failed to initialise")
    return lib


def is_valid(point: bytes) -> bool:
    """Whether ``point`` is a canonical encoding (RFC 9496 section 4.3.1 decode succeeds)."""
    if len(point) != 32:
        return False
    return point == IDENTITY or bool(_sodium().crypto_core_ristretto255_is_valid_point(point))


def decode(point: bytes) -> bytes:
    """``point`` if valid, else :class:`InvalidPoint`."""
    if not is_valid(point):
        raise InvalidPoint("not a ristretto255 element")
    return point


def add(p: bytes, q: bytes) -> bytes:
    """p + q."""
    if p == IDENTITY:
        return q
    if q == IDENTITY:
        return p
    out = ctypes.create_string_buffer(32)
    if _sodium().crypto_core_ristretto255_add(out, p, q) != 0:
        raise InvalidPoint("not a ristretto255 element")
    return out.raw


def neg(p: bytes) -> bytes:
    """-p."""
    return sub(IDENTITY, p)


def sub(p: bytes, q: bytes) -> bytes:
    """p - q."""
    if q == IDENTITY:
        return p
    out = ctypes.create_string_buffer(32)
    if _sodium().crypto_core_ristretto255_sub(out, p, q) != 0:
        raise InvalidPoint("not a ristretto255 element")
    return out.raw


def mul(scalar: int, point: bytes) -> bytes:
    """scalar · point (the identity when either is zero)."""
    scalar %= ORDER
    if scalar == 0 or point == IDENTITY:
        return IDENTITY
    out = ctypes.create_string_buffer(32)
    if _sodium().crypto_scalarmult_ristretto255(out, _scalar_bytes(scalar), point) != 0:
        if not is_valid(point):
            raise InvalidPoint("not a ristretto255 element")
        return IDENTITY
    return out.raw


def base_mul(scalar: int) -> bytes:
    """scalar · B, B the generator."""
    scalar %= ORDER
    if scalar == 0:
        return IDENTITY
    out = ctypes.create_string_buffer(32)
    if _sodium().crypto_scalarmult_ristretto255_base(out, _scalar_bytes(scalar)) != 0:
        return IDENTITY
    return out.raw


def random_scalar() -> int:
    """A uniformly random non-zero scalar (from the operating system's generator)."""
    import secrets

    return secrets.randbelow(ORDER - 1) + 1


def hash_to_scalar(*parts: bytes) -> int:
    """SHA-512 over length-prefixed ``parts``, reduced modulo ℓ (64 bytes: negligible bias)."""
    digest = hashlib.sha512()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return int.from_bytes(digest.digest(), "little") % ORDER


def scalar_bytes(scalar: int) -> bytes:
    """A scalar's 32-byte little-endian encoding."""
    return _scalar_bytes(scalar % ORDER)


def parse_scalar(data: bytes) -> int:
    """A canonical scalar encoding (below ℓ), or ValueError."""
    if len(data) != 32:
        raise ValueError("a scalar is 32 bytes")
    value = int.from_bytes(data, "little")
    if value >= ORDER:
        raise ValueError("a scalar must be below the group order")
    return value


def _scalar_bytes(scalar: int) -> bytes:
    return scalar.to_bytes(32, "little")
