"""Expenses follow Open Collective's statuses, need N treasurers, and pay only what was approved."""

from __future__ import annotations

import json
from itertools import pairwise

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.verify import verify_log
from tests.community import Community
from tests.treasury import (
    approved_expense,
    as_node,
    assert_books_balance,
    draft_expense,
    evidence,
    held,
    income,
    of,
    open_treasury,
    pending_expense,
    status,
)
from tests.vectors import find_vectors


def test_draft_submit_two_approvals_then_paid(community: Community) -> None:
    open_treasury(community)
    income(community, 50_000)
    expense = draft_expense(
        community,
        "finn",
        12_500,
        items=[{"title": "Seeds", "amount": 2_500}, {"title": "Compost", "amount": 10_000}],
        evidence=[evidence("shop receipt")],
    )
    assert status(community, expense) == "DRAFT"
    community.act("finn", "treasury.expense.submitted", {"expense": expense})
    assert status(community, expense) == "PENDING"
    community.act("dana", "treasury.expense.approved", {"expense": expense})
    assert status(community, expense) == "PENDING"  # one of two approvals
    community.act("erin", "treasury.expense.approved", {"expense": expense})
    assert status(community, expense) == "APPROVED"
    paid = community.act(
        "carol", "treasury.expense.paid", {"expense": expense, "evidence": evidence("transfer")}
    )
    record = community.node.state.get("treasury.expenses", expense)
    assert record["status"] == "PAID"
    assert record["paid"]["amount"] == 12_500 and record["paid"]["entry"] == paid.index
    assert [step["action"] for step in record["history"]] == [
        "drafted",
        "submitted",
        "approved",
        "approved",
        "paid",
    ]
    assert held(community, "fund:garden") == 37_500
    assert held(community, "external") == -50_000 + 12_500
    entry = community.node.state.get("treasury.entries", paid.index)
    assert entry["postings"] == [
        {"account": "fund:garden", "amount": -12_500},
        {"account": "external", "amount": 12_500},
    ]
    assert entry["ref"] == expense and entry["kind"] == "expense"
    assert_books_balance(community)
    assert verify_log(
        community.node.store, default_registry(), compare_with=community.node.store
    ).ok


def test_paid_into_the_payees_account(community: Community) -> None:
    open_treasury(community)
    income(community, 10_000)
    expense = approved_expense(community, "finn", 4_000)
    community.act("carol", "treasury.expense.paid", {"expense": expense, "method": "account"})
    assert held(community, of(community, "finn")) == 4_000


def test_the_policy_sets_how_many_treasurers_approve(community: Community) -> None:
    open_treasury(community, approvals=3)
    expense = approved_expense(community, "finn", 100)
    assert status(community, expense) == "PENDING"
    community.act("carol", "treasury.expense.approved", {"expense": expense})
    assert status(community, expense) == "APPROVED"
    as_node(community, "treasury.policy.set", {"approvals_required": 1})
    quick = pending_expense(community, "finn", 100)
    community.act("dana", "treasury.expense.approved", {"expense": quick})
    assert status(community, quick) == "APPROVED"


def test_spending_without_approval_is_refused(community: Community) -> None:
    open_treasury(community)
    income(community, 10_000)
    draft = draft_expense(community, "finn", 1_000)
    assert community.refused("carol", "treasury.expense.paid", {"expense": draft}) == "not_approved"
    pending = pending_expense(community, "finn", 1_000)
    community.act("dana", "treasury.expense.approved", {"expense": pending})
    assert community.refused("erin", "treasury.expense.paid", {"expense": pending}) == (
        "not_approved"
    )
    # A member cannot move a fund's money with a transfer of their own, either.
    body = {"to": of(community, "finn"), "unit": "EUR", "amount": 1_000}
    assert community.refused("dana", "treasury.transfer.sent", body) == "insufficient_funds"
    assert held(community, "fund:garden") == 10_000


def test_a_treasurer_may_not_approve_or_pay_their_own_expense(community: Community) -> None:
    open_treasury(community)
    income(community, 10_000)
    own = pending_expense(community, "dana", 2_000)
    assert community.refused("dana", "treasury.expense.approved", {"expense": own}) == (
        "own_expense"
    )
    for_dana = pending_expense(community, "finn", 2_000, payee=community.did("dana"))
    assert community.refused("dana", "treasury.expense.approved", {"expense": for_dana}) == (
        "own_expense"
    )
    community.act("carol", "treasury.expense.approved", {"expense": own})
    community.act("erin", "treasury.expense.approved", {"expense": own})
    assert status(community, own) == "APPROVED"
    assert community.refused("dana", "treasury.expense.paid", {"expense": own}) == "own_expense"
    community.act("carol", "treasury.expense.paid", {"expense": own})
    assert status(community, own) == "PAID"


def test_approvals_are_by_treasurers_once_each(community: Community) -> None:
    open_treasury(community)
    expense = pending_expense(community, "finn", 500)
    assert community.refused("alice", "treasury.expense.approved", {"expense": expense}) == (
        "forbidden"  # a steward is not a treasurer
    )
    community.act("dana", "treasury.expense.approved", {"expense": expense})
    assert community.refused("dana", "treasury.expense.approved", {"expense": expense}) == (
        "already_approved"
    )


def test_paying_more_than_approved_is_refused(community: Community) -> None:
    open_treasury(community)
    income(community, 10_000)
    expense = approved_expense(community, "finn", 3_000)
    body = {"expense": expense, "amount": 3_001}
    assert community.refused("carol", "treasury.expense.paid", body) == "exceeds_approved"
    community.act("carol", "treasury.expense.paid", {"expense": expense, "amount": 2_900})
    assert held(community, "fund:garden") == 7_100
    again = {"expense": expense, "amount": 100}
    assert community.refused("carol", "treasury.expense.paid", again) == "not_approved"


def test_a_fund_pays_only_what_it_holds(community: Community) -> None:
    open_treasury(community)
    income(community, 1_000)
    expense = approved_expense(community, "finn", 1_500)
    assert community.refused("carol", "treasury.expense.paid", {"expense": expense}) == (
        "insufficient_funds"
    )
    income(community, 500)
    community.act("carol", "treasury.expense.paid", {"expense": expense})
    assert held(community, "fund:garden") == 0


def test_rejected_and_cancelled_expenses_are_final(community: Community) -> None:
    open_treasury(community)
    rejected = pending_expense(community, "finn", 700)
    community.act("dana", "treasury.expense.rejected", {"expense": rejected, "reason": "Not ours"})
    assert status(community, rejected) == "REJECTED"
    assert community.refused("erin", "treasury.expense.approved", {"expense": rejected}) == (
        "wrong_status"
    )
    cancelled = approved_expense(community, "finn", 700)
    assert community.refused("dana", "treasury.expense.cancelled", {"expense": cancelled}) == (
        "not_author"
    )
    community.act("finn", "treasury.expense.cancelled", {"expense": cancelled})
    assert status(community, cancelled) == "CANCELED"
    assert community.refused("carol", "treasury.expense.paid", {"expense": cancelled}) == (
        "not_approved"
    )


def test_bad_drafts_are_refused(community: Community) -> None:
    open_treasury(community)
    body = {"fund": "garden", "unit": "EUR", "amount": 100, "title": "x"}
    assert community.refused("finn", "treasury.expense.drafted", {**body, "fund": "moon"}) == (
        "unknown_fund"
    )
    assert community.refused("finn", "treasury.expense.drafted", {**body, "unit": "USD"}) == (
        "unknown_unit"
    )
    items = [{"title": "a", "amount": 60}, {"title": "b", "amount": 50}]
    assert community.refused("finn", "treasury.expense.drafted", {**body, "items": items}) == (
        "invalid_body"
    )
    assert community.refused("finn", "treasury.expense.drafted", {**body, "line": "seeds"}) == (
        "unknown_line"
    )
    assert community.refused("outsider", "treasury.expense.drafted", body) == "not_a_member"


OPEN_COLLECTIVE = json.loads(
    (find_vectors() / "mutual" / "workflows_opencollective_creditcommons.json").read_text()
)["open_collective_expense"]


def test_open_collectives_documented_paths(community: Community) -> None:
    """Our statuses are Open Collective's, spelled alike; every documented path between
    statuses we keep is walked by the events that make it, and ends where it says."""
    from commonweal.domain.treasury.expenses import STATUSES

    assert set(STATUSES) <= set(OPEN_COLLECTIVE["statuses"])
    open_treasury(community)
    income(community, 50_000)
    moves = {
        ("PENDING", "REJECTED"): [("dana", "treasury.expense.rejected", {"reason": "Not ours"})],
        ("PENDING", "APPROVED"): [
            ("dana", "treasury.expense.approved", {}),
            ("erin", "treasury.expense.approved", {}),
        ],
        ("APPROVED", "PAID"): [("carol", "treasury.expense.paid", {"evidence": evidence("bank")})],
    }
    paths = [p for p in OPEN_COLLECTIVE["documented_paths"] if set(p) <= set(STATUSES)]
    assert paths == [["PENDING", "REJECTED"], ["PENDING", "APPROVED", "PAID"]]
    for path in paths:
        expense = pending_expense(community, "finn", 900)
        for before, after in pairwise(path):
            assert status(community, expense) == before
            for name, event_type, extra in moves[before, after]:
                community.act(name, event_type, {"expense": expense, **extra})
            assert status(community, expense) == after
    assert_books_balance(community)
