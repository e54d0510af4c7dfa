"""A credential check told in plain language: one verdict, and one sentence per problem,
said in the page's language where the page writes them (``said``: the English ``str`` is
what it was), each problem's detail too (``CredentialError``'s template)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from commonweal.core.language import N_
from commonweal.core.vc.verify import VerificationResult
from commonweal.node.read_models import said

SENTENCES = {
    "revoked": N_("Its issuer has revoked it: it no longer counts."),
    "untrusted_issuer": N_("It was issued by someone this node does not recognise."),
    "invalid_signature": N_(
        "It has been changed since it was signed, or its signature is not the issuer's."
    ),
    "wrong_signer": N_("It is signed, but not by the issuer it names."),
    "expired": N_("It has expired."),
    "not_yet_valid": N_("It is not valid yet."),
    "status_unavailable": N_("Whether it was revoked cannot be checked here."),
    "invalid_status_list": N_("Its revocation list could not be checked."),
    "proof_missing": N_("It carries no signature at all."),
    "invalid_proof": N_("Its signature is malformed."),
    "unsupported_cryptosuite": N_("It is signed in a way this node cannot check."),
    "unresolvable_key": N_("The key that signed it cannot be found."),
    "invalid_credential": N_("It is not a well-formed verifiable credential."),
    "invalid_presentation": N_("It is not a well-formed verifiable presentation."),
    "wrong_challenge": N_(
        "It answers another challenge than the one you gave: it may be a replay."
    ),
    "wrong_domain": N_("It was made for another verifier."),
    "wrong_purpose": N_("Its signature was made for another purpose."),
    "not_the_holder": N_("It presents a credential that belongs to someone else."),
    "holder_missing": N_("It does not say who is presenting it."),
    "previous_proof_missing": N_("One of its signatures builds on another that is missing."),
    "invalid_related_resource": N_("It names a related document without a proper fingerprint."),
    "related_resource_mismatch": N_("A document it relies on is not the one it was issued with."),
    "DATA_LOSS_DETECTION_ERROR": N_("It uses words its vocabulary does not define."),
}

HEADLINES = {
    ("credential", True): N_("Valid: this credential is genuine and still in force."),
    ("credential", False): N_("Not valid: this credential should not be trusted."),
    ("presentation", True): N_("Valid: this presentation is genuine and still in force."),
    ("presentation", False): N_("Not valid: this presentation should not be trusted."),
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
    reasons: list[dict[str, str]] = [
        {
            "sentence": said._(SENTENCES[p.code])
            if p.code in SENTENCES
            else p.title.capitalize() + ".",
            "detail": p.detail if p.template is None else said.refusal(p.template, p.params),
        }
        for p in result.problems
    ]
    headline = said._(HEADLINES[kind, result.verified])
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
