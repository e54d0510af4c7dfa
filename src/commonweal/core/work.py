"""Proof of work over an event: a hashcash-style stamp its signature covers.

An event whose type asks for work carries a nonce in its body (``body.pow``, a short
string). Its *work digest* is SHA-256 over the RFC 8785 bytes the signature covers
(the whole event without ``sig``); the event carries ``N`` bits of work when that
digest starts with ``N`` zero bits. Because the nonce is inside the signed bytes,
nobody can move a stamp to another event, and anyone holding the log can recheck it.

:func:`stamp` finds a nonce by trying counters: on average ``2**N`` SHA-256 runs. It
canonicalises the event once, with a placeholder nonce of fixed width, and then only
replaces those bytes, so each try costs one hash of a few hundred bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from commonweal.core import jcs

WORK_FIELD = "pow"
"""The body member holding the nonce."""

NONCE_WIDTH = 16
"""Nonces :func:`stamp` makes are this many hexadecimal digits."""

MAX_WORK_BITS = 32


def work_digest(signing_bytes: bytes) -> bytes:
    """SHA-256 of the bytes an event's signature covers."""
    return hashlib.sha256(signing_bytes).digest()


def leading_zero_bits(digest: bytes) -> int:
    """How many zero bits ``digest`` starts with."""
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def stamp(unsigned: Mapping[str, Any], bits: int, *, limit: int = 1 << 40) -> dict[str, Any]:
    """``unsigned`` (an event without ``sig``) with a nonce in ``body.pow`` giving ``bits``
    bits of work; sign the result afterwards. Gives up with ``ValueError`` after ``limit``
    tries (never, in practice, below 40 bits)."""
    if not 0 <= bits <= MAX_WORK_BITS:
        raise ValueError(f"work is 0 to {MAX_WORK_BITS} bits; got {bits}")
    placeholder = "~" * NONCE_WIDTH  # sorts and escapes like no hexadecimal digit does
    event = {**unsigned, "body": {**unsigned["body"], WORK_FIELD: placeholder}}
    canonical = jcs.canonicalize(event)
    marker = f'"{WORK_FIELD}":"{placeholder}"'.encode()
    if canonical.count(marker) != 1:
        raise ValueError("the event's bytes hold the nonce placeholder more than once")
    head, tail = canonical.split(marker)
    prefix = hashlib.sha256(head + f'"{WORK_FIELD}":"'.encode())
    suffix = b'"' + tail
    for counter in range(limit):
        nonce = f"{counter:0{NONCE_WIDTH}x}"
        attempt = prefix.copy()
        attempt.update(nonce.encode() + suffix)
        if leading_zero_bits(attempt.digest()) >= bits:
            return {**unsigned, "body": {**unsigned["body"], WORK_FIELD: nonce}}
    raise ValueError(f"no nonce within {limit} tries")
