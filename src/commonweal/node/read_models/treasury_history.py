"""The treasury over time, for its chart: month by month, what came into the treasury
(the general account and the funds) from outside it, what went out of it, and what it
held at the month's end. Moves between the treasury's own accounts change none of these.

Read from the ledger's entries (each received at a time the log fixes); amounts stay
whole minor units.
"""

from __future__ import annotations

from typing import Any

from commonweal.core.rfc3339 import format_utc
from commonweal.domain.treasury.records import ENTRIES
from commonweal.node.kernel.service import Node

MONTHS = 12
"""The chart shows at most this many months, the latest."""


def is_treasury(account: str) -> bool:
    """The treasury's own accounts: the general account (``node``) and each fund."""
    return account == "node" or account.startswith("fund:")


def monthly(node: Node, unit: str, months: int = MONTHS) -> list[dict[str, Any]]:
    """``[{"month": "2026-03", "income", "spending", "balance"}, …]`` for ``unit``, oldest
    first, every month from the first movement to this one (a quiet month is a row of
    its own), the latest ``months`` of them; the balance counts every earlier month too."""
    changes: dict[str, list[int]] = {}
    with node.reading() as state:
        for _index, entry in state.items(ENTRIES):
            if entry["unit"] != unit:
                continue
            change = sum(p["amount"] for p in entry["postings"] if is_treasury(p["account"]))
            if change:
                changes.setdefault(entry["received"][:7], []).append(change)
    if not changes:
        return []
    rows = []
    balance = 0
    this_month = format_utc(node.clock())[:7]
    for month in _months_between(min(changes), max(max(changes), this_month)):
        moves = changes.get(month, [])
        income = sum(c for c in moves if c > 0)
        spending = -sum(c for c in moves if c < 0)
        balance += income - spending
        rows.append({"month": month, "income": income, "spending": spending, "balance": balance})
    return rows[-months:]


def _months_between(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included."""
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found
