"""The clearing event: cycles of obligations in one unit set off, every net position kept.

Anyone may ask for a clearing — a member or the node — because its content is
fixed by the log: the body lists the set-off of each obligation, and the rule
accepts it only if it is a feasible clearing that removes as much debt as any
clearing of the open obligations could (:func:`mtcs.check`). ``verify`` checks
every clearing again. No money moves: set-offs only reduce what is owed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.credit import mtcs
from commonweal.domain.credit.records import CLEARINGS, open_obligations, reduce
from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import only, ref
from commonweal.domain.membership.records import require_active_member
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.treasury.units import parse_code, require_unit
from commonweal.domain.words import WP_

COMPLETED = "credit.clearing.completed"


@dataclass(frozen=True, slots=True)
class ClearingClaim:
    """Body of ``credit.clearing.completed``: ``setoffs`` by obligation id, all positive."""

    unit: str
    setoffs: dict[int, int]


def parse_claim(body: Mapping[str, Any]) -> ClearingClaim:
    """``{"unit", "setoffs": [{"obligation": id, "amount": n}, ...]}`` (ids ascending)."""
    only(body, {"unit", "setoffs"})
    value = body.get("setoffs")
    if not isinstance(value, list):
        raise InvalidBody('setoffs is a list of {"obligation": id, "amount": n}')
    setoffs: dict[int, int] = {}
    for position, item in enumerate(value):
        if not isinstance(item, dict):
            raise InvalidBody(
                'setoffs[%(position)s] is {"obligation": id, "amount": n}', position=position
            )
        only(item, {"obligation", "amount"}, where=f"setoffs[{position}]")
        obligation, amount = ref(item, "obligation"), item.get("amount")
        if type(amount) is not int or amount <= 0:
            raise InvalidBody(
                "setoffs[%(position)s].amount must be a positive whole number", position=position
            )
        if setoffs and obligation <= max(setoffs):
            raise InvalidBody("setoffs name each obligation once, in ascending order")
        setoffs[obligation] = amount
    return ClearingClaim(parse_code(body.get("unit")), setoffs)


def claim_of(state: State, unit: str) -> dict[str, Any]:
    """The body of the clearing that would be accepted now (for the node and clients)."""
    found = mtcs.clear(_open(state, unit))
    return {
        "unit": unit,
        "setoffs": [
            {"obligation": oid, "amount": amount}
            for oid, amount in sorted(found.setoff.items())
            if amount > 0
        ],
    }


def apply_clearing(state: State, ctx: Context, claim: ClearingClaim) -> None:
    """Check the claimed set-offs are an optimal clearing, then reduce the obligations."""
    if ctx.author != ctx.node_key:
        require_active_member(state, ctx.author, WP_("to do", "run a clearing"))
    require_unit(state, claim.unit)
    if not claim.setoffs:
        raise Conflict(
            "no cycle of %(unit)s obligations can be cleared",
            unit=claim.unit,
            code="nothing_to_clear",
        )
    records = {r["id"]: r for r in open_obligations(state, claim.unit)}
    obligations = _open(state, claim.unit)
    mismatch = mtcs.mismatch_of(obligations, claim.setoffs)
    if mismatch is not None:
        raise mismatch
    before = sum(o.amount for o in obligations)
    cleared = sum(claim.setoffs.values())
    for oid, amount in sorted(claim.setoffs.items()):
        reduce(state, records[oid], "cleared", amount)
    state.put(
        CLEARINGS,
        ctx.index,
        {
            "id": ctx.index,
            "unit": claim.unit,
            "at": ctx.received,
            "by": ctx.author,
            "obligations": len(obligations),
            "debt_before": before,
            "debt_after": before - cleared,
            "cleared": cleared,
            "setoffs": [
                {"obligation": oid, "amount": amount}
                for oid, amount in sorted(claim.setoffs.items())
            ],
        },
    )


def _open(state: State, unit: str) -> list[mtcs.Obligation]:
    return [
        mtcs.Obligation(r["id"], r["debtor"], r["creditor"], r["open"])
        for r in open_obligations(state, unit)
    ]
