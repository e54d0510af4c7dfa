"""Verifying credentials and presentations offline.

Everything needed is passed in: the trusted issuers, the status list credentials
(cached or freshly fetched by the caller), the time, and a key resolver. Results
follow the VC API: ``verified``, plus problem details saying what failed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.core.vc import status_memo
from commonweal.core.vc.contexts import CREDENTIALS_V2
from commonweal.core.vc.data_integrity import (
    JCS,
    KeyResolver,
    add_proof,
    resolve_did_key,
    verify_proof,
)
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.model import check_credential, check_presentation
from commonweal.core.vc.proof_suites import verify_proofs
from commonweal.core.vc.status_list import decoded_list, is_revoked

PROBLEM_BASE = "https://commonweal.invalid/problems/"


@dataclass(frozen=True)
class Problem:
    """One reason a credential did not verify (VC API ``ProblemDetails``)."""

    code: str
    title: str
    detail: str
    template: str | None = field(default=None, compare=False)
    """``detail`` as a template with ``params`` (CredentialError's), for a reader's language."""
    params: Mapping[str, object] = field(default_factory=dict, compare=False)

    def as_json(self) -> dict[str, str]:
        """The problem as the VC API shows it."""
        return {"type": PROBLEM_BASE + self.code, "title": self.title, "detail": self.detail}


@dataclass
class VerificationResult:
    """Whether it verified, and every problem found."""

    problems: list[Problem] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return not self.problems

    def add(self, error: CredentialError) -> None:
        self.problems.append(
            Problem(
                error.code,
                error.code.replace("_", " "),
                error.message,
                error.template,
                error.params,
            )
        )


def issuer_id(vc: Mapping[str, Any]) -> str:
    """The issuer's identifier, from a string or an object issuer."""
    issuer = vc.get("issuer")
    return str(issuer.get("id") if isinstance(issuer, dict) else issuer)


CHECKS = ("proof", "issuer", "validity", "status")
"""The checks a verifier may ask for (the VC API's ``options.checks``); all by default.

- ``proof``: every proof verifies;
- ``issuer``: the issuer is on the trust list and one of the proofs is by its key;
- ``validity``: now is within ``validFrom`` … ``validUntil``;
- ``status``: the status list is the issuer's and does not mark the credential revoked.

The credential's form (``check_credential``) is always checked."""
CHECK_ALIASES = {"credentialStatus": "status", "expiration": "validity"}
"""Other names callers use for the same checks."""
ALL_CHECKS = frozenset(CHECKS)


def named_checks(names: Any) -> frozenset[str]:
    """The checks ``names`` (a list of check names) asks for; ``CredentialError``
    ``unknown_check`` names any this verifier does not know."""
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise CredentialError("invalid_checks", "checks must be a non-empty list of check names")
    unknown = sorted({n for n in names if n not in CHECKS and n not in CHECK_ALIASES})
    if unknown:
        named = ", ".join(unknown)
        raise CredentialError("unknown_check", named)
    return frozenset(CHECK_ALIASES.get(name) or name for name in names)


def verify_credential(
    vc: Any,
    *,
    trusted_issuers: Collection[str],
    status_credentials: Mapping[str, Any],
    now: datetime,
    resolve_key: KeyResolver = resolve_did_key,
    checks: frozenset[str] = ALL_CHECKS,
) -> VerificationResult:
    """Check a credential's form and then, as ``checks`` asks (all by default), its proof,
    issuer, validity period and revocation status."""
    result = VerificationResult()
    try:
        check_credential(vc)
        if "proof" in checks:
            proofs = verify_proofs(vc, resolve_key=resolve_key)
        else:
            proofs = [p for p in _as_list(vc.get("proof")) if isinstance(p, dict)]
    except CredentialError as error:
        result.add(error)
        return result
    issuer = issuer_id(vc)
    if "issuer" in checks and not _signed_by(proofs, issuer):
        result.add(CredentialError("wrong_signer", "the proof is not by the issuer's key"))
    if "issuer" in checks and issuer not in trusted_issuers:
        result.add(
            CredentialError(
                "untrusted_issuer", "%(issuer)s is not on the trust list", issuer=issuer
            )
        )
    for name, late in (("validFrom", False), ("validUntil", True)):
        if "validity" in checks and name in vc:
            moment = datetime.fromisoformat(str(vc[name]).replace("Z", "+00:00"))
            if (now > moment) if late else (now < moment):
                result.add(
                    CredentialError(
                        "expired" if late else "not_yet_valid",
                        "%(name)s is %(moment)s",
                        name=name,
                        moment=vc[name],
                    )
                )
    for entry in _as_list(vc.get("credentialStatus", [])) if "status" in checks else []:
        if entry.get("type") == "BitstringStatusListEntry":
            _check_status(result, entry, issuer, status_credentials, now, resolve_key)
    return result


def _check_status(
    result: VerificationResult,
    entry: dict[str, Any],
    issuer: str,
    status_credentials: Mapping[str, Any],
    now: datetime,
    resolve_key: KeyResolver,
) -> None:
    url = entry.get("statusListCredential")
    status = status_credentials.get(str(url))
    if status is None:
        result.add(
            CredentialError("status_unavailable", "no status list %(url)s was provided", url=url)
        )
        return
    memo_key = status_memo.key(status, issuer) if isinstance(status, dict) else None
    bits = status_memo.verified(memo_key)
    if bits is None:
        listed = verify_credential(
            status,
            trusted_issuers={issuer},
            status_credentials={},
            now=now,
            resolve_key=resolve_key,
        )
        if not listed.verified or status.get("id") != url:
            result.add(
                CredentialError(
                    "invalid_status_list", "the status list %(url)s does not verify", url=url
                )
            )
            return
    elif status.get("id") != url:
        result.add(
            CredentialError(
                "invalid_status_list", "the status list %(url)s does not verify", url=url
            )
        )
        return
    try:
        if is_revoked(entry, status, bits):
            result.add(CredentialError("revoked", "the issuer has revoked this credential"))
        if bits is None:
            status_memo.remember(memo_key, decoded_list(status))
    except CredentialError as error:
        result.add(error)


@dataclass(frozen=True)
class HolderBinding:
    """How a presentation must be bound to its holder: a verifier's policy, asked for.

    VC Data Model 2.0 allows a presentation without a ``holder`` and credentials about
    someone else (§4.13, §7.1); the VC API verifies that a named holder signed the
    presentation and leaves subject checks to the caller. That is the default here.
    """

    holder_required: bool = False
    """The presentation must name its holder."""
    holder_is_subject: bool = False
    """Every credential must be about the holder (a ``credentialSubject.id`` equal to it)."""


VC_API_BINDING = HolderBinding()
"""What the VC API's ``/presentations/verify`` checks: a named holder signed it."""
SELF_BINDING = HolderBinding(holder_required=True, holder_is_subject=True)
"""Sign-in and visits: the holder signed, and every credential is about the holder."""


def verify_presentation(
    vp: Any,
    *,
    challenge: str,
    domain: str,
    trusted_issuers: Collection[str],
    status_credentials: Mapping[str, Any],
    now: datetime,
    resolve_key: KeyResolver = resolve_did_key,
    binding: HolderBinding = VC_API_BINDING,
    checks: frozenset[str] = ALL_CHECKS,
) -> VerificationResult:
    """Check the presentation's proof (challenge, domain), its holder binding, and the
    proof, issuer, validity and status of every credential it holds (``checks`` selects
    which of these each credential gets; the presentation's own proof is always checked)."""
    result = VerificationResult()
    try:
        check_presentation(vp)
        proofs = verify_proof(
            vp,
            resolve_key=resolve_key,
            expected_purpose="authentication",
            challenge=challenge,
            domain=domain,
        )
    except CredentialError as error:
        result.add(error)
        return result
    holder = vp.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if holder is None and binding.holder_required:
        result.add(CredentialError("holder_missing", "the presentation names no holder"))
    if holder is not None and not _signed_by(proofs, str(holder)):
        result.add(CredentialError("wrong_signer", "the presentation is not signed by its holder"))
    for credential in _as_list(vp.get("verifiableCredential", [])):
        inner = verify_credential(
            credential,
            trusted_issuers=trusted_issuers,
            status_credentials=status_credentials,
            now=now,
            resolve_key=resolve_key,
            checks=checks,
        )
        result.problems.extend(inner.problems)
        subjects = [
            s.get("id")
            for s in _as_list(credential.get("credentialSubject", []))
            if isinstance(s, dict)
        ]
        if binding.holder_is_subject and (holder is None or holder not in subjects):
            result.add(
                CredentialError(
                    "not_the_holder", "a credential is about someone other than the holder"
                )
            )
    return result


def _signed_by(proofs: list[dict[str, Any]], controller: str) -> bool:
    """Whether one of the proofs is by a verification method of ``controller``."""
    return any(str(p.get("verificationMethod", "")).startswith(controller + "#") for p in proofs)


def create_presentation(
    key: SigningKey,
    credentials: list[dict[str, Any]],
    *,
    challenge: str,
    domain: str,
    created: str,
    cryptosuite: str = JCS,
) -> dict[str, Any]:
    """A presentation of ``credentials`` signed by the holder's did:key for one challenge."""
    holder = did_key_from_public_key(key.public_key)
    document = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": credentials,
    }
    method = f"{holder}#{holder.removeprefix('did:key:')}"
    return add_proof(
        document,
        key,
        verification_method=method,
        created=created,
        cryptosuite=cryptosuite,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
