"""Mutual credit as the node runs it: demurrage when due, and what the API shows —
policies, members' positions within their limits, obligations and clearings."""

from __future__ import annotations

import copy
from typing import Any
from weakref import WeakKeyDictionary

import orjson

from commonweal.core.rfc3339 import format_utc
from commonweal.domain.credit import demurrage
from commonweal.domain.credit.clearing import claim_of
from commonweal.domain.credit.limits import POLICIES, limits_for
from commonweal.domain.credit.records import CLEARINGS, OBLIGATIONS, open_obligations
from commonweal.domain.membership.records import ACTIVE, MEMBERS
from commonweal.domain.state import State
from commonweal.domain.treasury.ledger import balance
from commonweal.domain.treasury.records import UNITS
from commonweal.domain.treasury.units import format_amount
from commonweal.node.kernel.due import Refusals, attempt
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Receipt


def run_due(node: Node, *, refusals: Refusals | None = None) -> list[Receipt]:
    """Log the demurrage charges that are due now; a refused one is tried again later
    (``refusals``, node/kernel/due.py) and does not hold up the others."""
    refusals = refusals or Refusals()
    with node.reading() as state:
        due = demurrage.due(state, format_utc(max(node.clock(), node.last_received)))
    receipts = []
    for body in due:
        key = (demurrage.CHARGED, orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode())
        if refusals.waiting(key):
            continue
        receipt = attempt(node, refusals, key, body)
        if receipt is not None:
            receipts.append(receipt)
    return receipts


def policies(node: Node) -> list[dict[str, Any]]:
    """Every mutual-credit unit's policy."""
    with node.reading() as state:
        return [policy for _unit, policy in sorted(state.items(POLICIES))]


def positions(node: Node, unit: str) -> dict[str, Any]:
    """Each member's balance in ``unit``, their limits, and how much they can still pay."""
    with node.reading() as state:
        record = _require_unit(state.get(UNITS, unit), unit)
        policy = state.get(POLICIES, unit)
        rows = []
        for did, member in sorted(state.items(MEMBERS)):
            value = balance(state, f"member:{did}", unit)
            if member["status"] != ACTIVE and value == 0:
                continue
            low, high = limits_for(state, unit, str(did))
            rows.append(
                {
                    "member": did,
                    "balance": value,
                    "formatted": format_amount(value, record["exponent"]),
                    "min": low,
                    "max": high,
                    "can_pay": max(value - low, 0),
                    "can_receive": None if high is None else max(high - value, 0),
                }
            )
        return {"unit": unit, "policy": policy, "positions": rows}


def obligations(
    node: Node, *, unit: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Obligations, newest first, optionally of one unit or status (open or closed)."""
    with node.reading() as state:
        return [
            record
            for _id, record in sorted(state.items(OBLIGATIONS), reverse=True)
            if unit in (None, record["unit"]) and status in (None, record["status"])
        ]


_PREVIEWS: WeakKeyDictionary[Node, dict[str, tuple[int, dict[str, Any]]]] = WeakKeyDictionary()
"""Per node and unit, the last clearing preview and the log size it was computed at."""


def clearing_preview(node: Node, unit: str) -> dict[str, Any]:
    """The clearing that would be accepted now: its body (to sign) and what it would do.

    Min-cost flow over thousands of obligations takes a second: it runs on a copy of
    the obligations, outside the sequencer's lock, and once per log size (every page
    view in between gets the same answer, which nothing since could have changed).
    """
    with node.reading() as state:
        _require_unit(state.get(UNITS, unit), unit)
        size = node.size
        cached = _PREVIEWS.get(node, {}).get(unit)
        if cached is not None and cached[0] == size:
            return copy.deepcopy(cached[1])
        still = State()
        still.tables[OBLIGATIONS] = dict(state.tables.get(OBLIGATIONS, {}))
    claim = claim_of(still, unit)
    before = sum(record["open"] for record in open_obligations(still, unit))
    cleared = sum(item["amount"] for item in claim["setoffs"])
    preview = {
        "claim": claim,
        "debt_before": before,
        "debt_after": before - cleared,
        "cleared": cleared,
    }
    _PREVIEWS.setdefault(node, {})[unit] = (size, copy.deepcopy(preview))
    return preview


def clearings(node: Node, *, unit: str | None = None) -> list[dict[str, Any]]:
    """Every clearing run, newest first."""
    with node.reading() as state:
        return [
            record
            for _id, record in sorted(state.items(CLEARINGS), reverse=True)
            if unit in (None, record["unit"])
        ]


def _require_unit(record: dict[str, Any] | None, unit: str) -> dict[str, Any]:
    if record is None:
        raise Rejected("not_found", "this node has declared no unit %(unit)s", unit=unit)
    return record
