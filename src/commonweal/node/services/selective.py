"""Selective-disclosure credentials: the node's credentials with an ``ecdsa-sd-2023`` base proof.

The claims are those of ``credentials.credential`` (the same log-owed rows); the proof is
the node's P-256 key's. The HMAC key and the proof-scoped key are derived from that key
and the credential's id, and ECDSA signing is deterministic (RFC 6979), so, like the
EdDSA credentials, the same log always yields byte-identical base credentials.

The issuer fixes what every derived credential must show (``MANDATORY_POINTERS``): who
issued it, its status entry (so a verifier can check it is not revoked: "in good
standing") and the pinned context. Everything else (the subject's claims, the validity
dates) the holder reveals or not.
"""

from __future__ import annotations

import hashlib
from typing import Any

from commonweal.core.vc import ecdsa_sd
from commonweal.core.vc.p256 import P256Key
from commonweal.domain.membership.records import CREDENTIALS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.signed_reads import signed_by
from commonweal.node.services import credentials

MANDATORY_POINTERS = ["/issuer", "/credentialStatus", "/relatedResource"]
HMAC_LABEL = b"commonweal ecdsa-sd-2023 hmac key v1\x00"
PROOF_KEY_LABEL = b"commonweal ecdsa-sd-2023 proof key v1\x00"


def selective_credential(node: Node, owed: dict[str, Any]) -> dict[str, Any]:
    """The credential for one row of ``membership.credentials``, with a base proof."""
    signed = credentials.credential(node, owed)
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    identity = node.identity
    material = identity.selective_key.secret + str(unsigned["id"]).encode()
    return ecdsa_sd.add_base_proof(
        unsigned,
        identity.selective_key,
        verification_method=identity.selective_verification_method,
        created=owed["issued"],
        mandatory_pointers=MANDATORY_POINTERS,
        hmac_key=hashlib.sha256(HMAC_LABEL + material).digest(),
        proof_key=P256Key.derived(PROOF_KEY_LABEL, material),
    )


def selective_credentials_of(node: Node, did: str) -> list[dict[str, Any]]:
    """Every credential issued to ``did``, each with a base proof (revoked ones too)."""
    owed = [row for _key, row in node.state.items(CREDENTIALS) if row["subject"] == did]
    return [selective_credential(node, row) for row in sorted(owed, key=lambda r: r["index"])]


SELECTIVE_PURPOSE = "commonweal/selective-credentials"
"""What a member signs to fetch their base credentials (``node/kernel/signed_reads.py``)."""


def selective_credentials_signed(node: Node, request: object) -> tuple[str, list[dict[str, Any]]]:
    """The credentials of the member who signed ``request`` (``{"did", "at", "sig"}``)."""
    did = signed_by(node, request, SELECTIVE_PURPOSE)
    return did, selective_credentials_of(node, did)


def choosable_pointers(credential: dict[str, Any]) -> list[str]:
    """The claims a holder may choose to show (JSON Pointers): the validity dates and each
    of the subject's claims. Showing any subject claim shows the subject's ``id`` too."""
    pointers = [f"/{name}" for name in ("validFrom", "validUntil") if name in credential]
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict):
        pointers += [f"/credentialSubject/{_escape(name)}" for name in subject if name != "id"]
    return pointers


def derive_for(node: Node, did: str, credential_id: Any, reveal: Any) -> dict[str, Any]:
    """The derived credential showing the ``reveal`` claims (JSON Pointers) of ``did``'s
    selective credential ``credential_id``, the issuer's mandatory ones, and the subject's
    ``id`` (a credential without a subject is no credential: VC Data Model 2.0 §4.4).
    Deriving needs no key of the holder's: the node derives from the base credential it
    issued."""
    if not isinstance(reveal, list) or not all(isinstance(p, str) for p in reveal):
        raise Rejected("invalid_request", "reveal must be a list of JSON Pointers")
    found = [c for c in selective_credentials_of(node, did) if c.get("id") == credential_id]
    if not found:
        raise Rejected("not_found", "this member holds no credential %(id)s", id=str(credential_id))
    base = found[0]
    missing = [p for p in dict.fromkeys(reveal) if not _resolves(base, p)]
    if missing:
        raise Rejected(
            "invalid_request",
            "the credential has no claim at %(pointers)s",
            pointers=", ".join(missing),
        )
    subject = ["/credentialSubject/id"] if _resolves(base, "/credentialSubject/id") else []
    return ecdsa_sd.derive(base, list(dict.fromkeys([*subject, *reveal])))


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _resolves(document: dict[str, Any], pointer: str) -> bool:
    """Whether the JSON Pointer names a value of the credential (its proof aside)."""
    if not pointer.startswith("/") or pointer.startswith("/proof"):
        return False
    value: Any = document
    for token in pointer[1:].split("/"):
        step = token.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return False
    return True
