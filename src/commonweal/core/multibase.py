"""Multibase base58btc (the ``z`` prefix), as did:key and Data Integrity use it."""

from __future__ import annotations

import base58


def b58encode(data: bytes) -> str:
    """Base58btc (Bitcoin alphabet)."""
    return base58.b58encode(data).decode("ascii")


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; ``ValueError`` for characters outside the alphabet."""
    try:
        return base58.b58decode(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ValueError("not valid base58btc") from None


def encode_z(data: bytes) -> str:
    """``"z"`` + base58btc of ``data``."""
    return "z" + b58encode(data)


def decode_z(text: str) -> bytes:
    """Decode a multibase base58btc string; ``ValueError`` says what is wrong."""
    if not text.startswith("z") or len(text) < 2:
        raise ValueError("expected multibase base58btc (a 'z' followed by base58 characters)")
    return b58decode(text[1:])
