"""Multibase base58btc (the ``z`` prefix), as did:key, Data Integrity and events use it.

Decoding runs on every submitted event, so it works on big integers in chunks of
ten digits (58**10 fits a machine word) rather than one digit at a time.
"""

from __future__ import annotations

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_DIGITS = {character: value for value, character in enumerate(ALPHABET)}
_CHUNK = 10
_CHUNK_BASE = 58**_CHUNK
_POWERS = [58**n for n in range(_CHUNK + 1)]


def b58encode(data: bytes) -> str:
    """Base58btc (Bitcoin alphabet); each leading zero byte becomes a ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, chunk = divmod(number, _CHUNK_BASE)
        for _ in range(_CHUNK):
            chunk, digit = divmod(chunk, 58)
            digits.append(ALPHABET[digit])
    text = "".join(reversed(digits)).lstrip("1")
    return "1" * zeros + text


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; ``ValueError`` for characters outside the alphabet."""
    zeros = len(text) - len(text.lstrip("1"))
    number = 0
    position, size = 0, len(text) % _CHUNK or _CHUNK
    try:
        while position < len(text):
            value = 0
            for character in text[position : position + size]:
                value = value * 58 + _DIGITS[character]
            number = number * _POWERS[size] + value
            position, size = position + size, _CHUNK
    except KeyError:
        raise ValueError("not valid base58btc (a character outside the base58 alphabet)") from None
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_z(data: bytes) -> str:
    """``"z"`` + base58btc of ``data``."""
    return "z" + b58encode(data)


def decode_z(text: str) -> bytes:
    """Decode a multibase base58btc string; ``ValueError`` says what is wrong."""
    if not text.startswith("z") or len(text) < 2:
        raise ValueError("expected multibase base58btc (a 'z' followed by base58 characters)")
    return b58decode(text[1:])
