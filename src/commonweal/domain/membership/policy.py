"""The admission policy, part of the node's constitution.

``open``: an application admits at once. ``vouch``: N members in good standing
vouch. ``approval``: a member with the ``membership.admit`` permission approves.
``recovery_delay_seconds`` is the time lock on key recovery.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.fields import only
from commonweal.domain.membership.records import POLICY, require_permission
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State

POLICY_SET = "membership.policy.set"
ADMISSION = ("open", "vouch", "approval")
DEFAULT_POLICY: dict[str, Any] = {
    "admission": "vouch",
    "vouches_required": 2,
    "recovery_delay_seconds": 72 * 3600,
}


def current_policy(state: State) -> dict[str, Any]:
    """The policy in force (the documented default until one is set)."""
    policy: dict[str, Any] = state.get(POLICY, "policy") or DEFAULT_POLICY
    return policy


def parse_policy(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"admission", "vouches_required"?, "recovery_delay_seconds"?}``."""
    only(body, {"admission", "vouches_required", "recovery_delay_seconds"})
    if body.get("admission") not in ADMISSION:
        raise InvalidBody("admission must be one of %(names)s", names=", ".join(ADMISSION))
    policy = {**DEFAULT_POLICY, **body}
    vouches = policy["vouches_required"]
    if type(vouches) is not int or not 1 <= vouches <= 50:
        raise InvalidBody("vouches_required must be an integer from 1 to 50")
    delay = policy["recovery_delay_seconds"]
    if type(delay) is not int or not 0 <= delay <= 90 * 86400:
        raise InvalidBody("recovery_delay_seconds must be an integer from 0 to 7,776,000 (90 days)")
    return policy


def apply_policy(state: State, ctx: Context, policy: dict[str, Any]) -> None:
    """Only the node (its constitution) or a holder of ``membership.policy`` sets it."""
    require_permission(state, ctx, "membership.policy")
    state.put(POLICY, "policy", policy)


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        POLICY_SET, "The node sets how new members are admitted.", parse_policy, apply_policy
    ),
)
