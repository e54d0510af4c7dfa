"""A resource's rules, as data: who uses it, how it is allocated, limits, deposit, sanctions.

These are Ostrom's design principles made concrete (docs/commons.md maps each one):
``access`` draws the boundary of who may use the resource; ``allocation``, ``units``
and ``limits`` say how it is shared; ``deposit`` ties use to a stake; ``stewards``
and ``monitors`` watch over it; ``sanctions`` is the ladder a breach climbs
(a warning, then a suspension of booking rights, then a referral to the
assembly); ``appeals`` says who hears an appeal and for how long one may be
filed. After registration the rules change only by a passed proposal
(the ``commons.rules.set`` action), so those who share the resource make its rules.
"""

from __future__ import annotations

import re
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.fields import integer_in, only

ALLOCATIONS = ("open", "first_come", "rotation", "lottery")
"""``open``: used without booking. ``first_come``: booked directly, first come first
served. ``rotation`` and ``lottery``: stewards open a round for a period; members enter,
and when entries close the node allocates the units, to those served least recently
or by a lot drawn from the log."""
BY_ROUND = ("rotation", "lottery")
SANCTION_KINDS = ("warning", "suspension", "referral")
APPEAL_DECIDERS = ("stewards", "proposal")
MAX_PEOPLE = 50
DEFAULT_LIMITS = {"max_hours": 24, "max_active": 2, "advance_days": 60}
DEFAULT_LADDER: list[dict[str, Any]] = [
    {"kind": "warning"},
    {"kind": "suspension", "days": 14},
    {"kind": "referral"},
]
_ROLE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
_UNIT = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,15}$")


def parse_rules(value: Any) -> dict[str, Any]:
    """Check a resource's rules and return them in normal form (defaults filled in)."""
    if not isinstance(value, dict):
        raise InvalidBody("rules must be an object (at least the stewards)")
    only(
        value,
        {
            "stewards",
            "monitors",
            "access",
            "allocation",
            "units",
            "limits",
            "deposit",
            "sanctions",
            "appeals",
        },
        where="rules",
    )
    allocation = value.get("allocation", "first_come")
    if allocation not in ALLOCATIONS:
        raise InvalidBody(
            "rules.allocation must be one of %(allocations)s", allocations=", ".join(ALLOCATIONS)
        )
    return {
        "stewards": _dids(value.get("stewards"), "rules.stewards", minimum=1),
        "monitors": _dids(value.get("monitors", []), "rules.monitors", minimum=0),
        "access": _access(value.get("access", "members")),
        "allocation": allocation,
        "units": integer_in(value.get("units", 1), "rules.units", 1, 1000),
        "limits": _limits(value.get("limits", {})),
        "deposit": _deposit(value.get("deposit")),
        "sanctions": _sanctions(value.get("sanctions", {})),
        "appeals": _appeals(value.get("appeals", {})),
    }


def _dids(value: Any, where: str, *, minimum: int) -> list[str]:
    if not isinstance(value, list) or not all(
        isinstance(d, str) and d.startswith("did:key:z6Mk") for d in value
    ):
        raise InvalidBody("%(where)s must be a list of members' did:keys", where=where)
    if not minimum <= len(set(value)) <= MAX_PEOPLE:
        raise InvalidBody(
            "%(where)s must name from %(minimum)s to %(most)s members",
            where=where,
            minimum=minimum,
            most=MAX_PEOPLE,
        )
    return sorted(set(value))


def _access(value: Any) -> Any:
    if value == "members":
        return value
    role = value.get("role") if isinstance(value, dict) and set(value) == {"role"} else None
    if not isinstance(role, str) or not _ROLE.match(role):
        raise InvalidBody('rules.access must be "members" or {"role": "<role name>"}')
    return {"role": role}


def _limits(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise InvalidBody("rules.limits must be an object")
    only(value, set(DEFAULT_LIMITS), where="rules.limits")
    merged = {**DEFAULT_LIMITS, **value}
    return {
        "max_hours": integer_in(merged["max_hours"], "rules.limits.max_hours", 1, 366 * 24),
        "max_active": integer_in(merged["max_active"], "rules.limits.max_active", 1, 100),
        "advance_days": integer_in(merged["advance_days"], "rules.limits.advance_days", 0, 730),
    }


def _deposit(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"amount", "unit"}:
        raise InvalidBody('rules.deposit is null or {"amount": <minor units>, "unit": "EUR"}')
    unit = value["unit"]
    if not isinstance(unit, str) or not _UNIT.match(unit):
        raise InvalidBody("rules.deposit.unit must be a short unit name such as EUR or hours")
    return {"amount": integer_in(value["amount"], "rules.deposit.amount", 1, 10**12), "unit": unit}


def _sanctions(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidBody("rules.sanctions must be an object")
    only(value, {"ladder", "memory_days"}, where="rules.sanctions")
    ladder = value.get("ladder", DEFAULT_LADDER)
    if not isinstance(ladder, list) or not 1 <= len(ladder) <= 10:
        raise InvalidBody("rules.sanctions.ladder must be a list of 1 to 10 steps")
    return {
        "ladder": [_step(step, n) for n, step in enumerate(ladder)],
        "memory_days": integer_in(
            value.get("memory_days", 365), "rules.sanctions.memory_days", 1, 3650
        ),
    }


def _step(value: Any, n: int) -> dict[str, Any]:
    where = f"rules.sanctions.ladder[{n}]"
    kind = value.get("kind") if isinstance(value, dict) else None
    if kind not in SANCTION_KINDS:
        raise InvalidBody(
            "%(where)s.kind must be one of %(kinds)s", where=where, kinds=", ".join(SANCTION_KINDS)
        )
    if kind == "suspension":
        only(value, {"kind", "days"}, where=where)
        return {"kind": kind, "days": integer_in(value.get("days"), f"{where}.days", 1, 366)}
    only(value, {"kind"}, where=where)
    return {"kind": kind}


def _appeals(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidBody("rules.appeals must be an object")
    only(value, {"by", "days"}, where="rules.appeals")
    by = value.get("by", "stewards")
    if by not in APPEAL_DECIDERS:
        raise InvalidBody(
            "rules.appeals.by must be one of %(deciders)s", deciders=", ".join(APPEAL_DECIDERS)
        )
    return {"by": by, "days": integer_in(value.get("days", 14), "rules.appeals.days", 1, 365)}
