"""Budgets with line items, and actual spending read from the ledger."""

from __future__ import annotations

from typing import Any

from commonweal.domain.treasury.budgets import budget_vs_actual
from commonweal.domain.treasury.units import format_amount, parse_decimal
from tests.community import Community
from tests.treasury import approved_expense, as_node, income, open_treasury

BUDGET: dict[str, Any] = {
    "fund": "garden",
    "name": "2026",
    "unit": "EUR",
    "start": "2026-01-01",
    "end": "2026-12-31",
    "lines": [
        {"line": "seeds", "title": "Seeds and plants", "amount": 40_000},
        {"line": "tools", "title": "Tools", "amount": 25_000},
    ],
}


def test_budget_against_actual(community: Community) -> None:
    open_treasury(community)
    as_node(community, "treasury.budget.set", BUDGET)
    income(community, 100_000)
    for amount, line in ((12_000, "seeds"), (8_000, "seeds"), (30_000, "tools"), (5_000, "")):
        extra = {"line": line} if line else {}
        expense = approved_expense(community, "finn", amount, **extra)
        community.act("carol", "treasury.expense.paid", {"expense": expense})
    unpaid = approved_expense(community, "finn", 9_000, line="seeds")  # approved is not spent
    report = budget_vs_actual(community.node.state, "garden", "2026")
    lines = {
        line["line"]: (line["amount"], line["actual"], line["remaining"])
        for line in report["lines"]
    }
    assert lines == {"seeds": (40_000, 20_000, 20_000), "tools": (25_000, 30_000, -5_000)}
    assert report["totals"] == {
        "budgeted": 65_000,
        "actual": 50_000,
        "remaining": 15_000,
        "unbudgeted": 5_000,
        "income": 100_000,
    }
    assert unpaid > 0


def test_a_revised_budget_counts_the_same_spending(community: Community) -> None:
    open_treasury(community)
    as_node(community, "treasury.budget.set", BUDGET)
    income(community, 10_000)
    expense = approved_expense(community, "finn", 3_000, line="tools")
    community.act("carol", "treasury.expense.paid", {"expense": expense})
    revised = {**BUDGET, "lines": [{"line": "tools", "title": "Tools", "amount": 2_000}]}
    as_node(community, "treasury.budget.set", revised)
    report = budget_vs_actual(community.node.state, "garden", "2026")
    assert report["revision"] == 2
    assert [(line["line"], line["actual"]) for line in report["lines"]] == [("tools", 3_000)]


def test_spending_outside_the_period_does_not_count(community: Community) -> None:
    open_treasury(community)
    as_node(
        community,
        "treasury.budget.set",
        {**BUDGET, "name": "2027", "start": "2027-01-01", "end": "2027-12-31"},
    )
    income(community, 10_000)
    expense = approved_expense(community, "finn", 3_000, line="tools")
    community.act("carol", "treasury.expense.paid", {"expense": expense})
    report = budget_vs_actual(community.node.state, "garden", "2027")
    assert report["totals"]["actual"] == 0 and report["totals"]["income"] == 0


def test_budgets_are_set_by_the_node_or_a_decision_only(community: Community) -> None:
    open_treasury(community)
    assert community.refused("carol", "treasury.budget.set", BUDGET) == "forbidden"
    bad_dates = {**BUDGET, "end": "2025-12-31"}
    assert community.refused("carol", "treasury.budget.set", bad_dates) == "invalid_body"
    twice = {**BUDGET, "lines": BUDGET["lines"] * 2}
    assert community.refused("carol", "treasury.budget.set", twice) == "invalid_body"


def test_amounts_print_in_their_units() -> None:
    assert format_amount(1_250, 2) == "12.50"
    assert format_amount(-5, 2) == "-0.05"
    assert format_amount(7, 0) == "7"
    assert parse_decimal("12.5", 2) == 1_250
    assert parse_decimal("-0.05", 2) == -5
    for amount in (0, 1, 99, 100, 123_456_789):
        assert parse_decimal(format_amount(amount, 3), 3) == amount
