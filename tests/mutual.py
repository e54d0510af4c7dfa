"""Builders for aid, campaign and funding tests: the books, members' money, posts, campaigns."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from commonweal.core.rfc3339 import format_utc
from commonweal.domain.catalog import default_registry
from commonweal.domain.treasury.ledger import balance, balances_in
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import campaigns
from commonweal.node.services import funding as rounds
from tests.community import Community

UNITS = (
    {"code": "EUR", "name": "Euro", "exponent": 2, "kind": "fiat"},
    {"code": "HOUR", "name": "Time-bank hour", "exponent": 2, "kind": "hours"},
    {"code": "RVC", "name": "River credit", "exponent": 2, "kind": "community"},
)
CREDIT = {"default": {"min": -5_000, "max": None}}
"""HOUR and RVC run as mutual credit: every member may go 50.00 below zero."""
FUNDS = 1_000_000
"""What :func:`funded` pays in for each member: 10,000.00 EUR."""


def open_books(community: Community) -> None:
    """The node declares EUR, a time bank in HOUR and the community credit RVC (once)."""
    open_node_books(community.node)


def open_node_books(node: Node, paid_in: Mapping[str, int] | None = None) -> None:
    """:func:`open_books` on a bare node, and EUR paid in for members (did → minor units)."""
    for unit in UNITS:
        if node.state.get("treasury.units", unit["code"]) is None:
            node.submit_as_node("treasury.unit.declared", dict(unit))
            if unit["kind"] != "fiat":
                node.submit_as_node("credit.policy.set", {"unit": unit["code"], "limits": CREDIT})
    for did, amount in (paid_in or {}).items():
        body = {
            "to": "member:" + did,
            "unit": "EUR",
            "amount": amount,
            "source": "bank_transfer",
            "evidence": "sha256:" + "b" * 64,
            "memo": "Paid in",
        }
        node.submit_as_node("treasury.income.recorded", body)


def pay_in(community: Community, name: str, amount: int) -> None:
    """``name`` pays EUR in: the node records it into their account, as a treasurer would."""
    open_node_books(community.node, {community.did(name): amount})


def funded(community: Community, *names: str, amount: int = FUNDS) -> None:
    """Open the books and pay ``amount`` EUR in for each of ``names``."""
    open_books(community)
    for name in names:
        pay_in(community, name, amount)


def account(community: Community, name: str) -> str:
    """The ledger account of member ``name``."""
    return "member:" + community.did(name)


def held(community: Community, name_or_account: str, unit: str = "EUR") -> int:
    """A member's (or any account's) balance in the ledger."""
    name = name_or_account
    target = name if ":" in name or name == "node" else account(community, name)
    return balance(community.node.state, target, unit)


def books_balance(community: Community) -> bool:
    """Every unit's balances sum to zero."""
    state = community.node.state
    return all(
        sum(v for _a, v in balances_in(state, str(code))) == 0
        for code, _u in state.items("treasury.units")
    )


def later(community: Community, **delta: float) -> str:
    """An RFC 3339 time ``delta`` after the community's clock."""
    return format_utc(community.clock() + timedelta(**delta))


def post(community: Community, name: str, kind: str = "request", **body: Any) -> int:
    """Post an aid request or offer; return its id."""
    fields = {"title": f"A {kind} by {name}", "category": "food", **body}
    return community.act(name, f"aid.{kind}.posted", fields).index


def launch(community: Community, name: str = "alice", **body: Any) -> int:
    """Launch a campaign (an all-or-nothing one of 1,000 EUR by default); return its id."""
    terms = {
        "kind": "all_or_nothing",
        "title": "Crowdfund the land",
        "deadline": later(community, days=30),
        "unit": "EUR",
        "goal": 1000,
        **body,
    }
    terms = {key: value for key, value in terms.items() if value is not None}
    return community.act(name, "campaigns.campaign.launched", terms).index


def pledge(community: Community, name: str, campaign: int, amount: int | None = None) -> None:
    """Pledge to a campaign of this node."""
    body: dict[str, Any] = {"campaign": campaign, "home": community.node.identity.did}
    if amount is not None:
        body["amount"] = amount
    community.act(name, "campaigns.pledge.made", body)


def run_due(community: Community) -> list[str]:
    """Let the node log whatever campaign and funding events are due; their types."""
    receipts = campaigns.run_due(community.node) + rounds.run_due(community.node)
    return [community.node.store.entry(r.index).type for r in receipts]  # type: ignore[union-attr]


def replays(community: Community) -> bool:
    """The projection built event by event equals the one rebuilt from the whole log."""
    node = community.node
    return verify_log(node.store, default_registry(), compare_with=node.store).ok
