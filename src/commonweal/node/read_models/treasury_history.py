"""The treasury over time, for its chart: month by month, what came into the treasury
(the general account and the funds) from outside it, what went out of it, and what it
held at the month's end. Moves between the treasury's own accounts change none of these.

Read from the ledger's entries (each received at a time the log fixes); amounts stay
whole minor units. A node's months are kept between calls and only the entries logged
since the last call are read (:class:`Months`), so the treasury page costs the same on a
ledger of any length.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from commonweal.core.rfc3339 import format_utc
from commonweal.domain.treasury.records import ENTRIES
from commonweal.node.kernel.service import Node

MONTHS = 12
"""The chart shows at most this many months, the latest."""


def is_treasury(account: str) -> bool:
    """The treasury's own accounts: the general account (``node``) and each fund."""
    return account == "node" or account.startswith("fund:")


@dataclass
class Months:
    """One node's treasury movements summed by unit and month, up to log index ``upto``."""

    upto: int = 0
    sums: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    """unit → month → [came in, went out]."""


_KEPT: weakref.WeakKeyDictionary[Node, Months] = weakref.WeakKeyDictionary()
_KEEPING = threading.Lock()


def _months(node: Node) -> Months:
    """``node``'s months, brought up to its log's size: only the new entries are read."""
    with _KEEPING:
        kept = _KEPT.setdefault(node, Months())
        with node.reading() as state:
            size = node.size
            table = state.tables.get(ENTRIES, {})
            for index in range(kept.upto, size):
                entry = table.get(index)
                if entry is None:
                    continue
                change = sum(p["amount"] for p in entry["postings"] if is_treasury(p["account"]))
                if change:
                    sums = kept.sums.setdefault(entry["unit"], {})
                    month = sums.setdefault(entry["received"][:7], [0, 0])
                    month[0 if change > 0 else 1] += abs(change)
            kept.upto = size
        return Months(kept.upto, {unit: dict(m) for unit, m in kept.sums.items()})


def monthly(node: Node, unit: str, months: int = MONTHS) -> list[dict[str, Any]]:
    """``[{"month": "2026-03", "income", "spending", "balance"}, …]`` for ``unit``, oldest
    first, every month from the first movement to this one (a quiet month is a row of
    its own), the latest ``months`` of them; the balance counts every earlier month too."""
    sums = _months(node).sums.get(unit)
    if not sums:
        return []
    rows = []
    balance = 0
    this_month = format_utc(node.clock())[:7]
    for month in _months_between(min(sums), max(max(sums), this_month)):
        income, spending = sums.get(month, (0, 0))
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
