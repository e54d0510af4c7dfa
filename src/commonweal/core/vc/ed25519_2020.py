"""Verifying ``Ed25519Signature2020`` proofs; the node never signs with this suite.

``Ed25519Signature2020`` is the W3C-CCG Linked Data Signatures suite that
``eddsa-rdfc-2022`` replaced; the W3C's Data Integrity EdDSA Cryptosuites v1.0 keeps it
("The Ed25519Signature2020 Suite") as a stable reference, and credentials secured with
it are still shown to verifiers (the VC API verifier test suite sends one). Its
algorithms are the RDFC suite's with another proof type:

- transformation: the document without ``proof``, canonicalized with URDNA2015;
- proof configuration: the proof without ``proofValue``, with the document's ``@context``
  (which must name ``https://w3id.org/security/suites/ed25519-2020/v1``, the suite's
  terms), canonicalized likewise; ``created`` an XML Schema date-time;
- hashing: SHA-256(canonical configuration) ‖ SHA-256(canonical document);
- verification: Ed25519 over those 64 bytes with the verification method's key
  (an ``Ed25519VerificationKey2020``; a did:key names one), ``proofValue`` the 64-byte
  signature in multibase base58btc (``z…``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from commonweal.core.keys import verify_signature
from commonweal.core.multibase import decode_z
from commonweal.core.vc.contexts import ED25519_2020
from commonweal.core.vc.data_integrity import KeyResolver
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.rdfc import canonical_nquads

PROOF_TYPE = "Ed25519Signature2020"


def hash_data(document: dict[str, Any], proof: dict[str, Any]) -> bytes:
    """SHA-256(canonical proof configuration) ‖ SHA-256(canonical unsecured document)."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document.get("@context")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return (
        hashlib.sha256(canonical_nquads(config).encode()).digest()
        + hashlib.sha256(canonical_nquads(unsecured).encode()).digest()
    )


def verify(
    document: dict[str, Any], *, resolve_key: KeyResolver, expected_purpose: str
) -> dict[str, Any]:
    """Check the document's one ``Ed25519Signature2020`` proof; return it."""
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("type") != PROOF_TYPE:
        raise CredentialError(
            "unsupported_cryptosuite", "the proof is not an %(type)s", type=PROOF_TYPE
        )
    _check_options(document, proof, expected_purpose)
    try:
        signature = decode_z(proof["proofValue"])
    except ValueError:
        raise CredentialError("invalid_proof", "proofValue is not multibase base58btc") from None
    if len(signature) != 64:
        raise CredentialError("invalid_proof", "proofValue is not a 64-byte Ed25519 signature")
    key = resolve_key(proof["verificationMethod"])
    if len(key) != 32:
        raise CredentialError(
            "unresolvable_key",
            "%(type)s needs an Ed25519 key (Ed25519VerificationKey2020)",
            type=PROOF_TYPE,
        )
    if not verify_signature(key, hash_data(document, proof), signature):
        raise CredentialError("invalid_signature", "the proof's signature does not verify")
    return proof


def _check_options(document: dict[str, Any], proof: dict[str, Any], expected_purpose: str) -> None:
    missing = [
        name
        for name in ("created", "verificationMethod", "proofPurpose", "proofValue")
        if not isinstance(proof.get(name), str)
    ]
    if missing:
        raise CredentialError(
            "invalid_proof", "the proof lacks %(members)s", members=", ".join(missing)
        )
    if proof["proofPurpose"] != expected_purpose:
        raise CredentialError(
            "wrong_purpose", "the proof's purpose must be %(purpose)s", purpose=expected_purpose
        )
    try:
        datetime.fromisoformat(proof["created"].replace("Z", "+00:00"))
    except ValueError:
        raise CredentialError(
            "invalid_proof", "the proof's created is not an XML Schema date-time"
        ) from None
    context = document.get("@context")
    if not isinstance(context, list) or ED25519_2020 not in context:
        raise CredentialError(
            "invalid_proof",
            "a credential secured with %(type)s must name %(context)s",
            type=PROOF_TYPE,
            context=ED25519_2020,
        )
