"""Web Push's keys, checked: a subscription's RFC 8291 keys and a VAPID key (RFC 8292).

A browser's ``PushSubscription`` names two keys, base64url-encoded: ``p256dh``, the
user agent's P-256 public key as an uncompressed point (65 bytes, ``0x04 || X || Y``,
which must lie on the curve), and ``auth``, the 16-byte authentication secret. The
node's VAPID key is a P-256 key pair; its public key, uncompressed and base64url, is the
``applicationServerKey`` a page subscribes with.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


class WebPushKeyError(ValueError):
    """A key that is not what RFC 8291 or RFC 8292 asks for; the message says what."""


def b64url_decode(text: str) -> bytes:
    """Base64url without (or with) padding; :class:`WebPushKeyError` if it is not."""
    if not isinstance(text, str) or not text or len(text) > 200:
        raise WebPushKeyError("is not base64url text")
    stripped = text.rstrip("=")
    if any(c not in _ALPHABET for c in stripped):
        raise WebPushKeyError("is not base64url (A-Z, a-z, 0-9, - and _)")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError):
        raise WebPushKeyError("is not base64url") from None


def b64url(data: bytes) -> str:
    """Base64url without padding, as Web Push writes keys."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def check_p256dh(text: str) -> bytes:
    """The user agent's public key: 65 bytes, an uncompressed point on P-256."""
    raw = b64url_decode(text)
    if len(raw) != 65 or raw[0] != 4:
        raise WebPushKeyError(
            f"p256dh must be a 65-byte uncompressed P-256 point, not {len(raw)} bytes"
        )
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise WebPushKeyError("p256dh is not a point on the P-256 curve") from None
    return raw


def check_auth(text: str) -> bytes:
    """The authentication secret: exactly 16 bytes (RFC 8291, section 3.2)."""
    raw = b64url_decode(text)
    if len(raw) != 16:
        raise WebPushKeyError(f"auth must be 16 bytes, not {len(raw)}")
    return raw


def vapid_private_raw(private_key: ec.EllipticCurvePrivateKey) -> str:
    """The private scalar, 32 bytes big-endian, base64url (how the node keeps it)."""
    return b64url(private_key.private_numbers().private_value.to_bytes(32, "big"))


def vapid_key(private_raw: str) -> ec.EllipticCurvePrivateKey:
    """The VAPID key pair from its kept private scalar."""
    scalar = int.from_bytes(b64url_decode(private_raw), "big")
    return ec.derive_private_key(scalar, ec.SECP256R1())


def vapid_public_key(private_raw: str) -> str:
    """The ``applicationServerKey``: the uncompressed public point, base64url."""
    public = vapid_key(private_raw).public_key()
    return b64url(
        public.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
