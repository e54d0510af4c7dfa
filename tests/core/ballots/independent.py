"""A second, independent ristretto255 and proof verifier, in plain Python from the formulas.

The group follows RFC 9496 section 4 (decode, encode, SQRT_RATIO_M1) over edwards25519
in extended coordinates (Hisil et al., a = −1); the proofs follow their textbook
equations. Nothing here calls libsodium or ``commonweal.core.ballots``: the tests use
it to check what the production code produced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, -1, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
Point = tuple[int, int, int, int]
IDENTITY: Point = (0, 1, 1, 0)


def _neg(x: int) -> bool:
    return x % P % 2 == 1


def _abs(x: int) -> int:
    return -x % P if _neg(x) else x % P


def _sqrt_ratio_m1(u: int, v: int) -> tuple[bool, int]:
    r = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    check = v * r * r % P
    correct = check == u % P
    flipped = check == -u % P
    flipped_i = check == -u * SQRT_M1 % P
    if flipped or flipped_i:
        r = r * SQRT_M1 % P
    return correct or flipped, _abs(r)


INVSQRT_A_MINUS_D = _sqrt_ratio_m1(1, (-1 - D) % P)[1]


def decode(data: bytes) -> Point | None:
    """RFC 9496 4.3.1; None for an invalid encoding."""
    s = int.from_bytes(data, "little")
    if len(data) != 32 or s >= P or _neg(s):
        return None
    ss = s * s % P
    u1, u2 = (1 - ss) % P, (1 + ss) % P
    u2_sqr = u2 * u2 % P
    v = (-(D * u1 * u1) - u2_sqr) % P
    was_square, invsqrt = _sqrt_ratio_m1(1, v * u2_sqr % P)
    den_x = invsqrt * u2 % P
    den_y = invsqrt * den_x * v % P
    x = _abs(2 * s * den_x)
    y = u1 * den_y % P
    t = x * y % P
    if not was_square or _neg(t) or y == 0:
        return None
    return (x, y, 1, t)


def encode(point: Point) -> bytes:
    """RFC 9496 4.3.2."""
    x0, y0, z0, t0 = point
    u1 = (z0 + y0) * (z0 - y0) % P
    u2 = x0 * y0 % P
    _, invsqrt = _sqrt_ratio_m1(1, u1 * u2 * u2 % P)
    den1, den2 = invsqrt * u1 % P, invsqrt * u2 % P
    z_inv = den1 * den2 * t0 % P
    rotate = _neg(t0 * z_inv)
    x, y = (y0 * SQRT_M1 % P, x0 * SQRT_M1 % P) if rotate else (x0, y0)
    den_inv = den1 * INVSQRT_A_MINUS_D % P if rotate else den2
    if _neg(x * z_inv):
        y = -y % P
    return _abs(den_inv * (z0 - y)).to_bytes(32, "little")


def add(p: Point, q: Point) -> Point:
    """Extended twisted Edwards addition, a = −1."""
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = t1 * 2 * D * t2 % P
    d = z1 * 2 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def neg(p: Point) -> Point:
    x, y, z, t = p
    return (-x % P, y, z, -t % P)


def mul(k: int, p: Point) -> Point:
    result, addend = IDENTITY, p
    k %= L
    while k:
        if k & 1:
            result = add(result, addend)
        addend = add(addend, addend)
        k >>= 1
    return result


BASE = decode(bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"))
assert BASE is not None
B: Point = BASE


def same(p: Point, q: Point) -> bool:
    return encode(p) == encode(q)


def challenge(*parts: bytes) -> int:
    h = hashlib.sha512()
    for part in parts:
        h.update(len(part).to_bytes(8, "big") + part)
    return int.from_bytes(h.digest(), "little") % L


def _pt(data: bytes) -> Point:
    point = decode(data)
    assert point is not None, "not a valid encoding"
    return point


def range_ok(
    key: bytes, a: bytes, b: bytes, proofs: Sequence[tuple[int, int]], high: int, ctx: bytes
) -> bool:
    """Σ c_j = H(…, z_j·G − c_j·A, z_j·K − c_j·(B − j·G) for every j)."""
    if len(proofs) != high + 1:
        return False
    k, pa, pb = _pt(key), _pt(a), _pt(b)
    commitments = []
    for j, (c, z) in enumerate(proofs):
        commitments.append(encode(add(mul(z, B), neg(mul(c, pa)))))
        commitments.append(encode(add(mul(z, k), neg(mul(c, add(pb, neg(mul(j, B))))))))
    tag = b"commonweal/secret-ballot/v1/range"
    expected = challenge(tag, ctx, key, a, b, high.to_bytes(4, "big"), *commitments)
    return sum(c for c, _z in proofs) % L == expected


def key_ok(share: bytes, proof: tuple[int, int], ctx: bytes) -> bool:
    c, z = proof
    commitment = encode(add(mul(z, B), neg(mul(c, _pt(share)))))
    return c == challenge(b"commonweal/secret-ballot/v1/key-share", ctx, share, commitment)


def share_ok(share: bytes, a: bytes, d: bytes, proof: tuple[int, int], ctx: bytes) -> bool:
    c, z = proof
    t1 = encode(add(mul(z, B), neg(mul(c, _pt(share)))))
    t2 = encode(add(mul(z, _pt(a)), neg(mul(c, _pt(d)))))
    tag = b"commonweal/secret-ballot/v1/decryption-share"
    return c == challenge(tag, ctx, share, a, d, t1, t2)


def decrypt(b: bytes, shares: Sequence[bytes], high: int) -> int | None:
    plain = _pt(b)
    for d in shares:
        plain = add(plain, neg(_pt(d)))
    for m in range(high + 1):
        if same(plain, mul(m, B)):
            return m
    return None
