"""Secret-ballot values on the wire: unpadded base64url, strictly decoded.

Points are 32 bytes, scalars 32 bytes little-endian below the group order, RSA
integers big-endian without leading zeros, messages and signatures as they are.
"""

from __future__ import annotations

import base64
import re

from commonweal.core.ballots import ristretto

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
MESSAGE_TAG = b"commonweal/secret-ballot/v1/token"
NONCE_LEN = 32


def b64u(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64u(text: object, *, length: int | None = None, max_length: int = 4096) -> bytes:
    """Strict unpadded base64url (the canonical encoding only), or ValueError."""
    if not isinstance(text, str) or not _B64URL.match(text) or len(text) > max_length * 2:
        raise ValueError("not unpadded base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64u(data) != text:
        raise ValueError("not the canonical base64url encoding")
    if length is not None and len(data) != length:
        raise ValueError(f"expected {length} bytes")
    return data


def point(text: object) -> bytes:
    """A ristretto255 element, or ValueError."""
    data = from_b64u(text, length=32)
    if not ristretto.is_valid(data):
        raise ValueError("not a ristretto255 element")
    return data


def scalar(text: object) -> int:
    """A canonical scalar, or ValueError."""
    return ristretto.parse_scalar(from_b64u(text, length=32))


def scalar_text(value: int) -> str:
    """A scalar's wire form."""
    return b64u(ristretto.scalar_bytes(value))


def integer_text(value: int) -> str:
    """A positive integer, big-endian, minimal length."""
    return b64u(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


def integer(text: object) -> int:
    """The inverse of :func:`integer_text` (no leading zero bytes)."""
    data = from_b64u(text)
    if not data or (len(data) > 1 and data[0] == 0):
        raise ValueError("an integer has no leading zero bytes")
    return int.from_bytes(data, "big")


def token_prefix(node_did: str, proposal: int) -> bytes:
    """What every token message of ``proposal`` on ``node_did`` starts with."""
    return b"\x00".join([MESSAGE_TAG, node_did.encode(), str(proposal).encode(), b""])
