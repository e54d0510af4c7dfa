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
from commonweal.node.kernel.service import Node
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
