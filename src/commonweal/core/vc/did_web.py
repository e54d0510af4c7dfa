"""did:web for nodes with a domain: the DID document, and resolving keys from documents.

A verifier online fetches ``https://<domain>/.well-known/did.json``; offline, it is
handed the document. Either way the key comes from the document's Multikey
verification method, never from the network at verification time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from commonweal.core.did import multikey_from_public_key, public_key_from_multikey
from commonweal.core.vc.data_integrity import KeyResolver, resolve_did_key
from commonweal.core.vc.errors import CredentialError

DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"


def did_document(did: str, verification_method: str, public_key: bytes) -> dict[str, Any]:
    """The DID document of a node whose one key signs for it."""
    return {
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


def did_web_url(did: str) -> str:
    """Where a did:web document lives (``did:web:a.example`` → ``https://a.example/.well-known/did.json``)."""
    if not did.startswith("did:web:"):
        raise CredentialError("unresolvable_key", f"{did} is not a did:web")
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
                methods[str(method["id"])] = public_key_from_multikey(
                    str(method["publicKeyMultibase"])
                )

    def resolve(verification_method: str) -> bytes:
        if verification_method.startswith("did:key:"):
            return resolve_did_key(verification_method)
        if verification_method in methods:
            return methods[verification_method]
        raise CredentialError(
            "unresolvable_key", f"no DID document given for {verification_method}"
        )

    return resolve
