"""The ristretto255 group (RFC 9496) through libsodium, and scalars modulo its order.

Points are their 32-byte canonical encodings; scalars are Python integers modulo
``ORDER``. libsodium does the group arithmetic (``crypto_core_ristretto255_*``,
``crypto_scalarmult_ristretto255*``) through ``rbcl``, which bundles libsodium with
these functions (PyNaCl does not expose them). libsodium refuses a product that is the
identity; here the identity is a value like any other (32 zero bytes), so that ElGamal
can encrypt 0. ``rbcl`` does not report an invalid input to ``add`` or ``sub``, so both
check their inputs first.
"""

from __future__ import annotations

import hashlib

import rbcl

ORDER = 2**252 + 27742317777372353535851937790883648493
"""ℓ, the prime order of the group."""
IDENTITY = bytes(32)
BASE = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")


class InvalidPoint(ValueError):
    """Bytes that are not the canonical encoding of a ristretto255 element."""


def is_valid(point: bytes) -> bool:
    """Whether ``point`` is a canonical encoding (RFC 9496 section 4.3.1 decode succeeds)."""
    if len(point) != 32:
        return False
    return point == IDENTITY or bool(rbcl.crypto_core_ristretto255_is_valid_point(point))


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
    sum_: bytes = rbcl.crypto_core_ristretto255_add(decode(p), decode(q))
    return sum_


def neg(p: bytes) -> bytes:
    """-p."""
    return sub(IDENTITY, p)


def sub(p: bytes, q: bytes) -> bytes:
    """p - q."""
    if q == IDENTITY:
        return p
    difference: bytes = rbcl.crypto_core_ristretto255_sub(decode(p), decode(q))
    return difference


def mul(scalar: int, point: bytes) -> bytes:
    """scalar · point (the identity when either is zero)."""
    scalar %= ORDER
    if scalar == 0 or point == IDENTITY:
        return IDENTITY
    try:
        product: bytes = rbcl.crypto_scalarmult_ristretto255(_scalar_bytes(scalar), point)
    except RuntimeError:  # libsodium's -1: an invalid point (a valid one has prime order)
        if not is_valid(point):
            raise InvalidPoint("not a ristretto255 element") from None
        return IDENTITY
    return product


def base_mul(scalar: int) -> bytes:
    """scalar · B, B the generator."""
    scalar %= ORDER
    if scalar == 0:
        return IDENTITY
    try:
        product: bytes = rbcl.crypto_scalarmult_ristretto255_base(_scalar_bytes(scalar))
    except RuntimeError:
        return IDENTITY
    return product


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
