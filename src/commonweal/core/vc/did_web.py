"""did:web for nodes with a domain: the DID document, and resolving keys from documents.

A verifier online fetches ``https://<domain>/.well-known/did.json``; offline, it is
handed the document. Either way the key comes from the document's Multikey
verification method, never from the network at verification time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from commonweal.core.did import multikey_from_public_key, public_key_from_multikey
from commonweal.core.vc import p256
from commonweal.core.vc.data_integrity import KeyResolver, resolve_did_key
from commonweal.core.vc.errors import CredentialError

DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"


def did_document(
    did: str, verification_method: str, public_key: bytes, selective_key: bytes | None = None
) -> dict[str, Any]:
    """The DID document of a node whose one key signs for it; with ``selective_key`` (a
    compressed P-256 point) also the P-256 method that signs ``ecdsa-sd-2023`` credentials."""
    document: dict[str, Any] = {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [
            {
                "id": verification_method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multikey_from_public_key(public_key),
            }
        ],
        "assertionMethod": [verification_method],
        "authentication": [verification_method],
    }
    if selective_key is not None:
        multikey = p256.public_multikey(selective_key)
        method = f"{did}#{multikey}"
        document["verificationMethod"].append(
            {"id": method, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
        )
        document["assertionMethod"].append(method)
    return document


def did_web_url(did: str) -> str:
    """Where a did:web document lives (``did:web:a.example`` → ``https://a.example/.well-known/did.json``)."""
    if not did.startswith("did:web:"):
        raise CredentialError("unresolvable_key", "%(did)s is not a did:web", did=did)
    parts = did[len("did:web:") :].split(":")
    host = parts[0].replace("%3A", ":")
    path = "/".join(parts[1:]) if len(parts) > 1 else ".well-known"
    return f"https://{host}/{path}/did.json"


def resolver(documents: Iterable[dict[str, Any]]) -> KeyResolver:
    """Resolve did:key directly, and did:web methods from the given DID documents."""
    methods: dict[str, bytes] = {}
    for document in documents:
        did = document.get("id")
        for method in document.get("verificationMethod", []):
            if not isinstance(method, dict) or method.get("controller") != did:
                continue
            if method.get("type") == "Multikey" and str(method.get("id", "")).startswith(f"{did}#"):
                key = _multikey(str(method.get("publicKeyMultibase", "")))
                if key is not None:
                    methods[str(method["id"])] = key

    def resolve(verification_method: str) -> bytes:
        if verification_method in methods:  # a node's own document names its P-256 key too
            return methods[verification_method]
        if verification_method.startswith("did:key:zDn"):
            return _p256_did_key(verification_method)
        if verification_method.startswith("did:key:"):
            return resolve_did_key(verification_method)
        if verification_method in methods:
            return methods[verification_method]
        raise CredentialError(
            "unresolvable_key", "no DID document given for %(method)s", method=verification_method
        )

    return resolve


def _multikey(multikey: str) -> bytes | None:
    """An Ed25519 (32 bytes) or P-256 (33 bytes, compressed) Multikey's key; None for others."""
    for decode in (public_key_from_multikey, p256.public_key_from_multikey):
        try:
            return decode(multikey)
        except ValueError:
            continue
    return None


def _p256_did_key(verification_method: str) -> bytes:
    """The P-256 key of ``did:key:zDna…#zDna…`` (the fragment must be the key's own)."""
    did, _, fragment = verification_method.partition("#")
    if did[len("did:key:") :] != fragment:
        raise CredentialError("unresolvable_key", "a did:key method's fragment must repeat its key")
    try:
        return p256.public_key_from_multikey(fragment)
    except ValueError as error:
        raise CredentialError("unresolvable_key", str(error)) from None
