"""W3C Data Integrity EdDSA: ``eddsa-jcs-2022`` and ``eddsa-rdfc-2022`` (vc-di-eddsa v1.0).

Both sign SHA-256(canonical proof configuration) ‖ SHA-256(canonical document) with
Ed25519; ``proofValue`` is multibase base58btc. The JCS suite canonicalizes with
RFC 8785 and copies the document's ``@context`` into the proof configuration;
the RDFC suite canonicalizes the RDF dataset with URDNA2015.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from commonweal.core.did import public_key_from_did_key
from commonweal.core.jcs import canonicalize
from commonweal.core.keys import SigningKey, verify_signature
from commonweal.core.multibase import decode_z, encode_z
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.rdfc import canonical_nquads

JCS = "eddsa-jcs-2022"
RDFC = "eddsa-rdfc-2022"
SUITES = (JCS, RDFC)
PROOF_TYPE = "DataIntegrityProof"

KeyResolver = Callable[[str], bytes]


def proof_configuration(document: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """The proof options to sign: the proof without ``proofValue``, with the document's context."""
    config = {k: v for k, v in options.items() if k != "proofValue"}
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def hash_data(document: dict[str, Any], config: dict[str, Any]) -> bytes:
    """SHA-256(canonical proof config) ‖ SHA-256(canonical unsecured document)."""
    suite = config.get("cryptosuite")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if suite == JCS:
        canonical_config, canonical_document = canonicalize(config), canonicalize(unsecured)
    elif suite == RDFC:
        canonical_config = canonical_nquads(config).encode()
        canonical_document = canonical_nquads(unsecured).encode()
    else:
        raise CredentialError("unsupported_cryptosuite", f"cryptosuite {suite!r} is not supported")
    return hashlib.sha256(canonical_config).digest() + hashlib.sha256(canonical_document).digest()


def add_proof(
    document: dict[str, Any],
    key: SigningKey,
    *,
    verification_method: str,
    created: str,
    cryptosuite: str = JCS,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with a Data Integrity proof by ``key``."""
    options: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    config = proof_configuration(document, options)
    signature = key.sign(hash_data(document, config))
    proof = {**config, "proofValue": encode_z(signature)}
    if cryptosuite == RDFC:
        proof.pop("@context", None)
    return {**{k: v for k, v in document.items() if k != "proof"}, "proof": proof}


def verify_proof(
    document: dict[str, Any],
    *,
    resolve_key: KeyResolver,
    expected_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """Check the document's single proof; return it. ``CredentialError`` says what failed."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise CredentialError("proof_missing", "the document carries no single proof object")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") not in SUITES:
        raise CredentialError(
            "unsupported_cryptosuite",
            "only DataIntegrityProof with eddsa-jcs-2022 or eddsa-rdfc-2022",
        )
    if proof.get("proofPurpose") != expected_purpose:
        raise CredentialError("wrong_purpose", f"the proof's purpose must be {expected_purpose}")
    if challenge is not None and proof.get("challenge") != challenge:
        raise CredentialError("wrong_challenge", "the proof does not answer this challenge")
    if domain is not None and proof.get("domain") != domain:
        raise CredentialError("wrong_domain", "the proof is for another domain")
    if (
        proof.get("cryptosuite") == JCS
        and "@context" in proof
        and proof["@context"] != document.get("@context")
    ):
        raise CredentialError("invalid_proof", "the proof's @context differs from the document's")
    value = proof.get("proofValue")
    method = proof.get("verificationMethod")
    if (
        not isinstance(value, str)
        or not isinstance(method, str)
        or not isinstance(proof.get("created"), str)
    ):
        raise CredentialError(
            "invalid_proof", "the proof lacks proofValue, verificationMethod or created"
        )
    try:
        signature = decode_z(value)
    except ValueError:
        raise CredentialError("invalid_proof", "proofValue is not multibase base58btc") from None
    config = proof_configuration(document, proof)
    if not verify_signature(resolve_key(method), hash_data(document, config), signature):
        raise CredentialError("invalid_signature", "the proof's signature does not verify")
    return proof


def resolve_did_key(verification_method: str) -> bytes:
    """The Ed25519 key of ``did:key:z6Mk…#z6Mk…`` (the fragment must be the key's own)."""
    did, _, fragment = verification_method.partition("#")
    if did[len("did:key:") :] != fragment:
        raise CredentialError("unresolvable_key", "a did:key method's fragment must repeat its key")
    try:
        return public_key_from_did_key(did)
    except ValueError as error:
        raise CredentialError("unresolvable_key", str(error)) from None
