"""Amounts as people read them: minor units in their unit's decimals, minutes as hours.

The pages of mutual aid, campaigns and funding rounds show integer minor units
(the only amounts events and state carry) with the decimals the treasury declared
for their unit: 150000 EUR (exponent 2) reads ``1,500.00 EUR``. A unit nobody
declared is shown as its whole minor units, since its decimals are unknown.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.treasury.records import UNITS
from commonweal.domain.treasury.units import format_amount
from commonweal.node.kernel.service import Node


def declared_units(node: Node) -> dict[str, dict[str, Any]]:
    """Every unit the treasury declared, by code: name, exponent (decimals) and kind."""
    with node.reading() as state:
        return {
            str(code): {
                "code": unit["code"],
                "name": unit["name"],
                "exponent": unit["exponent"],
                "kind": unit["kind"],
            }
            for code, unit in sorted(state.items(UNITS))
        }


def money(amount: int | None, unit: str | None, units: dict[str, dict[str, Any]]) -> str:
    """``1,500.00 EUR``: ``amount`` minor units of ``unit``, grouped by thousands."""
    if amount is None:
        return "—"
    exponent = units[unit]["exponent"] if unit in units else 0
    text = format_amount(amount, exponent)
    whole, _dot, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}"
    return f"{sign}{grouped}{'.' + fraction if fraction else ''}{' ' + unit if unit else ''}"


def minutes(amount: int) -> str:
    """Time-bank minutes in words: 90 is ``1 h 30 min``."""
    hours, rest = divmod(amount, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} h"
    return f"{rest} min"


def percent(part: int, whole: int | None) -> int:
    """``part`` of ``whole`` in whole percent, rounded down (0 when there is no whole)."""
    if not whole or whole <= 0:
        return 0
    return max(part, 0) * 100 // whole
