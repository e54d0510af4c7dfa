"""Builders for treasury and mutual-credit tests: units, funds, treasurers, expenses moved along."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from commonweal.domain.treasury.ledger import balance, balances_in
from commonweal.node.kernel.service import Receipt
from tests.community import Community
from tests.governance import admit

TREASURERS = ("carol", "dana", "erin")
"""carol is a founding steward who is also a treasurer; dana and erin are treasurers only."""
UNITS = (
    {"code": "EUR", "name": "Euro", "exponent": 2, "kind": "fiat"},
    {"code": "HOUR", "name": "Hour", "exponent": 2, "kind": "hours"},
)


def evidence(text: str) -> str:
    """The digest of a receipt document (the document stays off the log)."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def as_node(community: Community, event_type: str, body: dict[str, Any]) -> Receipt:
    """An event the node signs itself (setup, or what a passed proposal executes)."""
    return community.node.submit_as_node(event_type, body)


def open_treasury(
    community: Community,
    *,
    approvals: int = 2,
    funds: Iterable[str] = ("garden", "roof"),
    members: Iterable[str] = ("dana", "erin", "finn"),
) -> None:
    """Declare EUR and HOUR, open funds, set the policy, admit members, name the treasurers."""
    for unit in UNITS:
        as_node(community, "treasury.unit.declared", dict(unit))
    for fund in funds:
        as_node(community, "treasury.fund.opened", {"fund": fund, "title": fund.title()})
    as_node(community, "treasury.policy.set", {"approvals_required": approvals})
    admit(community, *members)
    for name in TREASURERS:
        grant(community, name, "treasurer")


def grant(community: Community, name: str, role: str) -> None:
    """A steward grants ``name`` a role."""
    community.act("alice", "membership.role.granted", {"member": community.did(name), "role": role})


def income(
    community: Community, amount: int, *, to: str = "fund:garden", unit: str = "EUR"
) -> Receipt:
    """carol, a treasurer, records a donation with its evidence's digest."""
    body = {
        "to": to,
        "unit": unit,
        "amount": amount,
        "source": "donation",
        "evidence": evidence(f"bank statement line {amount}"),
    }
    return community.act("carol", "treasury.income.recorded", body)


def draft_expense(
    community: Community,
    name: str,
    amount: int,
    *,
    fund: str = "garden",
    unit: str = "EUR",
    title: str = "Seeds and compost",
    **extra: Any,
) -> int:
    """``name`` drafts an expense; its id is the receipt's index."""
    body = {"fund": fund, "unit": unit, "amount": amount, "title": title, **extra}
    return community.act(name, "treasury.expense.drafted", body).index


def pending_expense(community: Community, name: str, amount: int, **extra: Any) -> int:
    """Draft and submit an expense."""
    expense = draft_expense(community, name, amount, **extra)
    community.act(name, "treasury.expense.submitted", {"expense": expense})
    return expense


def approved_expense(
    community: Community,
    name: str,
    amount: int,
    approvers: Iterable[str] = ("dana", "erin"),
    **extra: Any,
) -> int:
    """An expense approved by ``approvers``."""
    expense = pending_expense(community, name, amount, **extra)
    for approver in approvers:
        community.act(approver, "treasury.expense.approved", {"expense": expense})
    return expense


def status(community: Community, expense: int) -> str:
    """The expense's status."""
    return str(community.node.state.get("treasury.expenses", expense)["status"])


def held(community: Community, account: str, unit: str = "EUR") -> int:
    """The balance of ``account``."""
    return balance(community.node.state, account, unit)


def of(community: Community, name: str) -> str:
    """The member account of ``name``."""
    return "member:" + community.did(name)


def assert_books_balance(community: Community) -> None:
    """Every unit's balances sum to zero."""
    for unit in UNITS:
        assert sum(v for _a, v in balances_in(community.node.state, unit["code"])) == 0
