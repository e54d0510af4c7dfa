"""The membership credential a moving member presents with their departure.

A member who moves logs ``membership.move.requested`` with ``credential``: the
``MembershipCredential`` this node issued them (a W3C VC, signed by this node's key).
The new node admits them on it, under the treaty's terms (docs/federation.md, "Member
moves"): it checks the proof, the issuer, the subject and the validity period from the
credential itself. What only this node knows — that the credential is the one in force
for the member, not revoked nor replaced, at the moment they leave — this rule checks,
since the move itself revokes it; anyone replaying this node's log checks it again.

The proof is checked by the node and by the new node (``core/vc``), not here: the domain
does no cryptography beyond its listed exceptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.errors import Conflict, DomainError, InvalidBody
from commonweal.domain.membership.records import CREDENTIALS
from commonweal.domain.registry import Context
from commonweal.domain.state import State

MEMBERSHIP_TYPE = "MembershipCredential"
MAX_CREDENTIAL_KEYS = 20


def _types(vc: Mapping[str, Any]) -> list[Any]:
    found = vc.get("type")
    return found if isinstance(found, list) else [found]


def _issuer(vc: Mapping[str, Any]) -> Any:
    issuer = vc.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def claims_problem(vc: Any, *, issuer: str, subject: str, at: str) -> tuple[str, str] | None:
    """(code, words) of what is wrong with ``vc`` as ``subject``'s membership credential by
    ``issuer``, in force at ``at`` (RFC 3339), judged by its claims alone; None if nothing.
    The proof is the caller's to check."""
    refusal = claims_refusal(vc, issuer=issuer, subject=subject, at=at)
    return None if refusal is None else (refusal.code, refusal.message)


def claims_refusal(vc: Any, *, issuer: str, subject: str, at: str) -> DomainError | None:
    """:func:`claims_problem` as the refusal to raise: a ``credential_expired`` conflict,
    else an ``invalid_credential`` invalid body (its words a template with parameters)."""
    if not isinstance(vc, dict) or len(vc) > MAX_CREDENTIAL_KEYS:
        return InvalidBody(
            "credential must be a membership credential (a VC object)", code="invalid_credential"
        )
    if MEMBERSHIP_TYPE not in _types(vc):
        return InvalidBody(
            "the credential is not a MembershipCredential", code="invalid_credential"
        )
    if _issuer(vc) != issuer:
        return InvalidBody(
            "the credential is not issued by %(issuer)s", code="invalid_credential", issuer=issuer
        )
    holder = vc.get("credentialSubject")
    if not isinstance(holder, dict) or holder.get("id") != subject:
        return InvalidBody(
            "the credential is not about the member who moves", code="invalid_credential"
        )
    try:
        moment = parse_utc(at)
        for name, late in (("validFrom", False), ("validUntil", True)):
            if name in vc:
                bound = parse_utc(str(vc[name]))
                if late and moment > bound:
                    return Conflict(
                        "the credential is expired (%(name)s %(bound)s)",
                        code="credential_expired",
                        name=name,
                        bound=vc[name],
                    )
                if not late and moment < bound:
                    return Conflict(
                        "the credential is not yet valid (%(name)s %(bound)s)",
                        code="credential_expired",
                        name=name,
                        bound=vc[name],
                    )
    except ValueError as error:
        return InvalidBody(
            "the credential's dates: %(error)s", code="invalid_credential", error=str(error)
        )
    return None


def status_index(vc: Mapping[str, Any]) -> int | None:
    """The credential's index in its issuer's Bitstring Status List, if it names one."""
    entry = vc.get("credentialStatus")
    entries = entry if isinstance(entry, list) else [entry]
    for one in entries:
        if isinstance(one, dict) and one.get("type") == "BitstringStatusListEntry":
            index = one.get("statusListIndex")
            if isinstance(index, str) and index.isdigit() and len(index) < 12:
                return int(index)
    return None


def require_in_force(state: State, ctx: Context, vc: Any) -> None:
    """``vc`` is the membership credential this node issued the author and holds in force
    now: its claims, and its status index is that of the member's current, unrevoked
    membership credential here."""
    refusal = claims_refusal(vc, issuer=ctx.node_did, subject=ctx.author, at=ctx.received)
    if refusal is not None:
        raise refusal
    current = state.get(CREDENTIALS, f"{ctx.author} membership")
    index = status_index(vc)
    if current is None or index is None or current["index"] != index:
        raise Conflict(
            "the credential presented is not your membership credential in force here "
            "(it was revoked or replaced): ask the node for your current one",
            code="credential_revoked",
        )
    if current["revoked"] is not None:
        raise Conflict("your membership credential here is revoked", code="credential_revoked")
