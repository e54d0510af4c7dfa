"""The membership state tables and the small readers every membership rule shares."""

from __future__ import annotations

from typing import Any, TypedDict

from commonweal.domain.errors import InvalidBody, NotPermitted
from commonweal.domain.federation.standing import ATTEND, BOOK, COMMENT, visitor_rights
from commonweal.domain.registry import Context
from commonweal.domain.state import State

POLICY = "membership.policy"
"""``"policy"`` → the admission policy (see policy.py)."""
MEMBERS = "membership.members"
"""did → the member record: status, commitment, public name, vouches, roles, erased."""
ROLES = "membership.roles"
"""role name → ``{"permissions": [...]}``."""
CREDENTIALS = "membership.credentials"
"""``"<did> <kind>"`` → a credential the node owes: status index, issued at, revoked."""
COUNTERS = "membership.counters"
"""``"status_index"`` → the next free index in the node's status list."""
GUARDIANS = "membership.guardians"
"""did → ``{"guardians": [...], "threshold": k}``."""
RECOVERIES = "membership.recoveries"
"""old did → the open recovery: new did, guardian vouches, unlock time."""


class _MemberStanding(TypedDict):
    """What every row of :data:`MEMBERS` holds (see :class:`MemberRow`)."""

    status: str
    """``applicant``, ``member``, ``suspended``, or how it ended (:data:`ENDED`)."""
    commitment: str
    """The commitment to the private profile (its hash with a salt; the profile is off-log)."""
    applied: int
    """The log index of the application (or of the founding, for founders)."""
    admitted: int | None
    """The log index of the admission, once admitted."""
    vouches: list[str]
    """The members who vouched for the application (or for a recovery)."""
    roles: list[str]
    erased: bool
    """The private profile was erased (the row stays: the log keeps what was done)."""
    reason: str
    """Why the last decision about this person (declined, suspended...) was taken."""


class MemberRow(_MemberStanding, total=False):
    """A row of :data:`MEMBERS`: one person's standing here, from application on; a key
    recovered onto another names it."""

    predecessor: str
    """The lost key this member recovered from."""
    successor: str
    """The new key a recovered member moved to."""
    ended: int
    """The log index of the leaving or expulsion that ended the membership (the census
    counts who left in each epoch by it)."""
    moved_from: dict[str, Any]
    """For a member who moved here: the node they left and their proven departure."""


ACTIVE = "member"
SUSPENDED = "suspended"
APPLICANT = "applicant"
ENDED = frozenset({"left", "expelled", "declined", "recovered", "moved"})


def applicant_row(ctx: Context, commitment: str) -> dict[str, Any]:
    """A new applicant's row in :data:`MEMBERS`: applied with this event, nothing decided."""
    return {
        "status": APPLICANT,
        "commitment": commitment,
        "applied": ctx.index,
        "admitted": None,
        "vouches": [],
        "roles": [],
        "erased": False,
        "reason": "",
    }


def member(state: State, did: str) -> MemberRow | None:
    """The record of ``did``, if it ever applied or was admitted."""
    record: MemberRow | None = state.get(MEMBERS, did)
    return record


def require_active_member(state: State, did: str, doing: str) -> MemberRow:
    """``did`` is a member in good standing (not an applicant, suspended or gone)."""
    record = member(state, did)
    if record is None or record["status"] == APPLICANT:
        raise NotPermitted("only members may %(doing)s", code="not_a_member", doing=doing)
    if record["status"] == SUSPENDED:
        raise NotPermitted("a suspended member may not %(doing)s", code="suspended", doing=doing)
    if record["status"] != ACTIVE:
        raise NotPermitted("a former member may not %(doing)s", code="not_a_member", doing=doing)
    return record


def in_good_standing(state: State, did: str) -> bool:
    """Whether ``did`` is a member here, not suspended or gone."""
    record = member(state, did)
    return record is not None and record["status"] == ACTIVE


def may_comment(state: State, did: str) -> bool:
    """A member in good standing, or a visitor whose home's treaty grants ``comment``."""
    return in_good_standing(state, did) or COMMENT in visitor_rights(state, did)


def may_book(state: State, did: str) -> bool:
    """A member in good standing, or a visitor whose home's treaty grants ``book`` (commons)."""
    return in_good_standing(state, did) or BOOK in visitor_rights(state, did)


def may_attend(state: State, did: str) -> bool:
    """A member in good standing, or a visitor whose home's treaty grants ``attend`` (events)."""
    return in_good_standing(state, did) or ATTEND in visitor_rights(state, did)


def require_member_or_visitor(state: State, did: str, right: str, doing: str) -> None:
    """``did`` is a member in good standing, or a visitor granted ``right`` (``comment``,
    ``book``, ``attend``); otherwise the member-only refusal ``require_active_member`` gives."""
    if right in visitor_rights(state, did):
        return
    require_active_member(state, did, doing)


def permissions_of(state: State, did: str) -> set[str]:
    """Every permission ``did`` holds through its roles (none unless in good standing)."""
    record = member(state, did)
    if record is None or record["status"] != ACTIVE:
        return set()
    granted: set[str] = set()
    for role in record.get("roles", []):
        granted.update(state.get(ROLES, role, {}).get("permissions", []))
    return granted


def require_permission(state: State, ctx: Context, permission: str) -> None:
    """The author is the node itself, or a member in good standing holding ``permission``."""
    if ctx.author == ctx.node_key:
        return
    if permission not in permissions_of(state, ctx.author):
        raise NotPermitted(
            "this needs the %(permission)s permission",
            code="forbidden",
            permission=repr(permission),
        )


def did_member(body: dict[str, Any] | Any, name: str = "member") -> str:
    """A body member that must be a did:key."""
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, str) or not value.startswith("did:key:z6Mk"):
        raise InvalidBody("%(name)s must be a member's did:key", name=name)
    return value


def owe_credential(state: State, ctx: Context, did: str, kind: str, **claims: Any) -> None:
    """Record that the node issues ``did`` a credential of ``kind``, with a status index."""
    index = state.get(COUNTERS, "status_index", 0)
    state.put(COUNTERS, "status_index", index + 1)
    state.put(
        CREDENTIALS,
        f"{did} {kind}",
        {
            "subject": did,
            "kind": kind,
            "index": index,
            "issued": ctx.received,
            "revoked": None,
            "issued_at_entry": ctx.index,
            **claims,
        },
    )


LASTING_KINDS = ("attendance:",)
"""Credentials that record a past fact (having attended a gathering): leaving or being
expelled does not revoke them."""


def revoke_credentials(state: State, ctx: Context, did: str, reason: str) -> None:
    """Flip the status bit of every unrevoked membership and role credential of ``did``."""
    for key, credential in list(state.items(CREDENTIALS)):
        lasting = credential["kind"].startswith(LASTING_KINDS)
        if credential["subject"] == did and credential["revoked"] is None and not lasting:
            state.put(
                CREDENTIALS, key, {**credential, "revoked": {"at": ctx.received, "reason": reason}}
            )
