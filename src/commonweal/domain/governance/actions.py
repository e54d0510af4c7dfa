"""What a passed proposal does: actions the node executes as events of its own.

An alternative carries a list of actions (``{"type": "membership.expel", "member":
…}``); the constitution says which action types each kind of proposal may carry.
When a proposal passes, the node logs ``governance.decision.executed`` once per
action of the winning alternatives, and the action's rule runs with the node as
author. Capabilities add their own actions (a treasury transfer, recognising a
node) by registering them in :class:`ActionCatalog`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.fields import only, optional_text
from commonweal.domain.membership import lifecycle, policy, roles
from commonweal.domain.membership.records import did_member, member
from commonweal.domain.registry import Context
from commonweal.domain.state import State

MAX_ACTIONS = 20


@dataclass(frozen=True, slots=True)
class Action:
    """One kind of action: how to read its parameters and what it does."""

    name: str
    summary: str
    parse: Callable[[Mapping[str, Any]], dict[str, Any]]
    apply: Callable[[State, Context, dict[str, Any]], None]


@dataclass
class ActionCatalog:
    """The actions this node can execute, by name."""

    actions: dict[str, Action] = field(default_factory=dict)

    def register(self, action: Action) -> None:
        """Add an action; registering one name twice is a programming error."""
        if action.name in self.actions:
            raise ValueError(f"action {action.name!r} is already registered")
        self.actions[action.name] = action

    def extend(self, actions: Iterable[Action]) -> None:
        """Register several actions."""
        for action in actions:
            self.register(action)

    def names(self) -> frozenset[str]:
        """Every registered action name."""
        return frozenset(self.actions)

    def parse_list(self, value: Any) -> list[dict[str, Any]]:
        """A list of actions of registered types, each in normal form."""
        if not isinstance(value, list):
            raise InvalidBody("actions must be a list")
        if len(value) > MAX_ACTIONS:
            raise InvalidBody(
                "an alternative may carry at most %(max_actions)s actions", max_actions=MAX_ACTIONS
            )
        parsed = []
        for position, action in enumerate(value):
            kind = action.get("type") if isinstance(action, dict) else None
            if kind not in self.actions:
                raise InvalidBody(
                    "actions[%(n)s]: unknown action type %(kind)s",
                    n=position,
                    kind=repr(kind),
                )
            params = {k: v for k, v in action.items() if k != "type"}
            try:
                parsed.append({"type": kind, **self.actions[kind].parse(params)})
            except InvalidBody as error:
                raise InvalidBody(
                    "actions[%(n)s]: %(detail)s",
                    n=position,
                    detail=error.message,
                ) from None
        return parsed

    def run(self, state: State, ctx: Context, action: Mapping[str, Any]) -> None:
        """Execute one parsed action (raises a DomainError if it cannot be done now)."""
        params = {k: v for k, v in action.items() if k != "type"}
        self.actions[action["type"]].apply(state, ctx, params)


def require_allowed(actions: Iterable[Mapping[str, Any]], allowed: Iterable[str]) -> None:
    """Every action is of a type the proposal's kind may carry."""
    permitted = set(allowed)
    for position, action in enumerate(actions):
        if action["type"] not in permitted:
            raise NotPermitted(
                "actions[%(n)s]: proposals of this kind may not %(type)s (allowed: %(permitted)s)",
                n=position,
                type=action["type"],
                permitted=", ".join(sorted(permitted)) or "none",
                code="action_not_allowed",
            )


def _parse_applicant(params: Mapping[str, Any]) -> dict[str, Any]:
    only(params, {"applicant"}, where="the action's params")
    return {"applicant": did_member(dict(params), "applicant")}


def _admit(state: State, ctx: Context, params: dict[str, Any]) -> None:
    record = member(state, params["applicant"])
    if record is None or record["status"] != "applicant":
        raise Conflict(
            "%(applicant)s has no open application",
            applicant=params["applicant"],
            code="no_application",
        )
    lifecycle.admit(state, ctx, params["applicant"])


def _parse_reasoned_member(params: Mapping[str, Any]) -> dict[str, Any]:
    only(params, {"member", "reason"}, where="the action's params")
    return {
        "member": did_member(dict(params)),
        "reason": optional_text(params, "reason", max_length=1000),
    }


def _expel(state: State, ctx: Context, params: dict[str, Any]) -> None:
    lifecycle.apply_expulsion(state, ctx, (params["member"], params["reason"]))


def _parse_role_change(params: Mapping[str, Any]) -> dict[str, Any]:
    only(params, {"member", "role"}, where="the action's params")
    change = roles.parse_change(params)
    return {"member": change.member, "role": change.role}


def _grant(state: State, ctx: Context, params: dict[str, Any]) -> None:
    roles.apply_grant(state, ctx, roles.RoleChange(params["member"], params["role"]))


def _revoke(state: State, ctx: Context, params: dict[str, Any]) -> None:
    roles.apply_revoke(state, ctx, roles.RoleChange(params["member"], params["role"]))


def _parse_policy(params: Mapping[str, Any]) -> dict[str, Any]:
    only(params, {"policy"}, where="the action's params")
    value = params.get("policy")
    if not isinstance(value, dict):
        raise InvalidBody("policy must be an admission policy object")
    return {"policy": policy.parse_policy(value)}


def _set_policy(state: State, ctx: Context, params: dict[str, Any]) -> None:
    policy.apply_policy(state, ctx, params["policy"])


MEMBERSHIP_ACTIONS: tuple[Action, ...] = (
    Action("membership.admit", "Admit an applicant.", _parse_applicant, _admit),
    Action("membership.expel", "Expel a member.", _parse_reasoned_member, _expel),
    Action("membership.role.grant", "Grant a member a role.", _parse_role_change, _grant),
    Action("membership.role.revoke", "Revoke a member's role.", _parse_role_change, _revoke),
    Action("membership.policy.set", "Change the admission policy.", _parse_policy, _set_policy),
)


def describe(action: Mapping[str, Any]) -> str:
    """A plain-language line for an action (for pages and the CLI)."""
    kind = action.get("type", "")
    if kind == "membership.admit":
        return f"admit {action['applicant']}"
    if kind == "membership.expel":
        return f"expel {action['member']}"
    if kind == "membership.role.grant":
        return f"make {action['member']} a {action['role']}"
    if kind == "membership.role.revoke":
        return f"take the {action['role']} role from {action['member']}"
    if kind == "membership.policy.set":
        return f"set the admission policy to {action['policy']['admission']}"
    if kind == "treasury.transfer":
        return (
            f"transfer {action['amount']} minor units of {action['unit']} "
            f"from {action['from']} to {action['to']}"
        )
    if kind == "funding.round.open":
        return (
            f"open the funding round {action['title']!r}, matching {action['pool']} minor units "
            f"of {action['unit']} from {action['from']}"
        )
    if kind == "treasury.policy.set":
        return f"require {action['approvals_required']} treasurers' approvals for an expense"
    if kind == "credit.policy.set":
        return f"set the credit limits of {action['unit']}"
    if kind == "constitution.amend":
        return "replace the constitution with the amended text"
    if kind == "places.register":
        return f"register the place {action['name']!r} ({action['kind']}, {action['area_m2']} m²)"
    # imported here, not at the top: the commons actions are built on this module
    from commonweal.domain.commons.actions import describe as describe_commons

    return describe_commons(action) or str(kind)
