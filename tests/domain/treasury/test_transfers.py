"""Transfers: a member's own, and the ones a passed proposal decides; nobody else moves money."""

from __future__ import annotations

from typing import Any

import pytest

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.verify import verify_log
from tests.community import Community
from tests.governance import close, draft, submit, to_voting, vote
from tests.treasury import as_node, assert_books_balance, held, income, of, open_treasury


def transfer(to: str, amount: int, **extra: Any) -> dict[str, Any]:
    return {
        "type": "treasury.transfer",
        "from": "fund:garden",
        "to": to,
        "unit": "EUR",
        "amount": amount,
        **extra,
    }


def decide(community: Community, actions: list[dict[str, Any]], kind: str = "spending") -> int:
    """A proposal of ``kind`` carrying ``actions``, passed by the three founders."""
    proposal = draft(community, kind=kind, topic="money", actions=actions)
    submit(community, proposal)
    to_voting(community, proposal)
    for name in ("alice", "bob", "carol"):
        vote(community, name, proposal, {"choice": "yes"})
    assert close(community, proposal)["passed"] is True
    return proposal


def executions(community: Community, proposal: int) -> list[tuple[str, str]]:
    record = community.node.state.get("governance.proposals", proposal)
    return [(step["status"], step["reason"]) for step in record["executions"]]


def test_a_passed_spending_proposal_moves_money(community: Community) -> None:
    open_treasury(community)
    income(community, 30_000)
    proposal = decide(
        community,
        [
            transfer("fund:roof", 20_000, memo="Roof repairs, as agreed"),
            transfer(of(community, "finn"), 1_000, line="seeds"),
        ],
    )
    assert executions(community, proposal) == [("done", ""), ("done", "")]
    assert held(community, "fund:garden") == 9_000
    assert held(community, "fund:roof") == 20_000
    assert held(community, of(community, "finn")) == 1_000
    entries = [
        e for _i, e in community.node.state.items("treasury.entries") if e["kind"] == "decision"
    ]
    assert [e["type"] for e in entries] == ["governance.decision.executed"] * 2
    assert entries[0]["memo"] == "Roof repairs, as agreed" and entries[1]["line"] == "seeds"
    assert_books_balance(community)
    assert verify_log(
        community.node.store, default_registry(), compare_with=community.node.store
    ).ok


def test_a_decided_transfer_the_fund_cannot_cover_fails_and_moves_nothing(
    community: Community,
) -> None:
    open_treasury(community)
    income(community, 5_000)
    proposal = decide(community, [transfer("fund:roof", 6_000), transfer("fund:roof", 5_000)])
    status, reason = executions(community, proposal)[0]
    assert status == "failed" and "holds only 50.00 EUR" in reason
    assert executions(community, proposal)[1] == ("done", "")
    assert held(community, "fund:garden") == 0 and held(community, "fund:roof") == 5_000


def test_a_transfer_by_someone_without_rights_is_refused(community: Community) -> None:
    open_treasury(community)
    income(community, 5_000)
    # Only the spending kind may carry treasury transfers...
    body = {
        "kind": "decision",
        "topic": "money",
        "title": "Pay me",
        "text": "Please.",
        "actions": [transfer(of(community, "finn"), 5_000)],
    }
    assert community.refused("finn", "governance.proposal.drafted", body) == "action_not_allowed"
    # ...only the node executes decisions...
    forged = {"proposal": 0, "execution": 0}
    assert community.refused("finn", "governance.decision.executed", forged) == "forbidden"
    # ...a member's own transfer has no "from", and never goes outside the books...
    own = {"to": of(community, "finn"), "unit": "EUR", "amount": 10, "from": "fund:garden"}
    assert community.refused("dana", "treasury.transfer.sent", own) == "invalid_body"
    outside = {"to": "external", "unit": "EUR", "amount": 10}
    assert community.refused("dana", "treasury.transfer.sent", outside) == "invalid_body"
    # ...non-members and non-treasurers move nothing.
    mine = {"to": "fund:garden", "unit": "EUR", "amount": 10}
    assert community.refused("stranger", "treasury.transfer.sent", mine) == "not_a_member"
    recorded = {
        "to": "node",
        "unit": "EUR",
        "amount": 10,
        "source": "donation",
        "evidence": "sha256:" + "0" * 64,
    }
    assert community.refused("finn", "treasury.income.recorded", recorded) == "forbidden"
    assert community.refused("finn", "treasury.fund.opened", {"fund": "mine", "title": "M"}) == (
        "forbidden"
    )
    assert held(community, "fund:garden") == 5_000


def test_members_pay_each_other_from_their_own_accounts(community: Community) -> None:
    open_treasury(community)
    income(community, 2_000)
    decide(community, [transfer(of(community, "finn"), 2_000)])
    body = {"to": of(community, "dana"), "unit": "EUR", "amount": 1_500, "memo": "Bike repair"}
    community.act("finn", "treasury.transfer.sent", body)
    assert held(community, of(community, "finn")) == 500
    assert held(community, of(community, "dana")) == 1_500
    assert community.refused("finn", "treasury.transfer.sent", {**body, "amount": 501}) == (
        "insufficient_funds"
    )
    self_pay = {**body, "to": of(community, "finn"), "amount": 1}
    assert community.refused("finn", "treasury.transfer.sent", self_pay) == "same_account"
    gone = {**body, "to": of(community, "nobody"), "amount": 1}
    assert community.refused("finn", "treasury.transfer.sent", gone) == "not_a_member"
    community.act("finn", "treasury.transfer.sent", {**body, "to": "fund:roof", "amount": 500})
    assert held(community, "fund:roof") == 500
    assert_books_balance(community)


def test_units_are_declared_once_and_income_needs_evidence(community: Community) -> None:
    open_treasury(community)
    unit = {"code": "EUR", "name": "Euro again", "exponent": 2, "kind": "fiat"}
    with pytest.raises(Rejected) as refusal:
        as_node(community, "treasury.unit.declared", unit)
    assert refusal.value.code == "already_declared"
    no_evidence = {"to": "node", "unit": "EUR", "amount": 10, "source": "donation"}
    assert community.refused("carol", "treasury.income.recorded", no_evidence) == "invalid_body"
    wrong_unit = {**no_evidence, "unit": "GBP", "evidence": "sha256:" + "1" * 64}
    assert community.refused("carol", "treasury.income.recorded", wrong_unit) == "unknown_unit"
    to_member = {**wrong_unit, "unit": "EUR", "to": of(community, "finn")}
    community.act("carol", "treasury.income.recorded", to_member)  # a member pays money in
    assert held(community, of(community, "finn")) == 10
    to_self = {**to_member, "to": of(community, "carol")}
    assert community.refused("carol", "treasury.income.recorded", to_self) == "own_income"
    community.act("dana", "treasury.income.recorded", to_self)  # another treasurer records it
    to_escrow = {**to_member, "to": "campaign:3"}
    assert community.refused("carol", "treasury.income.recorded", to_escrow) == "invalid_body"
    transfer = {"to": "round:3", "unit": "EUR", "amount": 5}
    assert community.refused("finn", "treasury.transfer.sent", transfer) == "invalid_body"
    assert_books_balance(community)
