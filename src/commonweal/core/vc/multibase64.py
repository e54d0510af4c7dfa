"""Base64url without padding (RFC 4648 §5), bare and as multibase (``u…``)."""

from __future__ import annotations

import base64
import binascii
import re

ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def b64url(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Bytes of unpadded base64url; ValueError for anything else (padding, other alphabets)."""
    if not isinstance(text, str) or not ALPHABET.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not unpadded base64url") from None


def encode_u(data: bytes) -> str:
    """Multibase base64url-no-pad: ``"u"`` + base64url(data)."""
    return "u" + b64url(data)


def decode_u(text: str) -> bytes:
    """The bytes of a multibase base64url-no-pad string; ValueError otherwise."""
    if not isinstance(text, str) or not text.startswith("u"):
        raise ValueError("not multibase base64url-no-pad (it must start with 'u')")
    return b64url_decode(text[1:])
