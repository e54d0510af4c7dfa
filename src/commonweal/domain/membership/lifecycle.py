"""The member lifecycle: found, apply, vouch, approve or decline, leave, suspend, expel, erase.

An application carries only a salted commitment to the applicant's profile; the
profile itself stays in the node's private tables, keyed by that commitment, so
erasing it never touches the log. Admission happens inside the event that
completes it (the last vouch, the approval, or the application under ``open``),
so every admission is recomputed by ``verify`` from the events alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict, NotPermitted
from commonweal.domain.fields import WORK_FIELD, only, optional_text, sha256_digest, work_nonce
from commonweal.domain.membership.policy import current_policy
from commonweal.domain.membership.records import (
    ACTIVE,
    APPLICANT,
    MEMBERS,
    SUSPENDED,
    MemberRow,
    applicant_row,
    did_member,
    member,
    owe_credential,
    require_active_member,
    require_permission,
    revoke_credentials,
)
from commonweal.domain.membership.roles import define_defaults
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.words import N_, WP_

FOUNDER_ADMITTED = "membership.founder.admitted"
APPLIED = "membership.application.submitted"
VOUCHED = "membership.vouch.given"
APPROVED = "membership.application.approved"
DECLINED = "membership.application.declined"
LEFT = "membership.member.left"
SUSPENDED_EVENT = "membership.member.suspended"
REINSTATED = "membership.member.reinstated"
EXPELLED = "membership.member.expelled"
ERASED = "membership.profile.erased"


def parse_member(body: Mapping[str, Any]) -> str:
    """``{"member": did}``."""
    only(body, {"member"})
    return did_member(dict(body))


def parse_applicant(body: Mapping[str, Any]) -> str:
    """``{"applicant": did}``."""
    only(body, {"applicant"})
    return did_member(dict(body), "applicant")


def parse_reasoned(body: Mapping[str, Any]) -> tuple[str, str]:
    """``{"member" | "applicant": did, "reason"?: str}``."""
    only(body, {"member", "applicant", "reason"})
    name = "member" if "member" in body else "applicant"
    return did_member(dict(body), name), optional_text(body, "reason", max_length=1000)


def parse_application(body: Mapping[str, Any]) -> str:
    """``{"commitment": "sha256:…", "pow"?: nonce}``: the salted commitment to the private
    profile (and the write policy's proof of work, when it asks for one)."""
    only(body, {"commitment", WORK_FIELD})
    work_nonce(body)
    return sha256_digest(body, "commitment")


def parse_founder(body: Mapping[str, Any]) -> tuple[str, str]:
    """``{"member": did, "commitment"?: "sha256:…"}``."""
    only(body, {"member", "commitment"})
    commitment = sha256_digest(body, "commitment") if "commitment" in body else ""
    return did_member(dict(body)), commitment


def apply_founder(state: State, ctx: Context, founder: tuple[str, str]) -> None:
    """The node names a founding member, who becomes a steward."""
    require_node_key(ctx, refusal=N_("only the node itself names founders"))
    did, commitment = founder
    if member(state, did) is not None:
        raise Conflict("%(did)s is already known to this node", code="already_member", did=did)
    define_defaults(state)
    state.put(MEMBERS, did, applicant_row(ctx, commitment))
    admit(state, ctx, did)
    record = state.get(MEMBERS, did)
    state.put(MEMBERS, did, {**record, "roles": ["steward"]})
    owe_credential(state, ctx, did, "role:steward", role="steward")


def apply_application(state: State, ctx: Context, commitment: str) -> None:
    """A key applies; under ``open`` it is admitted at once."""
    existing = member(state, ctx.author)
    if existing is not None and existing["status"] in (APPLICANT, ACTIVE, SUSPENDED):
        raise Conflict("you have already applied or are a member", code="already_member")
    if existing is not None and existing["status"] == "expelled":
        raise NotPermitted("an expelled member may not apply again", code="expelled")
    state.put(MEMBERS, ctx.author, applicant_row(ctx, commitment))
    if current_policy(state)["admission"] == "open":
        admit(state, ctx, ctx.author)


def apply_vouch(state: State, ctx: Context, applicant: str) -> None:
    """A member in good standing vouches once for another's application."""
    require_active_member(state, ctx.author, WP_("to do", "vouch"))
    if applicant == ctx.author:
        raise NotPermitted("you cannot vouch for yourself", code="self_vouch")
    record = member(state, applicant)
    if record is None or record["status"] != APPLICANT:
        raise Conflict(
            "%(applicant)s has no open application", code="no_application", applicant=applicant
        )
    if ctx.author in record["vouches"]:
        raise Conflict("you have already vouched for this applicant", code="already_vouched")
    vouches = [*record["vouches"], ctx.author]
    state.put(MEMBERS, applicant, {**record, "vouches": vouches})
    policy = current_policy(state)
    if policy["admission"] == "vouch" and len(vouches) >= policy["vouches_required"]:
        admit(state, ctx, applicant)


def apply_approval(state: State, ctx: Context, applicant: str) -> None:
    """Under ``approval``, a holder of ``membership.admit`` admits an applicant."""
    require_permission(state, ctx, "membership.admit")
    if current_policy(state)["admission"] != "approval":
        raise NotPermitted(
            "applications are not admitted by approval under this policy", code="policy"
        )
    _require_applicant(state, applicant)
    admit(state, ctx, applicant)


def apply_decline(state: State, ctx: Context, reasoned: tuple[str, str]) -> None:
    """A holder of ``membership.admit`` declines an application."""
    require_permission(state, ctx, "membership.admit")
    applicant, reason = reasoned
    record = _require_applicant(state, applicant)
    state.put(MEMBERS, applicant, {**record, "status": "declined", "reason": reason})


def apply_leave(state: State, ctx: Context, _body: object) -> None:
    """A member leaves; their credentials are revoked."""
    record = member(state, ctx.author)
    if record is None or record["status"] not in (ACTIVE, SUSPENDED):
        raise NotPermitted("only a member can leave", code="not_a_member")
    state.put(MEMBERS, ctx.author, {**record, "status": "left", "roles": [], "ended": ctx.index})
    revoke_credentials(state, ctx, ctx.author, "left")


def apply_suspension(state: State, ctx: Context, reasoned: tuple[str, str]) -> None:
    """A holder of ``membership.suspend`` suspends a member: they may not act meanwhile."""
    require_permission(state, ctx, "membership.suspend")
    did, reason = reasoned
    if did == ctx.author:
        raise NotPermitted("you cannot suspend yourself", code="self_sanction")
    record = require_active_member(state, did, WP_("to do", "be suspended"))
    state.put(MEMBERS, did, {**record, "status": SUSPENDED, "reason": reason})


def apply_reinstatement(state: State, ctx: Context, did: str) -> None:
    """A holder of ``membership.suspend`` ends a suspension."""
    require_permission(state, ctx, "membership.suspend")
    record = member(state, did)
    if record is None or record["status"] != SUSPENDED:
        raise Conflict("%(did)s is not suspended", code="not_suspended", did=did)
    state.put(MEMBERS, did, {**record, "status": ACTIVE, "reason": ""})


def apply_expulsion(state: State, ctx: Context, reasoned: tuple[str, str]) -> None:
    """A holder of ``membership.expel`` expels a member; their credentials are revoked."""
    require_permission(state, ctx, "membership.expel")
    did, reason = reasoned
    if did == ctx.author:
        raise NotPermitted("you cannot expel yourself", code="self_sanction")
    record = member(state, did)
    if record is None or record["status"] not in (ACTIVE, SUSPENDED):
        raise NotPermitted("%(did)s is not a member", code="not_a_member", did=did)
    state.put(
        MEMBERS,
        did,
        {**record, "status": "expelled", "roles": [], "reason": reason, "ended": ctx.index},
    )
    revoke_credentials(state, ctx, did, "expelled")


def apply_erasure(state: State, ctx: Context, did: str) -> None:
    """The member (or a holder of ``membership.admit``) erases their private profile."""
    if ctx.author != did:
        require_permission(state, ctx, "membership.admit")
    record = member(state, did)
    if record is None:
        raise NotPermitted("%(did)s is not known to this node", code="not_a_member", did=did)
    if record["erased"]:
        raise Conflict("the profile is already erased", code="already_erased")
    state.put(MEMBERS, did, {**record, "erased": True})


def admit(state: State, ctx: Context, did: str) -> None:
    """Make ``did`` a member as of this event and owe them a membership credential."""
    record = state.get(MEMBERS, did)
    state.put(MEMBERS, did, {**record, "status": ACTIVE, "admitted": ctx.index})
    owe_credential(state, ctx, did, "membership")


def _require_applicant(state: State, applicant: str) -> MemberRow:
    record = member(state, applicant)
    if record is None or record["status"] != APPLICANT:
        raise Conflict(
            "%(applicant)s has no open application", code="no_application", applicant=applicant
        )
    return record


def _nothing(body: Mapping[str, Any]) -> None:
    only(body, set())


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(FOUNDER_ADMITTED, "The node names a founding member.", parse_founder, apply_founder),
    EventType(APPLIED, "Someone applies to join the node.", parse_application, apply_application),
    EventType(VOUCHED, "A member vouches for an applicant.", parse_applicant, apply_vouch),
    EventType(APPROVED, "A steward approves an application.", parse_applicant, apply_approval),
    EventType(DECLINED, "A steward declines an application.", parse_reasoned, apply_decline),
    EventType(LEFT, "A member leaves the node.", _nothing, apply_leave),
    EventType(SUSPENDED_EVENT, "A member is suspended.", parse_reasoned, apply_suspension),
    EventType(REINSTATED, "A suspension ends.", parse_member, apply_reinstatement),
    EventType(EXPELLED, "A member is expelled.", parse_reasoned, apply_expulsion),
    EventType(ERASED, "A member's private profile is erased.", parse_member, apply_erasure),
)
