"""The mutual-credit state tables besides the policies (see limits.py)."""

from __future__ import annotations

from typing import Any

from commonweal.domain.state import State, existing

OBLIGATIONS = "credit.obligations"
"""obligation id (log index) → debtor, creditor, unit, amount, what is still open, and how
the rest was settled, cleared or forgiven."""
CLEARINGS = "credit.clearings"
"""clearing id (log index) → unit, debt before and after, and the set-off of each obligation."""

OPEN, CLOSED = "open", "closed"


def obligation(state: State, obligation_id: int) -> dict[str, Any]:
    """The obligation ``obligation_id``, or ``not_found``."""
    return existing(state, OBLIGATIONS, obligation_id, "obligation")


def open_obligations(state: State, unit: str) -> list[dict[str, Any]]:
    """Every obligation of ``unit`` with something still owed, oldest first."""
    return [
        record
        for _id, record in sorted(state.items(OBLIGATIONS))
        if record["unit"] == unit and record["open"] > 0
    ]


def reduce(state: State, record: dict[str, Any], how: str, amount: int) -> None:
    """Take ``amount`` off what is open, counting it as ``how`` (settled, cleared, forgiven)."""
    remaining = record["open"] - amount
    state.put(
        OBLIGATIONS,
        record["id"],
        {
            **record,
            "open": remaining,
            how: record[how] + amount,
            "status": OPEN if remaining > 0 else CLOSED,
        },
    )
