"""Budgets: a fund's plan for a period, in line items, and how actual spending compares.

A budget is set by the node at setup or by a passed proposal: a fund, a name
(``2026``), a unit, a period of dates, and lines (``seeds``, ``tools``) with
their amounts. Setting it again under the same name revises it. Actual spending
is read from the ledger: every entry in the period that took money out of the
fund and names a budget line counts against that line; outflows naming no line
of the budget are shown as unbudgeted, and money into the fund as income.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotFound
from commonweal.domain.fields import amount, matching, only, required_text
from commonweal.domain.registry import Context, require_node_key
from commonweal.domain.state import State
from commonweal.domain.treasury.accounts import fund_account, parse_slug, require_open
from commonweal.domain.treasury.records import BUDGETS, ENTRIES
from commonweal.domain.treasury.units import parse_code, require_unit
from commonweal.domain.words import N_

SET = "treasury.budget.set"
MAX_LINES = 100
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def parse_budget(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"fund", "name", "unit", "start": "2026-01-01", "end": "2026-12-31",
    "lines": [{"line", "title", "amount"}]}`` in normal form."""
    only(body, {"fund", "name", "unit", "start", "end", "lines"})
    name = body.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidBody("name is 1-40 letters, digits, dots, dashes or underscores (2026, Q3)")
    start, end = _date(body, "start"), _date(body, "end")
    if end < start:
        raise InvalidBody("end comes before start")
    lines = body.get("lines")
    if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_LINES:
        raise InvalidBody(
            "lines is a list of 1 to %(max_lines)s {line, title, amount}", max_lines=MAX_LINES
        )
    parsed = [_line(item, position) for position, item in enumerate(lines)]
    codes = [item["line"] for item in parsed]
    if len(set(codes)) != len(codes):
        raise InvalidBody("each line's code is used once")
    return {
        "fund": parse_slug(body.get("fund")),
        "name": name,
        "unit": parse_code(body.get("unit")),
        "start": start,
        "end": end,
        "lines": parsed,
    }


def apply_budget(state: State, ctx: Context, budget: dict[str, Any]) -> None:
    """The node (at setup, or by a passed proposal) sets or revises a budget."""
    require_node_key(ctx)
    set_budget(state, ctx, budget)


def set_budget(state: State, ctx: Context, budget: dict[str, Any]) -> None:
    """Put ``budget`` in force under its fund and name."""
    require_open(state, fund_account(budget["fund"]))
    require_unit(state, budget["unit"])
    key = (budget["fund"], budget["name"])
    previous = state.get(BUDGETS, key)
    if previous is not None and previous["unit"] != budget["unit"]:
        raise Conflict("a revised budget keeps its unit", code="unit_mismatch")
    revision = 1 if previous is None else previous["revision"] + 1
    state.put(BUDGETS, key, {**budget, "revision": revision, "set_at": ctx.received})


def budget_vs_actual(state: State, fund: str, name: str) -> dict[str, Any]:
    """Each line's budgeted and actual amounts (and what is left), unbudgeted spending,
    and income into the fund, all within the budget's period."""
    budget: dict[str, Any] | None = state.get(BUDGETS, (fund, name))
    if budget is None:
        raise NotFound(
            "the fund %(fund)s has no budget %(name)s",
            fund=repr(fund),
            name=repr(name),
            code="not_found",
        )
    account = fund_account(fund)
    actual = {item["line"]: 0 for item in budget["lines"]}
    unbudgeted = income = 0
    for _index, entry in sorted(state.items(ENTRIES)):
        if entry["unit"] != budget["unit"]:
            continue
        if not budget["start"] <= entry["received"][:10] <= budget["end"]:
            continue
        for posting in entry["postings"]:
            if posting["account"] != account:
                continue
            if posting["amount"] > 0:
                income += posting["amount"]
            elif entry["line"] in actual:
                actual[entry["line"]] -= posting["amount"]
            else:
                unbudgeted -= posting["amount"]
    lines = [
        {
            **item,
            "actual": actual[item["line"]],
            "remaining": item["amount"] - actual[item["line"]],
        }
        for item in budget["lines"]
    ]
    budgeted = sum(item["amount"] for item in budget["lines"])
    spent = sum(actual.values())
    return {
        **budget,
        "lines": lines,
        "totals": {
            "budgeted": budgeted,
            "actual": spent,
            "remaining": budgeted - spent,
            "unbudgeted": unbudgeted,
            "income": income,
        },
    }


def _date(body: Mapping[str, Any], name: str) -> str:
    return matching(body.get(name), _DATE, N_("%(name)s must be a date, YYYY-MM-DD"), name=name)


def _line(value: Any, position: int) -> dict[str, Any]:
    where = f"lines[{position}]"
    if not isinstance(value, dict):
        raise InvalidBody("%(where)s must be {line, title, amount}", where=where)
    only(value, {"line", "title", "amount"}, where=where)
    return {
        "line": parse_slug(value.get("line"), f"{where}.line"),
        "title": required_text(value, "title", max_length=200),
        "amount": amount(value),
    }
