"""The treasury policy: how many treasurers must approve an expense before it can be paid.

It changes only by the node at setup or by a passed proposal, like the
constitution it belongs with. Until set, :data:`DEFAULT_POLICY` holds: two
treasurers approve.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.fields import only
from commonweal.domain.registry import Context, require_node_key
from commonweal.domain.state import State
from commonweal.domain.treasury.records import POLICY

SET = "treasury.policy.set"
DEFAULT_POLICY: dict[str, Any] = {"approvals_required": 2}
MAX_APPROVALS = 20


def parse_policy(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"approvals_required": N}``."""
    only(body, {"approvals_required"})
    required = body.get("approvals_required")
    if type(required) is not int or not 1 <= required <= MAX_APPROVALS:
        raise InvalidBody(
            "approvals_required must be a whole number from 1 to %(max_approvals)s",
            max_approvals=MAX_APPROVALS,
        )
    return {"approvals_required": required}


def apply_policy(state: State, ctx: Context, policy: dict[str, Any]) -> None:
    """The node (at setup, or by a passed proposal) sets the treasury policy."""
    require_node_key(ctx)
    state.put(POLICY, "policy", policy)


def current_policy(state: State) -> dict[str, Any]:
    """The treasury policy in force."""
    policy: dict[str, Any] = state.get(POLICY, "policy") or DEFAULT_POLICY
    return policy
