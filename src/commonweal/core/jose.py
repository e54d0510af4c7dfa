"""Compact JWS (RFC 7515) with EdDSA (Ed25519, RFC 8037) and ES256 (P-256, RFC 7518 §3.4).

Enough to check an OpenID4VCI key proof: the header's key is a DID URL (``kid``,
did:key, Ed25519 or P-256) or a public JWK (``jwk``, OKP/Ed25519 or EC/P-256), never
both; ``alg: none`` and every other algorithm are refused. Each key is also named
by its did:key, which is how a holder is recognised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from commonweal.core.did import did_key_from_public_key, public_key_from_did_key
from commonweal.core.keys import SigningKey, verify_signature
from commonweal.core.vc import p256
from commonweal.core.vc.multibase64 import b64url, b64url_decode

ALGORITHMS = ("EdDSA", "ES256")
MAX_TOKEN = 16_384


class JoseError(ValueError):
    """A JWS that is malformed, names no usable key, or does not verify."""


@dataclass(frozen=True)
class Jws:
    """A parsed compact JWS."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


@dataclass(frozen=True)
class PublicKey:
    """A key a JWS header names: its algorithm, raw bytes and did:key."""

    alg: str
    raw: bytes
    """32 bytes (Ed25519) or the 33-byte compressed P-256 point."""
    did: str


def parse(token: Any) -> Jws:
    """The parts of a compact JWS with JSON object header and payload."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN or token.count(".") != 2:
        raise JoseError("not a compact JWS (three base64url parts joined by dots)")
    header_part, payload_part, signature_part = token.split(".")
    try:
        header = json.loads(b64url_decode(header_part))
        payload = json.loads(b64url_decode(payload_part))
        signature = b64url_decode(signature_part)
    except ValueError:
        raise JoseError("a JWS part is not base64url-encoded JSON") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise JoseError("the JWS header and payload must be JSON objects")
    return Jws(header, payload, f"{header_part}.{payload_part}".encode(), signature)


def header_key(header: dict[str, Any]) -> PublicKey:
    """The key the header names (``kid`` as a did:key URL, or ``jwk``), for its ``alg``."""
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise JoseError(f"alg must be one of {', '.join(ALGORITHMS)}, not {alg!r}")
    named = [name for name in ("kid", "jwk", "x5c", "trust_chain") if name in header]
    if named not in (["kid"], ["jwk"]):
        raise JoseError("the header must name its key by exactly one of kid (a DID URL) or jwk")
    raw = _jwk(header["jwk"], alg) if "jwk" in header else _did_url(header["kid"], alg)
    did = did_key_from_public_key(raw) if alg == "EdDSA" else p256.did_key(raw)
    return PublicKey(alg, raw, did)


def verify(jws: Jws, key: PublicKey) -> bool:
    """Whether the JWS signature is valid for ``key``."""
    if key.alg == "EdDSA":
        return verify_signature(key.raw, jws.signing_input, jws.signature)
    return p256.verify(key.raw, jws.signing_input, jws.signature)


def sign(header: dict[str, Any], payload: dict[str, Any], key: SigningKey | p256.P256Key) -> str:
    """A compact JWS of ``payload`` (the node's own tokens; ``alg`` follows the key)."""
    alg = "EdDSA" if isinstance(key, SigningKey) else "ES256"
    head = b64url(json.dumps({**header, "alg": alg}, separators=(",", ":")).encode())
    body = b64url(json.dumps(payload, separators=(",", ":")).encode())
    signature = key.sign(f"{head}.{body}".encode())
    return f"{head}.{body}.{b64url(signature)}"


def _jwk(jwk: Any, alg: str) -> bytes:
    if not isinstance(jwk, dict) or "d" in jwk:
        raise JoseError("jwk must be a public key (and never carry the private part d)")
    try:
        if alg == "EdDSA" and jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            raw = b64url_decode(jwk["x"])
            if len(raw) == 32:
                return raw
        if alg == "ES256" and jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
            x, y = b64url_decode(jwk["x"]), b64url_decode(jwk["y"])
            if len(x) == 32 and len(y) == 32:
                return p256.compressed_from_xy(x, y)
    except (KeyError, ValueError, TypeError):
        pass
    raise JoseError(f"jwk is not a {'Ed25519' if alg == 'EdDSA' else 'P-256'} public key")


def _did_url(kid: Any, alg: str) -> bytes:
    if not isinstance(kid, str):
        raise JoseError("kid must be a DID URL")
    did, _, fragment = kid.partition("#")
    if not did.startswith("did:key:") or (fragment and fragment != did[len("did:key:") :]):
        raise JoseError("kid must be a did:key DID URL whose fragment repeats its key")
    try:
        if alg == "EdDSA":
            return public_key_from_did_key(did)
        return p256.public_key_from_multikey(did[len("did:key:") :])
    except ValueError as error:
        raise JoseError(f"kid does not name a key for {alg}: {error}") from None
