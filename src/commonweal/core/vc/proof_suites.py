"""Verifying a credential's proofs whatever their cryptosuite.

``eddsa-jcs-2022`` and ``eddsa-rdfc-2022`` proofs (one, a set or a chain) are checked by
``data_integrity``; an ``ecdsa-sd-2023`` proof is a holder's derived proof, checked by
``ecdsa_sd`` after the same bounds and data-loss check as RDFC documents get; a single
``Ed25519Signature2020`` proof (the W3C-CCG suite before ``eddsa-rdfc-2022``) by
``ed25519_2020``, verified only.
"""

from __future__ import annotations

from typing import Any

from commonweal.core.vc import ecdsa_sd, ed25519_2020
from commonweal.core.vc.data_integrity import KeyResolver, verify_proof
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.rdfc import _check_budget, check_terms


def verify_proofs(
    document: dict[str, Any], *, resolve_key: KeyResolver, expected_purpose: str = "assertionMethod"
) -> list[dict[str, Any]]:
    """Check every proof of ``document``; return them. ``CredentialError`` says what failed."""
    proof = document.get("proof")
    if isinstance(proof, dict) and proof.get("type") == ed25519_2020.PROOF_TYPE:
        return [
            ed25519_2020.verify(
                document, resolve_key=resolve_key, expected_purpose=expected_purpose
            )
        ]
    if not (isinstance(proof, dict) and proof.get("cryptosuite") == ecdsa_sd.SUITE):
        return verify_proof(document, resolve_key=resolve_key, expected_purpose=expected_purpose)
    if proof.get("type") != ecdsa_sd.PROOF_TYPE:
        raise CredentialError("unsupported_cryptosuite", "ecdsa-sd-2023 is a DataIntegrityProof")
    if proof.get("proofPurpose") != expected_purpose:
        raise CredentialError(
            "wrong_purpose", "the proof's purpose must be %(purpose)s", purpose=expected_purpose
        )
    if not isinstance(proof.get("created", ""), str):
        raise CredentialError("invalid_proof", "the proof's created is not a date-time string")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    _check_budget(document)
    check_terms(unsecured)
    return [ecdsa_sd.verify_derived(document, resolve_key)]
