"""Mutual credit on a node: limits per member and per role, obligations, clearing, demurrage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from commonweal.domain.catalog import default_registry
from commonweal.domain.credit.clearing import claim_of
from commonweal.domain.credit.demurrage import charge, daily_factor
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import credit
from tests.community import Community
from tests.treasury import as_node, assert_books_balance, held, of, open_treasury

GAMMA_64X64 = 18443079296116538654
"""Circles v2's published daily demurrage factor (7 % a year) in 64.64 fixed point."""


def credit_circle(community: Community, **policy: Any) -> None:
    """HOUR runs as mutual credit: -20 hours by default, treasurers -30, finn -5 and at most +10."""
    open_treasury(community)
    limits = {
        "default": {"min": -2_000},
        "roles": {"treasurer": {"min": -3_000, "max": 50_000}},
        "members": {community.did("finn"): {"min": -500, "max": 1_000}},
    }
    as_node(community, "credit.policy.set", {"unit": "HOUR", "limits": limits, **policy})


def pay(community: Community, payer: str, payee: str, amount: int) -> dict[str, Any]:
    return {"to": of(community, payee), "unit": "HOUR", "amount": amount, "memo": f"{payer} pays"}


def test_members_pay_into_negative_balances_within_their_limits(community: Community) -> None:
    credit_circle(community)
    community.act("alice", "treasury.transfer.sent", pay(community, "alice", "bob", 2_000))
    assert held(community, of(community, "alice"), "HOUR") == -2_000
    assert community.refused("alice", "treasury.transfer.sent", pay(community, "a", "bob", 1)) == (
        "credit_limit"
    )
    # A treasurer's role limit is more generous; finn's own limit is tighter, with a ceiling.
    community.act("dana", "treasury.transfer.sent", pay(community, "dana", "finn", 1_000))
    assert held(community, of(community, "dana"), "HOUR") == -1_000
    assert community.refused("dana", "treasury.transfer.sent", pay(community, "d", "finn", 1)) == (
        "credit_ceiling"
    )
    community.act("finn", "treasury.transfer.sent", pay(community, "finn", "bob", 1_500))
    assert held(community, of(community, "finn"), "HOUR") == -500
    assert community.refused("finn", "treasury.transfer.sent", pay(community, "f", "bob", 1)) == (
        "credit_limit"
    )
    assert_books_balance(community)


def test_a_credit_policy_runs_only_on_hours_or_a_community_currency(community: Community) -> None:
    open_treasury(community)
    with pytest.raises(Rejected) as refusal:
        as_node(community, "credit.policy.set", {"unit": "EUR", "limits": {"default": {"min": -1}}})
    assert refusal.value.code == "not_credit_unit"
    policy = {"unit": "HOUR", "limits": {"default": {"min": -1}}}
    assert community.refused("alice", "credit.policy.set", policy) == "forbidden"
    bad = {**policy, "limits": {"default": {"min": 5}}}
    assert community.refused("alice", "credit.policy.set", bad) == "invalid_body"


NAMES = {"10": "dana", "20": "erin", "30": "finn", "40": "bob"}


def test_the_mtcs_vector_cleared_through_the_log(community: Community, vectors_dir: Path) -> None:
    credit_circle(community)
    document = json.loads(
        (vectors_dir / "mutual" / "mutual_credit_mtcs_micro_example.json").read_text()
    )
    ids = {}
    for o in document["obligations"]:
        body = {
            "creditor": community.did(NAMES[o["creditor"]]),
            "unit": "HOUR",
            "amount": o["amount"],
        }
        ids[str(o["id"])] = community.act(
            NAMES[o["debtor"]], "credit.obligation.recorded", body
        ).index
    claim = claim_of(community.node.state, "HOUR")
    wrong = {**claim, "setoffs": claim["setoffs"][:1]}
    assert community.refused("alice", "credit.clearing.completed", wrong) == "clearing_mismatch"
    receipt = community.act("alice", "credit.clearing.completed", claim)
    expected = document["expected"]
    for vector_id, oid in ids.items():
        record = community.node.state.get("credit.obligations", oid)
        assert record["cleared"] == expected["setoff_by_obligation"][vector_id]
        assert record["open"] == expected["remainder_by_obligation"][vector_id]
    clearing = community.node.state.get("credit.clearings", receipt.index)
    assert (clearing["debt_before"], clearing["debt_after"], clearing["cleared"]) == (
        expected["total_debt_before"],
        expected["total_debt_after"],
        expected["cleared"],
    )
    assert community.refused("alice", "credit.clearing.completed", claim) == "clearing_mismatch"
    empty = claim_of(community.node.state, "HOUR")
    assert community.refused("alice", "credit.clearing.completed", empty) == "nothing_to_clear"
    assert verify_log(
        community.node.store, default_registry(), compare_with=community.node.store
    ).ok


def test_obligations_are_settled_by_the_debtor_and_forgiven_by_the_creditor(
    community: Community,
) -> None:
    credit_circle(community)
    body = {"creditor": community.did("erin"), "unit": "HOUR", "amount": 1_200, "memo": "Plumbing"}
    debt = community.act("dana", "credit.obligation.recorded", body).index
    assert community.refused("erin", "credit.obligation.settled", {"obligation": debt}) == (
        "not_author"
    )
    community.act("dana", "credit.obligation.settled", {"obligation": debt, "amount": 1_000})
    assert held(community, of(community, "dana"), "HOUR") == -1_000
    assert held(community, of(community, "erin"), "HOUR") == 1_000
    too_much = {"obligation": debt, "amount": 300}
    assert community.refused("dana", "credit.obligation.settled", too_much) == "exceeds_open"
    assert community.refused("dana", "credit.obligation.forgiven", {"obligation": debt}) == (
        "not_author"
    )
    community.act("erin", "credit.obligation.forgiven", {"obligation": debt})
    record = community.node.state.get("credit.obligations", debt)
    assert (record["open"], record["settled"], record["forgiven"], record["status"]) == (
        0,
        1_000,
        200,
        "closed",
    )
    assert community.refused("dana", "credit.obligation.settled", {"obligation": debt}) == "closed"
    own = {"creditor": community.did("dana"), "unit": "HOUR", "amount": 1}
    assert community.refused("dana", "credit.obligation.recorded", own) == "same_account"


def test_the_daily_factor_is_circles_published_constant(vectors_dir: Path) -> None:
    document = json.loads(
        (vectors_dir / "mutual" / "circles_ubi_parameters_and_examples.json").read_text()
    )
    assert daily_factor("7/100") == GAMMA_64X64
    assert str(GAMMA_64X64) in document["v2"]["demurrage"]
    balance = 100 * 10**8  # 100 CRC in a unit with exponent 8
    for days, key in ((1, "100_after_1_day"), (7, "100_after_7_days"), (365, "100_after_365_days")):
        exact = document["v2"]["examples"][key] * 10**8
        kept = balance - charge(balance, GAMMA_64X64, days)
        assert exact <= kept < exact + 1  # the charge is the exact one, rounded down


def test_demurrage_moves_positive_balances_to_the_fund(community: Community) -> None:
    demurrage = {"rate": "7/100", "period_days": 30, "account": "fund:garden"}
    credit_circle(community, demurrage=demurrage)
    community.act("dana", "treasury.transfer.sent", pay(community, "dana", "erin", 3_000))
    community.clock.advance(days=29)
    with pytest.raises(Rejected) as early:
        as_node(community, "credit.demurrage.charged", {"unit": "HOUR", "days": 30})
    assert early.value.code == "too_early"
    community.clock.advance(days=1)
    receipts = credit.run_due(community.node)
    assert len(receipts) == 1
    expected = charge(3_000, daily_factor("7/100"), 30)
    assert expected == 17  # 0.57 % of 30.00 hours, rounded down
    assert held(community, of(community, "erin"), "HOUR") == 3_000 - expected
    assert held(community, "fund:garden", "HOUR") == expected
    assert held(community, of(community, "dana"), "HOUR") == -3_000  # debts do not shrink
    assert credit.run_due(community.node) == []
    assert_books_balance(community)
    assert verify_log(
        community.node.store, default_registry(), compare_with=community.node.store
    ).ok


def test_the_clearing_preview_follows_the_log(community: Community) -> None:
    """The preview is computed once per log size, and every new event is taken in."""
    credit_circle(community)

    def owe(debtor: str, creditor: str, amount: int) -> None:
        body = {"creditor": community.did(creditor), "unit": "HOUR", "amount": amount}
        community.act(debtor, "credit.obligation.recorded", body)

    owe("alice", "bob", 300)
    owe("bob", "carol", 300)
    first = credit.clearing_preview(community.node, "HOUR")
    assert (first["debt_before"], first["cleared"]) == (600, 0)  # no cycle yet
    first["claim"]["setoffs"].append("changed by the caller")  # a caller's copy
    assert credit.clearing_preview(community.node, "HOUR")["claim"]["setoffs"] == []
    owe("carol", "alice", 200)
    after = credit.clearing_preview(community.node, "HOUR")
    assert (after["debt_before"], after["cleared"], after["debt_after"]) == (800, 600, 200)
    assert after["claim"] == claim_of(community.node.state, "HOUR")
