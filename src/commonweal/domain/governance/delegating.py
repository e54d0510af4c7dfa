"""Setting and revoking delegations (liquid democracy), as members' own events.

A member entrusts their vote to another member for a scope: the whole node
(``"node"``), a topic (``"topic:garden"``) or one proposal (``"proposal:42"``). A
trustee of ``null`` is an explicit "no delegation" at that scope, which blocks a
broader delegation. Delegations can be changed or revoked at any time; what counts
is the state when a vote closes (see ``delegation.resolve``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotFound, NotPermitted
from commonweal.domain.fields import only
from commonweal.domain.governance.constitution import current_constitution
from commonweal.domain.governance.records import (
    CANCELLED,
    CLOSED,
    DELEGATIONS,
    PHASE_WORDS,
    PROPOSALS,
)
from commonweal.domain.membership.records import did_member, require_active_member
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.words import WP_

NODE_SCOPE = "node"


def parse_scope(value: Any) -> str:
    """``"node"``, ``"topic:<name>"`` or ``"proposal:<id>"``."""
    if value == NODE_SCOPE:
        return NODE_SCOPE
    if isinstance(value, str) and value.startswith("topic:") and len(value) > 6:
        return value
    if isinstance(value, str) and value.startswith("proposal:") and value[9:].isdigit():
        return f"proposal:{int(value[9:])}"
    raise InvalidBody('scope must be "node", "topic:<topic>" or "proposal:<id>"')


def scopes_for(proposal_id: int, topic: str) -> tuple[str, str, str]:
    """The scopes that apply to a proposal, most specific first."""
    return (f"proposal:{proposal_id}", f"topic:{topic}", NODE_SCOPE)


def parse_set(body: Mapping[str, Any]) -> tuple[str, str | None]:
    """``{"scope": …, "trustee": did | null}``."""
    unknown = sorted(set(body) - {"scope", "trustee"})
    if unknown or "trustee" not in body:
        raise InvalidBody('a delegation is {"scope": …, "trustee": did or null}')
    trustee = body["trustee"]
    return parse_scope(body.get("scope")), None if trustee is None else did_member(
        dict(body), "trustee"
    )


def parse_revoke(body: Mapping[str, Any]) -> str:
    """``{"scope": …}``."""
    only(body, {"scope"})
    return parse_scope(body.get("scope"))


def apply_set(state: State, ctx: Context, delegation: tuple[str, str | None]) -> None:
    """A member entrusts their vote in a scope to another member (or to no one)."""
    scope, trustee = delegation
    require_active_member(state, ctx.author, WP_("to do", "delegate"))
    _require_scope(state, scope)
    if trustee is not None:
        if trustee == ctx.author:
            raise InvalidBody("you cannot delegate to yourself")
        require_active_member(state, trustee, WP_("to do", "receive a delegation"))
    current: dict[str, Any] = state.get(DELEGATIONS, ctx.author) or {}
    state.put(DELEGATIONS, ctx.author, {**current, scope: trustee})


def apply_revoke(state: State, ctx: Context, scope: str) -> None:
    """A member takes back their delegation (or their explicit "no delegation") in a scope."""
    current: dict[str, Any] = state.get(DELEGATIONS, ctx.author) or {}
    if scope not in current:
        raise Conflict("you have no delegation for %(scope)s", scope=scope, code="no_delegation")
    remaining = {k: v for k, v in current.items() if k != scope}
    if remaining:
        state.put(DELEGATIONS, ctx.author, remaining)
    else:
        state.delete(DELEGATIONS, ctx.author)


def delegations_of(state: State, did: str) -> dict[str, str | None]:
    """A member's delegations by scope."""
    current: dict[str, str | None] = state.get(DELEGATIONS, did) or {}
    return current


def _require_scope(state: State, scope: str) -> None:
    if scope.startswith("topic:"):
        topics = current_constitution(state)["topics"]
        if scope[6:] not in topics:
            raise InvalidBody(
                "there is no topic %(topic)s: try %(topics)s",
                topic=repr(scope[6:]),
                topics=", ".join(topics),
            )
    elif scope.startswith("proposal:"):
        record = state.get(PROPOSALS, int(scope[9:]))
        if record is None:
            raise NotFound(
                "there is no proposal %(proposal)s", proposal=scope[9:], code="not_found"
            )
        if record["phase"] in (CLOSED, CANCELLED):
            raise Conflict(
                "proposal %(proposal)s is %(phase)s",
                proposal=scope[9:],
                phase=PHASE_WORDS.get(record["phase"], record["phase"]),
                code="wrong_phase",
            )
        rules = record["rules"]
        if rules is not None and not rules["delegation"]:
            raise NotPermitted(
                "votes on proposal %(proposal)s cannot be delegated (%(method)s)",
                proposal=scope[9:],
                method=rules["method"],
                code="delegation_not_allowed",
            )
