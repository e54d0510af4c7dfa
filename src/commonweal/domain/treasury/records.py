"""The treasury's state tables and the small readers its rules share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import InvalidBody

UNITS = "treasury.units"
"""unit code → ``{"code", "name", "exponent", "kind", "declared_at"}``."""
FUNDS = "treasury.funds"
"""fund slug → ``{"fund", "title", "description", "opened_at"}``."""
BALANCES = "treasury.balances"
"""``(account, unit)`` → the account's balance in minor units (what balance queries read)."""
ENTRIES = "treasury.entries"
"""log index → the ledger entry that event wrote: kind, unit, postings (summing to zero), refs."""
EXPENSES = "treasury.expenses"
"""expense id (the log index of its draft) → the expense: status, amounts, approvals, history."""
BUDGETS = "treasury.budgets"
"""``(fund, name)`` → a budget: unit, period, and line items with their amounts."""
POLICY = "treasury.policy"
"""``"policy"`` → the treasury policy in force (how many treasurers approve an expense)."""

MAX_AMOUNT = 2**53 - 1
"""The largest amount or balance, in minor units (I-JSON's exact integers)."""
SPEND = "treasury.spend"
"""The permission treasurers hold: record income, approve, reject and pay expenses."""


def only(body: Mapping[str, Any], allowed: set[str], where: str = "body") -> None:
    """Refuse members of ``body`` other than ``allowed``."""
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise InvalidBody(f"{where}: unexpected member(s) {', '.join(unknown)}")


def amount(body: Mapping[str, Any], name: str = "amount") -> int:
    """A positive whole number of minor units."""
    value = body.get(name)
    if type(value) is not int or not 0 < value <= MAX_AMOUNT:
        raise InvalidBody(f"{name} must be a whole number of minor units from 1 to {MAX_AMOUNT:,}")
    return value


def optional_amount(body: Mapping[str, Any], name: str = "amount") -> int | None:
    """:func:`amount`, or None when absent."""
    return None if body.get(name) is None else amount(body, name)


def entity_id(body: Mapping[str, Any], name: str) -> int:
    """An id that is a log index (an expense, an obligation)."""
    value = body.get(name)
    if type(value) is not int or value < 0:
        raise InvalidBody(f"{name} must be the id (a log index) of a {name}")
    return value
