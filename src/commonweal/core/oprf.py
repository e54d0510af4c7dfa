"""RFC 9497 OPRF, base mode (``modeOPRF``), suite ristretto255-SHA512, on libsodium's ristretto255.

An oblivious pseudorandom function lets a client learn ``F(k, input)`` for a key ``k``
the server holds, without the server learning ``input`` and without the client
learning ``k``: the client blinds the input (:func:`blind`), the server multiplies the
blinded element by its key (:func:`blind_evaluate`), and the client unblinds and
hashes (:func:`finalize`). Commonweal uses it for nullifiers: the alliance holds one
key per network vote, and a precinct learns each member's nullifier for that vote
without the alliance learning who the members are (``docs/federation.md``).

Group arithmetic is libsodium's (``rbcl``, which bundles libsodium with its
ristretto255 functions); hash-to-group is RFC 9380's ``expand_message_xmd`` with
SHA-512 followed by the ristretto255 one-way map (``crypto_core_ristretto255_from_hash``).
Checked against the RFC's test vectors (``tests/core/test_oprf.py``).
"""

from __future__ import annotations

import hashlib
import secrets

import rbcl

MODE_OPRF = 0
IDENTIFIER = b"ristretto255-SHA512"


def context_string(mode: int) -> bytes:
    """``contextString`` (§3.1): ``"OPRFV1-" || I2OSP(mode, 1) || "-" || identifier``; the
    functions below take it so the RFC's other modes' vectors can check them too."""
    return b"OPRFV1-" + bytes([mode]) + b"-" + IDENTIFIER


CONTEXT = context_string(MODE_OPRF)
ELEMENT_BYTES = 32
SCALAR_BYTES = 32
OUTPUT_BYTES = 64


class OprfError(ValueError):
    """An input that maps to the identity, or an element that is not a valid encoding."""


def _i2osp(value: int, length: int) -> bytes:
    return value.to_bytes(length, "big")


def expand_message_xmd(message: bytes, dst: bytes, length: int) -> bytes:
    """RFC 9380 §5.3.1 with SHA-512."""
    block, rate = 64, 128
    if len(dst) > 255:
        raise OprfError("domain separation tag too long")
    blocks = -(-length // block)
    if blocks > 255 or length > 65535:
        raise OprfError("requested output too long")
    dst_prime = dst + _i2osp(len(dst), 1)
    b0 = hashlib.sha512(
        bytes(rate) + message + _i2osp(length, 2) + _i2osp(0, 1) + dst_prime
    ).digest()
    previous = hashlib.sha512(b0 + _i2osp(1, 1) + dst_prime).digest()
    out = previous
    for i in range(2, blocks + 1):
        mixed = bytes(x ^ y for x, y in zip(b0, previous, strict=True))
        previous = hashlib.sha512(mixed + _i2osp(i, 1) + dst_prime).digest()
        out += previous
    return out[:length]


def hash_to_group(data: bytes, context: bytes = CONTEXT) -> bytes:
    """HashToGroup: ``expand_message_xmd`` to 64 bytes, then the ristretto255 one-way map."""
    uniform = expand_message_xmd(data, b"HashToGroup-" + context, 64)
    element: bytes = rbcl.crypto_core_ristretto255_from_hash(uniform)
    return element


def hash_to_scalar(data: bytes, dst: bytes) -> bytes:
    """HashToScalar with domain separation tag ``dst``: 64 uniform bytes reduced modulo
    the group order (little-endian)."""
    uniform = expand_message_xmd(data, dst, 64)
    scalar: bytes = rbcl.crypto_core_ristretto255_scalar_reduce(uniform)
    return scalar


def derive_key_pair(seed: bytes, info: bytes, context: bytes = CONTEXT) -> tuple[bytes, bytes]:
    """DeriveKeyPair (§3.2.1): the secret scalar and public element for ``seed`` and ``info``."""
    derive_input = seed + _i2osp(len(info), 2) + info
    for counter in range(256):
        secret = hash_to_scalar(derive_input + _i2osp(counter, 1), b"DeriveKeyPair" + context)
        if any(secret):
            public: bytes = rbcl.crypto_scalarmult_ristretto255_base(secret)
            return secret, public
    raise OprfError("DeriveKeyPairError")


def random_blind() -> bytes:
    """A fresh non-zero blinding scalar."""
    while True:
        scalar: bytes = rbcl.crypto_core_ristretto255_scalar_reduce(secrets.token_bytes(64))
        if any(scalar):
            return scalar


def blind(private_input: bytes, blind_scalar: bytes, context: bytes = CONTEXT) -> bytes:
    """Blind: the blinded element ``blind · HashToGroup(input)``, serialised."""
    element = hash_to_group(private_input, context)
    if not any(element):
        raise OprfError("the input maps to the identity element")
    blinded: bytes = rbcl.crypto_scalarmult_ristretto255(blind_scalar, element)
    return blinded


def blind_evaluate(secret: bytes, blinded: bytes) -> bytes:
    """BlindEvaluate (server): ``secret · blinded``; refuses an invalid or identity element."""
    if len(blinded) != ELEMENT_BYTES or not rbcl.crypto_core_ristretto255_is_valid_point(blinded):
        raise OprfError("not a valid ristretto255 element")
    try:
        evaluated: bytes = rbcl.crypto_scalarmult_ristretto255(secret, blinded)
    except Exception as error:  # libsodium refuses a result that is the identity
        raise OprfError("the evaluation is the identity element") from error
    return evaluated


def _finalize_hash(private_input: bytes, unblinded: bytes) -> bytes:
    """The PRF output: SHA-512 over the input and the unblinded element (RFC 9497 §3.3.1)."""
    hash_input = (
        _i2osp(len(private_input), 2)
        + private_input
        + _i2osp(len(unblinded), 2)
        + unblinded
        + b"Finalize"
    )
    return hashlib.sha512(hash_input).digest()


def finalize(private_input: bytes, blind_scalar: bytes, evaluated: bytes) -> bytes:
    """Finalize (client): unblind and hash to the 64-byte PRF output."""
    if len(evaluated) != ELEMENT_BYTES or not rbcl.crypto_core_ristretto255_is_valid_point(
        evaluated
    ):
        raise OprfError("not a valid ristretto255 element")
    inverse = rbcl.crypto_core_ristretto255_scalar_invert(blind_scalar)
    unblinded: bytes = rbcl.crypto_scalarmult_ristretto255(inverse, evaluated)
    return _finalize_hash(private_input, unblinded)


def evaluate(secret: bytes, private_input: bytes, context: bytes = CONTEXT) -> bytes:
    """The PRF itself, computed by the key holder (what blind, evaluate, finalize yield)."""
    element = hash_to_group(private_input, context)
    unblinded: bytes = rbcl.crypto_scalarmult_ristretto255(secret, element)
    return _finalize_hash(private_input, unblinded)
