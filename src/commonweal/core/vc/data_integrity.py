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
from commonweal.core.jcs import canonicalize_fast
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
    """SHA-256(canonical proof config) ‖ SHA-256(canonical input document).

    The input document is the unsecured document, carrying only the proofs a chained
    proof names (``previousProof``) and no ``proof`` member otherwise.
    """
    suite = config.get("cryptosuite")
    if suite == JCS:  # orjson where it is byte-identical to RFC 8785 (core/jcs.py)
        canonical_config = canonicalize_fast(config)
        canonical_document = canonicalize_fast(document)
    elif suite == RDFC:
        canonical_config = canonical_nquads(config).encode()
        canonical_document = canonical_nquads(document).encode()
    else:
        raise CredentialError(
            "unsupported_cryptosuite", "cryptosuite %(suite)s is not supported", suite=repr(suite)
        )
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
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with a Data Integrity proof by ``key`` added.

    A document that already carries proofs gets a proof set (VC Data Integrity 1.0
    §4.3); with ``previous_proof`` (the ``id`` of one or more of them) the new proof
    chains to those, signing the document with them included.
    """
    options: dict[str, Any] = {"type": PROOF_TYPE}
    if proof_id is not None:
        options["id"] = proof_id
    options |= {
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    if previous_proof is not None:
        options["previousProof"] = previous_proof
    existing = _proofs(document) if "proof" in document else []
    input_document = _input_document(document, options, existing)
    config = proof_configuration(document, options)
    signature = key.sign(hash_data(input_document, config))
    proof = {**config, "proofValue": encode_z(signature)}
    if cryptosuite == RDFC:
        proof.pop("@context", None)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return {**unsecured, "proof": [*existing, proof] if existing else proof}


def verify_proof(
    document: dict[str, Any],
    *,
    resolve_key: KeyResolver,
    expected_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
) -> list[dict[str, Any]]:
    """Check every proof of the document: one, a set, or a chain (VC Data Integrity 1.0
    §4.5); return them. ``CredentialError`` says what failed."""
    proofs = _proofs(document)
    for proof in proofs:
        _check_options(document, proof, expected_purpose, challenge, domain)
        value, method = proof["proofValue"], proof["verificationMethod"]
        try:
            signature = decode_z(value)
        except ValueError:
            raise CredentialError(
                "invalid_proof", "proofValue is not multibase base58btc"
            ) from None
        config = proof_configuration(document, proof)
        input_document = _input_document(document, proof, proofs)
        if not verify_signature(resolve_key(method), hash_data(input_document, config), signature):
            raise CredentialError("invalid_signature", "the proof's signature does not verify")
    return proofs


def _proofs(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's proofs, as a list: a single proof or a proof set."""
    proof = document.get("proof")
    members: list[Any] = proof if isinstance(proof, list) else [proof]
    proofs = [p for p in members if isinstance(p, dict)]
    if not proofs or len(proofs) != len(members):
        raise CredentialError("proof_missing", "the document carries no proof object")
    ids = [p["id"] for p in proofs if "id" in p]
    if len(ids) != len(set(map(str, ids))):
        raise CredentialError("invalid_proof", "two proofs of the set share an id")
    return proofs


def _input_document(
    document: dict[str, Any], proof: dict[str, Any], all_proofs: list[dict[str, Any]]
) -> dict[str, Any]:
    """What a proof signs: the unsecured document, with the proofs it chains to (if any)."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    previous = proof.get("previousProof")
    if previous is None:
        return unsecured
    names = previous if isinstance(previous, list) else [previous]
    if not names or not all(isinstance(name, str) for name in names):
        raise CredentialError("invalid_proof", "previousProof names proofs by their id")
    matching = []
    for name in names:
        found = [p for p in all_proofs if p.get("id") == name]
        if not found:
            raise CredentialError(
                "previous_proof_missing",
                "previousProof names %(name)s, which is not in the set",
                name=name,
            )
        matching.append(found[0])
    return {**unsecured, "proof": matching}


def _check_options(
    document: dict[str, Any],
    proof: dict[str, Any],
    expected_purpose: str,
    challenge: str | None,
    domain: str | None,
) -> None:
    """The proof's type, suite, purpose, challenge and domain are the expected ones."""
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") not in SUITES:
        raise CredentialError(
            "unsupported_cryptosuite",
            "only DataIntegrityProof with eddsa-jcs-2022 or eddsa-rdfc-2022",
        )
    if proof.get("proofPurpose") != expected_purpose:
        raise CredentialError(
            "wrong_purpose", "the proof's purpose must be %(purpose)s", purpose=expected_purpose
        )
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
    if not all(isinstance(proof.get(name), str) for name in REQUIRED_MEMBERS):
        raise CredentialError(
            "invalid_proof", "the proof lacks proofValue, verificationMethod or created"
        )


REQUIRED_MEMBERS = ("proofValue", "verificationMethod", "created")


def resolve_did_key(verification_method: str) -> bytes:
    """The Ed25519 key of ``did:key:z6Mk…#z6Mk…`` (the fragment must be the key's own)."""
    did, _, fragment = verification_method.partition("#")
    if did[len("did:key:") :] != fragment:
        raise CredentialError("unresolvable_key", "a did:key method's fragment must repeat its key")
    try:
        return public_key_from_did_key(did)
    except ValueError as error:
        raise CredentialError("unresolvable_key", str(error)) from None
