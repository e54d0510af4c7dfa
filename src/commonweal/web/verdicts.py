"""A credential check told in plain language: one verdict, and one sentence per problem."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from commonweal.core.vc.verify import VerificationResult

SENTENCES = {
    "revoked": "Its issuer has revoked it: it no longer counts.",
    "untrusted_issuer": "It was issued by someone this node does not recognise.",
    "invalid_signature": (
        "It has been changed since it was signed, or its signature is not the issuer's."
    ),
    "wrong_signer": "It is signed, but not by the issuer it names.",
    "expired": "It has expired.",
    "not_yet_valid": "It is not valid yet.",
    "status_unavailable": "Whether it was revoked cannot be checked here.",
    "invalid_status_list": "Its revocation list could not be checked.",
    "proof_missing": "It carries no signature at all.",
    "invalid_proof": "Its signature is malformed.",
    "unsupported_cryptosuite": "It is signed in a way this node cannot check.",
    "unresolvable_key": "The key that signed it cannot be found.",
    "invalid_credential": "It is not a well-formed verifiable credential.",
    "invalid_presentation": "It is not a well-formed verifiable presentation.",
    "wrong_challenge": "It answers another challenge than the one you gave: it may be a replay.",
    "wrong_domain": "It was made for another verifier.",
    "wrong_purpose": "Its signature was made for another purpose.",
    "not_the_holder": "It presents a credential that belongs to someone else.",
    "holder_missing": "It does not say who is presenting it.",
    "previous_proof_missing": "One of its signatures builds on another that is missing.",
    "invalid_related_resource": "It names a related document without a proper fingerprint.",
    "related_resource_mismatch": "A document it relies on is not the one it was issued with.",
    "DATA_LOSS_DETECTION_ERROR": "It uses words its vocabulary does not define.",
}


@dataclass(frozen=True)
class Verdict:
    """What a person reads after a check."""

    valid: bool
    headline: str
    reasons: list[dict[str, str]]
    summary: dict[str, Any] | None


def verdict(result: VerificationResult, document: Any, *, kind: str) -> Verdict:
    """The verdict on a checked credential or presentation (``kind``)."""
    reasons = [
        {"sentence": SENTENCES.get(p.code, p.title.capitalize() + "."), "detail": p.detail}
        for p in result.problems
    ]
    headline = (
        f"Valid: this {kind} is genuine and still in force."
        if result.verified
        else f"Not valid: this {kind} should not be trusted."
    )
    return Verdict(result.verified, headline, reasons, summarize(document))


def summarize(document: Any) -> dict[str, Any] | None:
    """Who issued a credential, to whom, what it says and since when (best effort)."""
    if not isinstance(document, dict):
        return None
    if "VerifiablePresentation" in (document.get("type") or []):
        held = document.get("verifiableCredential") or []
        held = held if isinstance(held, list) else [held]
        return {
            "holder": document.get("holder"),
            "credentials": [summarize(c) for c in held if isinstance(c, dict)],
        }
    issuer = document.get("issuer")
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    kinds = [t for t in document.get("type") or [] if t != "VerifiableCredential"]
    return {
        "kinds": kinds,
        "issuer": issuer.get("id") if isinstance(issuer, dict) else issuer,
        "subject": subject.get("id"),
        "role": subject.get("role"),
        "member_of": subject.get("memberOf"),
        "valid_from": document.get("validFrom"),
    }
