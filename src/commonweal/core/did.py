"""did:key for Ed25519: ``did:key:z6Mk…``, the Multikey ``"z" + base58btc(0xed 0x01 ‖ key)``."""

from __future__ import annotations

import functools

from commonweal.core.multibase import b58decode, b58encode

DID_KEY_PREFIX = "did:key:"
ED25519_MULTICODEC = b"\xed\x01"
"""The unsigned-varint multicodec prefix of an Ed25519 public key (0xed)."""
ED25519_PUBLIC_KEY_LENGTH = 32


def multikey_from_public_key(public_key: bytes) -> str:
    """Return the Multikey form ``z6Mk…`` of a 32-byte Ed25519 public key."""
    if len(public_key) != ED25519_PUBLIC_KEY_LENGTH:
        raise ValueError(f"an Ed25519 public key must be {ED25519_PUBLIC_KEY_LENGTH} bytes")
    return "z" + b58encode(ED25519_MULTICODEC + public_key)


def public_key_from_multikey(multikey: str) -> bytes:
    """Return the 32-byte Ed25519 public key inside a ``z6Mk…`` Multikey string."""
    if not multikey.startswith("z"):
        raise ValueError("not an Ed25519 Multikey: it must be multibase base58btc ('z…')")
    try:
        raw = b58decode(multikey[1:])
    except ValueError:
        raise ValueError("not an Ed25519 Multikey: invalid base58btc") from None
    if not raw.startswith(ED25519_MULTICODEC):
        raise ValueError("not an Ed25519 key: the multicodec prefix is not 0xed01")
    public_key = raw[len(ED25519_MULTICODEC) :]
    if len(public_key) != ED25519_PUBLIC_KEY_LENGTH:
        raise ValueError(
            f"wrong Ed25519 key length: {len(public_key)} bytes, "
            f"expected {ED25519_PUBLIC_KEY_LENGTH}"
        )
    return public_key


@functools.lru_cache(maxsize=100_000)
def did_key_from_public_key(public_key: bytes) -> str:
    """Return the did:key DID (``did:key:z6Mk…``) of a 32-byte Ed25519 public key."""
    return DID_KEY_PREFIX + multikey_from_public_key(public_key)


@functools.lru_cache(maxsize=100_000)
def public_key_from_did_key(did: str) -> bytes:
    """Return the Ed25519 public key named by a did:key DID.

    Only the bare DID is accepted: a DID URL with a fragment, path or query
    (``did:key:z6Mk…#z6Mk…``) is refused, and so is any key type other than Ed25519.
    Results are cached because this runs for every event verified.
    """
    if not isinstance(did, str) or not did.startswith(DID_KEY_PREFIX):
        raise ValueError("not a did:key DID: it must start with 'did:key:'")
    multikey = did[len(DID_KEY_PREFIX) :]
    if any(mark in multikey for mark in "#?/;"):
        raise ValueError("a did:key DID URL (fragment, path or query) is not allowed here")
    return public_key_from_multikey(multikey)


def did_key_fingerprint(did: str) -> str:
    """Return the Multikey part (``z6Mk…``) of a did:key DID, after checking the DID."""
    public_key_from_did_key(did)
    return did[len(DID_KEY_PREFIX) :]
