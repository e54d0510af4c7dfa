"""Recovery by one's own community.

A member names guardians (members) and a threshold k ahead of time. Having lost
their key, they name a new did:key (``requested``, signed by the new key); k
guardians vouch for it; a time lock starts, during which the old key can cancel;
after it, the node completes the recovery: the new key takes the old record's
place (roles, profile, standing), the old credentials are revoked, new ones are
owed, and the two DIDs are linked in the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.membership.policy import current_policy
from commonweal.domain.membership.records import (
    ACTIVE,
    GUARDIANS,
    MEMBERS,
    RECOVERIES,
    did_member,
    member,
    owe_credential,
    require_active_member,
    revoke_credentials,
)
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.timestamps import moment, reached, stamp
from commonweal.domain.words import N_, WP_

GUARDIANS_SET = "membership.guardians.set"
REQUESTED = "membership.recovery.requested"
VOUCHED = "membership.recovery.vouched"
CANCELLED = "membership.recovery.cancelled"
COMPLETED = "membership.recovery.completed"
MAX_GUARDIANS = 10


def parse_guardians(body: Mapping[str, Any]) -> tuple[tuple[str, ...], int]:
    """``{"guardians": [did, …], "threshold": k}``."""
    guardians, threshold = body.get("guardians"), body.get("threshold")
    if not isinstance(guardians, list) or not 1 <= len(guardians) <= MAX_GUARDIANS:
        raise InvalidBody(
            "guardians must be a list of 1 to %(max_guardians)s members",
            max_guardians=MAX_GUARDIANS,
        )
    dids = tuple(did_member({"g": g}, "g") for g in guardians)
    if len(set(dids)) != len(dids):
        raise InvalidBody("each guardian may be named once")
    if type(threshold) is not int or not 1 <= threshold <= len(dids):
        raise InvalidBody("threshold must be an integer from 1 to the number of guardians")
    return dids, threshold


def parse_member(body: Mapping[str, Any]) -> str:
    """``{"member": did}``: the member whose key is being recovered."""
    return did_member(dict(body))


def parse_vouch(body: Mapping[str, Any]) -> tuple[str, str]:
    """``{"member": old did, "new": new did}``."""
    return did_member(dict(body)), did_member(dict(body), "new")


def apply_guardians(state: State, ctx: Context, chosen: tuple[tuple[str, ...], int]) -> None:
    """A member chooses guardians among the members in good standing."""
    require_active_member(state, ctx.author, WP_("to do", "choose guardians"))
    guardians, threshold = chosen
    if ctx.author in guardians:
        raise InvalidBody("you cannot be your own guardian")
    for guardian in guardians:
        require_active_member(state, guardian, WP_("to do", "be a guardian"))
    state.put(GUARDIANS, ctx.author, {"guardians": list(guardians), "threshold": threshold})


def apply_request(state: State, ctx: Context, old: str) -> None:
    """Signed by the new key: it asks to take the place of ``old``."""
    require_active_member(state, old, WP_("to do", "be recovered"))
    if state.get(GUARDIANS, old) is None:
        raise NotPermitted(
            "this member named no guardians, so the key cannot be recovered", code="no_guardians"
        )
    if member(state, ctx.author) is not None:
        raise Conflict("the new key is already known to this node", code="already_member")
    if state.get(RECOVERIES, old) is not None:
        raise Conflict("a recovery of this member is already under way", code="recovery_open")
    state.put(
        RECOVERIES,
        old,
        {"new": ctx.author, "vouches": [], "requested": ctx.received, "unlocks": None},
    )


def apply_vouch(state: State, ctx: Context, vouch: tuple[str, str]) -> None:
    """A guardian confirms the new key; at the threshold the time lock starts."""
    old, new = vouch
    recovery = _open(state, old)
    if recovery["new"] != new:
        raise Conflict("the open recovery names another key", code="wrong_key")
    guardians = state.get(GUARDIANS, old)
    if ctx.author not in guardians["guardians"]:
        raise NotPermitted(
            "only the member's guardians may vouch for a recovery", code="not_guardian"
        )
    require_active_member(state, ctx.author, WP_("to do", "vouch for a recovery"))
    if ctx.author in recovery["vouches"]:
        raise Conflict("you have already vouched for this recovery", code="already_vouched")
    vouches = [*recovery["vouches"], ctx.author]
    unlocks = recovery["unlocks"]
    if unlocks is None and len(vouches) >= guardians["threshold"]:
        delay = timedelta(seconds=current_policy(state)["recovery_delay_seconds"])
        unlocks = stamp(moment(ctx.received) + delay)
    state.put(RECOVERIES, old, {**recovery, "vouches": vouches, "unlocks": unlocks})


def apply_cancel(state: State, ctx: Context, old: str) -> None:
    """The old key (it was not lost after all) or the new key withdraws the recovery."""
    recovery = _open(state, old)
    if ctx.author not in (old, recovery["new"]):
        raise NotPermitted("only the member's old or new key may cancel a recovery")
    state.delete(RECOVERIES, old)


def apply_completion(state: State, ctx: Context, old: str) -> None:
    """The node completes a recovery whose time lock has passed."""
    require_node_key(
        ctx, refusal=N_("only the node completes a recovery, once its time lock has passed")
    )
    recovery = _open(state, old)
    if recovery["unlocks"] is None or not reached(ctx.received, recovery["unlocks"]):
        raise NotPermitted("the recovery's time lock has not passed", code="time_locked")
    record = state.get(MEMBERS, old)
    new = recovery["new"]
    state.put(MEMBERS, old, {**record, "status": "recovered", "successor": new, "roles": []})
    state.put(MEMBERS, new, {**record, "status": ACTIVE, "predecessor": old, "vouches": []})
    revoke_credentials(state, ctx, old, "key recovered")
    owe_credential(state, ctx, new, "membership")
    for role in record.get("roles", []):
        owe_credential(state, ctx, new, f"role:{role}", role=role)
    guardians = state.get(GUARDIANS, old)
    state.delete(GUARDIANS, old)
    state.put(GUARDIANS, new, guardians)
    state.delete(RECOVERIES, old)


def due_recoveries(state: State, now: str) -> list[str]:
    """Members whose recovery can be completed at ``now`` (the node's scheduler asks)."""
    return sorted(
        str(old)
        for old, recovery in state.items(RECOVERIES)
        if recovery["unlocks"] is not None and reached(now, recovery["unlocks"])
    )


def _open(state: State, old: str) -> dict[str, Any]:
    recovery: dict[str, Any] | None = state.get(RECOVERIES, old)
    if recovery is None:
        raise Conflict("there is no recovery under way for this member", code="no_recovery")
    return recovery


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        GUARDIANS_SET,
        "A member chooses guardians for key recovery.",
        parse_guardians,
        apply_guardians,
    ),
    EventType(
        REQUESTED, "A new key asks to replace a member's lost key.", parse_member, apply_request
    ),
    EventType(VOUCHED, "A guardian vouches for a member's new key.", parse_vouch, apply_vouch),
    EventType(CANCELLED, "A key recovery is withdrawn.", parse_member, apply_cancel),
    EventType(
        COMPLETED, "The node moves a member to their recovered key.", parse_member, apply_completion
    ),
)
