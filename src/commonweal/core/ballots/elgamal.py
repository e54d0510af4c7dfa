"""Exponential ElGamal over ristretto255 with the zero-knowledge proofs a sealed ballot needs.

A ballot is a list of small integers (its *fields*), each encrypted to the tellers'
joint key ``K``: ``(A, B) = (r·G, m·G + r·K)``. Each ciphertext carries a
disjunctive Chaum–Pedersen proof (Cramer–Damgård–Schoenmakers OR-composition) that
``m`` is one of ``0 … high``, so a malformed or out-of-range ballot is refused when
it is cast, before anyone decrypts. A teller proves knowledge of its key share with
a Schnorr proof, and each decryption share ``D = x·A`` with a Chaum–Pedersen (DLEQ)
proof that ``log_G(K_i) = log_A(D)``. Every challenge is a Fiat–Shamir hash
(SHA-512 reduced modulo ℓ) over a domain tag, the caller's context (node, proposal,
ballot) and every public value of the statement, length-prefixed, in the manner of
ElectionGuard. Proofs are ``(challenge, response)`` scalar pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from commonweal.core.ballots import ristretto as group
from commonweal.core.ballots.ristretto import BASE, ORDER, hash_to_scalar

RANGE_TAG = b"commonweal/secret-ballot/v1/range"
KEY_TAG = b"commonweal/secret-ballot/v1/key-share"
SHARE_TAG = b"commonweal/secret-ballot/v1/decryption-share"
MAX_HIGH = 200
"""The widest range one field may take (a quadratic vote of 10,000 credits is ±100)."""

Proof = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """``A = r·G``, ``B = m·G + r·K``."""

    a: bytes
    b: bytes


def small_multiples(high: int) -> list[bytes]:
    """``0·G, 1·G, … high·G`` (for proofs and for reading a decrypted value)."""
    points = [group.IDENTITY]
    for _ in range(high):
        points.append(group.add(points[-1], BASE))
    return points


def encrypt(key: bytes, value: int, nonce: int) -> Ciphertext:
    """Encrypt the small integer ``value`` to ``key`` with the secret ``nonce``."""
    return Ciphertext(
        group.base_mul(nonce), group.add(group.base_mul(value), group.mul(nonce, key))
    )


def prove_range(
    key: bytes, ct: Ciphertext, value: int, nonce: int, high: int, context: bytes
) -> list[Proof]:
    """A proof that ``ct`` encrypts one of ``0 … high`` (it encrypts ``value``)."""
    if not 0 <= value <= high <= MAX_HIGH:
        raise ValueError("the value is outside the range")
    multiples = small_multiples(high)
    proofs: list[Proof | None] = [None] * (high + 1)
    commitments: list[bytes] = []
    w = group.random_scalar()
    for j in range(high + 1):
        if j == value:
            commitments += [group.base_mul(w), group.mul(w, key)]
            continue
        c_j, z_j = group.random_scalar(), group.random_scalar()
        proofs[j] = (c_j, z_j)
        commitments += _simulated(key, ct, multiples[j], c_j, z_j)
    challenge = _range_challenge(key, ct, high, context, commitments)
    c_real = (challenge - sum(p[0] for p in proofs if p is not None)) % ORDER
    proofs[value] = (c_real, (w + c_real * nonce) % ORDER)
    return [p for p in proofs if p is not None]


def check_range(
    key: bytes, ct: Ciphertext, proofs: Sequence[Proof], high: int, context: bytes
) -> bool:
    """Whether ``proofs`` shows that ``ct`` encrypts one of ``0 … high``."""
    if len(proofs) != high + 1 or not 0 <= high <= MAX_HIGH:
        return False
    multiples = small_multiples(high)
    commitments: list[bytes] = []
    for j, (c_j, z_j) in enumerate(proofs):
        commitments += _simulated(key, ct, multiples[j], c_j, z_j)
    total = sum(c for c, _z in proofs) % ORDER
    return total == _range_challenge(key, ct, high, context, commitments)


def _simulated(key: bytes, ct: Ciphertext, m_point: bytes, c: int, z: int) -> list[bytes]:
    """The commitments a branch's (c, z) imply: ``z·G − c·A`` and ``z·K − c·(B − j·G)``."""
    return [
        group.sub(group.base_mul(z), group.mul(c, ct.a)),
        group.sub(group.mul(z, key), group.mul(c, group.sub(ct.b, m_point))),
    ]


def _range_challenge(
    key: bytes, ct: Ciphertext, high: int, context: bytes, commitments: list[bytes]
) -> int:
    return hash_to_scalar(
        RANGE_TAG, context, key, ct.a, ct.b, high.to_bytes(4, "big"), *commitments
    )


def prove_key(secret: int, context: bytes) -> Proof:
    """A Schnorr proof of knowledge of ``secret`` for the share ``secret·G``."""
    share = group.base_mul(secret)
    w = group.random_scalar()
    c = hash_to_scalar(KEY_TAG, context, share, group.base_mul(w))
    return c, (w + c * secret) % ORDER


def check_key(share: bytes, proof: Proof, context: bytes) -> bool:
    """Whether ``proof`` shows knowledge of the secret behind ``share``."""
    c, z = proof
    commitment = group.sub(group.base_mul(z), group.mul(c, share))
    return share != group.IDENTITY and c == hash_to_scalar(KEY_TAG, context, share, commitment)


def decryption_share(secret: int, ct: Ciphertext, context: bytes) -> tuple[bytes, Proof]:
    """``D = secret·A`` with a DLEQ proof that it used the secret behind the teller's share."""
    share = group.base_mul(secret)
    d = group.mul(secret, ct.a)
    w = group.random_scalar()
    c = hash_to_scalar(SHARE_TAG, context, share, ct.a, d, group.base_mul(w), group.mul(w, ct.a))
    return d, (c, (w + c * secret) % ORDER)


def check_decryption_share(
    share: bytes, ct: Ciphertext, d: bytes, proof: Proof, context: bytes
) -> bool:
    """Whether ``d`` is ``x·A`` for the ``x`` behind ``share`` (a Chaum–Pedersen proof)."""
    c, z = proof
    t1 = group.sub(group.base_mul(z), group.mul(c, share))
    t2 = group.sub(group.mul(z, ct.a), group.mul(c, d))
    return c == hash_to_scalar(SHARE_TAG, context, share, ct.a, d, t1, t2)


def combine(points: Sequence[bytes]) -> bytes:
    """The sum of ``points`` (the joint key from the shares, or the decryption shares)."""
    total = group.IDENTITY
    for point in points:
        total = group.add(total, point)
    return total


def decrypt(ct: Ciphertext, shares: Sequence[bytes], high: int) -> int | None:
    """The small integer ``ct`` encrypts, from every teller's share; None if above ``high``."""
    plain = group.sub(ct.b, combine(shares))
    table = _lookup(high)
    return table.get(plain)


_TABLES: dict[int, dict[bytes, int]] = {}


def _lookup(high: int) -> dict[bytes, int]:
    table = _TABLES.get(high)
    if table is None:
        table = _TABLES[high] = {p: m for m, p in enumerate(small_multiples(high))}
    return table
