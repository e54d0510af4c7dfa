"""The credit policy of a unit: balance limits per member, per role and by default, and demurrage.

A member's limits are their own if the policy names them; otherwise the most
generous among the roles they hold that the policy names (the lowest floor, the
highest ceiling); otherwise the default. A limit only stops a movement *away*
from it: lowering a limit below someone's balance never moves money, it only
stops them from going further.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import MAX_AMOUNT, only
from commonweal.domain.membership.records import did_member, member
from commonweal.domain.registry import Context, require_node_key
from commonweal.domain.state import State
from commonweal.domain.treasury.accounts import NODE, kind_of, parse_account, require_open
from commonweal.domain.treasury.units import parse_code, require_unit

POLICIES = "credit.policies"
"""unit code → the unit's credit policy: limits, demurrage, and when demurrage was last charged."""
POLICY_SET = "credit.policy.set"
MAX_PERIOD_DAYS = 366
_RATE = re.compile(r"^(\d{1,6})/(\d{1,6})$")
_ROLE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")

Limits = tuple[int, int | None]
"""(lowest balance, highest balance or None for no ceiling), in minor units."""


def parse_policy(body: Mapping[str, Any]) -> dict[str, Any]:
    """A credit policy in normal form (names sorted, defaults filled in)."""
    only(body, {"unit", "limits", "demurrage"})
    limits = body.get("limits")
    if not isinstance(limits, dict):
        raise InvalidBody('limits must be {"default": {"min": …}, "roles"?: …, "members"?: …}')
    only(limits, {"default", "roles", "members"}, where="limits")
    roles, members = limits.get("roles", {}), limits.get("members", {})
    if not isinstance(roles, dict) or not isinstance(members, dict):
        raise InvalidBody("limits.roles and limits.members must be objects")
    return {
        "unit": parse_code(body.get("unit")),
        "limits": {
            "default": _limit(limits.get("default"), "limits.default"),
            "roles": {
                _role(name): _limit(value, f"limits.roles.{name}")
                for name, value in sorted(roles.items())
            },
            "members": {
                did_member({"member": did}): _limit(value, "limits.members[did]")
                for did, value in sorted(members.items())
            },
        },
        "demurrage": _demurrage(body.get("demurrage")),
    }


def apply_policy(state: State, ctx: Context, policy: dict[str, Any]) -> None:
    """The node (at setup, or by a passed proposal) sets a unit's credit policy."""
    require_node_key(ctx)
    set_policy(state, ctx, policy)


def set_policy(state: State, ctx: Context, policy: dict[str, Any]) -> None:
    """Put ``policy`` in force; a new policy starts a new demurrage period."""
    unit = require_unit(state, policy["unit"])
    if unit["kind"] == "fiat":
        raise Conflict(
            "%(unit)s is fiat money the node must really hold: mutual credit runs in hours or a "
            "community currency",
            unit=unit["code"],
            code="not_credit_unit",
        )
    demurrage = policy["demurrage"]
    if demurrage is not None:
        require_open(state, demurrage["account"])
    state.put(
        POLICIES,
        policy["unit"],
        {
            **policy,
            "set_at": ctx.received,
            "demurrage_since": ctx.received if demurrage is not None else None,
        },
    )


def credit_policy(state: State, unit: str) -> dict[str, Any] | None:
    """The credit policy of ``unit``, or None when the unit is not run as mutual credit."""
    policy: dict[str, Any] | None = state.get(POLICIES, unit)
    return policy


def limits_for(state: State, unit: str, did: str) -> Limits:
    """The lowest and highest balance ``did`` may reach in ``unit`` (0 and no ceiling if
    the unit is not mutual credit)."""
    policy = credit_policy(state, unit)
    if policy is None:
        return (0, None)
    limits = policy["limits"]
    own = limits["members"].get(did)
    if own is not None:
        return _pair(own)
    record = member(state, did)
    roles = record.get("roles", []) if record is not None else []
    held = [limits["roles"][r] for r in roles if r in limits["roles"]]
    if not held:
        return _pair(limits["default"])
    ceilings = [h["max"] for h in held]
    return (
        min(h["min"] for h in held),
        None if None in ceilings else max(c for c in ceilings if c is not None),
    )


def _pair(limit: dict[str, Any]) -> Limits:
    return (int(limit["min"]), limit["max"])


def _limit(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidBody('%(where)s must be {"min": <= 0, "max"?: >= 0}', where=where)
    only(value, {"min", "max"}, where=where)
    low, high = value.get("min"), value.get("max")
    if type(low) is not int or not -MAX_AMOUNT <= low <= 0:
        raise InvalidBody(
            "%(where)s.min must be a whole number of minor units, zero or below", where=where
        )
    if high is not None and (type(high) is not int or not 0 <= high <= MAX_AMOUNT):
        raise InvalidBody(
            "%(where)s.max must be a whole number of minor units, zero or above", where=where
        )
    return {"min": low, "max": high}


def _role(name: Any) -> str:
    if not isinstance(name, str) or not _ROLE.match(name):
        raise InvalidBody("limits.roles names roles: 2-40 lower-case letters, digits or dashes")
    return name


def _demurrage(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidBody('demurrage is {"rate": "7/100", "period_days": 30, "account": ...}')
    only(value, {"rate", "period_days", "account"}, where="demurrage")
    rate = value.get("rate")
    match = _RATE.match(rate) if isinstance(rate, str) else None
    if match is None or int(match[2]) == 0 or not 0 < Fraction(int(match[1]), int(match[2])) < 1:
        raise InvalidBody('demurrage.rate is a yearly fraction between 0 and 1, such as "7/100"')
    period = value.get("period_days", 30)
    if type(period) is not int or not 1 <= period <= MAX_PERIOD_DAYS:
        raise InvalidBody(
            "demurrage.period_days must be from 1 to %(max_period_days)s",
            max_period_days=MAX_PERIOD_DAYS,
        )
    account = parse_account(value.get("account", NODE), "demurrage.account")
    if kind_of(account) not in ("node", "fund"):
        raise InvalidBody('demurrage.account must be "node" or a fund')
    return {"rate": rate, "period_days": period, "account": account}
