"""The treasury's state tables (its rules read body members with ``domain/fields.py``)."""

from __future__ import annotations

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

SPEND = "treasury.spend"
"""The permission treasurers hold: record income, approve, reject and pay expenses."""
