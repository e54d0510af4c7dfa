"""Campaigns on a node: pledges, deadlines by receipt time, closing, refunds, refusals."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonweal.node.services import campaigns
from tests.community import Community
from tests.governance import admit
from tests.mutual import (
    FUNDS,
    books_balance,
    funded,
    held,
    later,
    launch,
    pay_in,
    pledge,
    replays,
    run_due,
)

CAMPAIGNS = "campaigns.campaigns"


def record(community: Community, campaign: int) -> dict[str, Any]:
    found: dict[str, Any] = community.node.state.get(CAMPAIGNS, campaign)
    return found


def pledges(community: Community, campaign: int) -> dict[str, dict[str, Any]]:
    table = f"campaigns.pledges.{campaign}"
    return {community_name(community, did): row for did, row in community.node.state.items(table)}


def community_name(community: Community, did: object) -> str:
    return next(n for n in community.events.keys if community.did(n) == did)


def test_an_all_or_nothing_campaign_that_meets_its_goal_collects(community: Community) -> None:
    admit(community, "dana")
    funded(community, "alice", "bob", "carol", "dana")
    campaign = launch(community, goal=1000)
    pledge(community, "bob", campaign, 600)
    pledge(community, "carol", campaign, 300)
    assert record(community, campaign)["reached_at"] is None
    pledge(community, "dana", campaign, 100)
    pledge(community, "bob", campaign, 50)  # pledges add up
    assert record(community, campaign)["reached_at"] is not None
    assert run_due(community) == []  # the deadline has not passed
    community.clock.advance(days=30)
    assert run_due(community) == ["campaigns.campaign.closed"]
    closed = record(community, campaign)
    assert closed["status"] == "succeeded" and closed["total"] == 1050
    assert closed["outcome"] == {"collected": 1050, "refunded": 0, "bonuses": 0}
    # the ledger: the pledges left their pledgers' accounts and reached the beneficiary's
    assert held(community, "alice") == FUNDS + 1050
    assert held(community, "bob") == FUNDS - 650
    assert held(community, f"campaign:{campaign}") == 0
    assert books_balance(community)
    rows = pledges(community, campaign)
    assert rows["bob"]["collected"] == 650 and rows["bob"]["held"] == 0
    assert {r["status"] for r in rows.values()} == {"collected"}
    view = campaigns.campaign_view(community.node, campaign)
    assert view["owed"]["collected"] == 1050
    assert view["owed"]["beneficiary"] == f"member:{community.did('alice')}"
    assert run_due(community) == []
    assert replays(community)


def test_a_campaign_that_misses_its_goal_refunds_everyone_exactly(community: Community) -> None:
    funded(community, "bob", "carol")
    campaign = launch(community, goal=1000)
    pledge(community, "bob", campaign, 400)
    pledge(community, "carol", campaign, 250)
    community.act("carol", "campaigns.pledge.withdrawn", {"campaign": campaign})
    pledge(community, "carol", campaign, 100)
    assert held(community, f"campaign:{campaign}") == 500  # held in escrow until the deadline
    assert held(community, "carol") == FUNDS - 100
    community.clock.advance(days=31)
    assert run_due(community) == ["campaigns.campaign.closed"]
    assert record(community, campaign)["status"] == "failed"
    assert held(community, "bob") == held(community, "carol") == FUNDS
    assert held(community, f"campaign:{campaign}") == 0
    rows = pledges(community, campaign)
    assert rows["bob"] | {"first_at": "", "last_at": ""} == {
        "pledged": 400,
        "held": 0,
        "withdrawn": 0,
        "refunded": 400,
        "collected": 0,
        "bonus": 0,
        "status": "refunded",
        "first_at": "",
        "last_at": "",
    }
    assert rows["carol"]["pledged"] == 350 and rows["carol"]["withdrawn"] == 250
    assert rows["carol"]["refunded"] == 100
    postings = campaigns.postings(community.node, campaign)
    assert postings["final"] is True
    assert sorted((p["destination"], p["amount"]) for p in postings["postings"]) == sorted(
        [(f"member:{community.did('bob')}", 400), (f"member:{community.did('carol')}", 100)]
    )
    assert replays(community)


def test_a_dominant_assurance_contract_pays_the_bonus_on_failure(community: Community) -> None:
    admit(community, "dana")
    funded(community, "alice", "bob", "carol", "dana")
    campaign = launch(
        community, kind="dominant_assurance", goal=800, price=80, bonus=5, title="Street mural"
    )
    # the author escrows the most the bonuses can cost: 5 for each of at most 9 pledgers
    assert held(community, f"campaign:{campaign}") == 45
    assert held(community, "alice") == FUNDS - 45
    for name in ("bob", "carol", "dana"):
        pledge(community, name, campaign, 80)
    assert community.refused("bob", "campaigns.pledge.made", _pledge(community, campaign, 80)) == (
        "already_pledged"
    )
    assert community.refused(
        "alice", "campaigns.pledge.made", _pledge(community, campaign, 70)
    ) == ("wrong_amount")
    community.clock.advance(days=30)
    run_due(community)
    closed = record(community, campaign)
    assert closed["status"] == "failed"
    assert closed["outcome"] == {"collected": 0, "refunded": 240, "bonuses": 15}
    for row in pledges(community, campaign).values():
        assert row["refunded"] == row["pledged"] == 80 and row["bonus"] == 5
    final = campaigns.postings(community.node, campaign)["postings"]
    bonuses = [p for p in final if p["memo"].endswith("refund bonus")]
    assert len(bonuses) == 3 and {p["source"] for p in bonuses} == {f"campaign:{campaign}"}
    # each pledger is refunded and paid the bonus; the author pays 3 bonuses, no more
    for name in ("bob", "carol", "dana"):
        assert held(community, name) == FUNDS + 5
    assert held(community, "alice") == FUNDS - 15
    assert held(community, f"campaign:{campaign}") == 0
    assert books_balance(community)
    assert replays(community)


def test_a_threshold_pledge_counts_people(community: Community) -> None:
    admit(community, "dana")
    campaign = launch(
        community,
        kind="threshold",
        title="Car-free Sundays",
        action="leave my car at home every Sunday in spring",
        threshold=3,
        unit=None,
        goal=None,
    )
    for name in ("alice", "bob"):
        pledge(community, name, campaign)
    assert community.refused("bob", "campaigns.pledge.made", _pledge(community, campaign)) == (
        "already_pledged"
    )
    assert (
        community.refused("carol", "campaigns.pledge.made", _pledge(community, campaign, 10))
        == "invalid_body"
    )
    pledge(community, "dana", campaign)
    assert record(community, campaign)["reached_at"] is not None
    community.clock.advance(days=30)
    run_due(community)
    assert record(community, campaign)["status"] == "succeeded"
    assert campaigns.postings(community.node, campaign)["postings"] == []
    assert replays(community)


def test_refusals(community: Community) -> None:
    community.apply("erin")  # an applicant, not a member
    funded(community, "bob", "carol")
    campaign = launch(community, deadline=later(community, days=2))
    assert community.refused("erin", "campaigns.pledge.made", _pledge(community, campaign, 5)) == (
        "not_a_member"
    )
    assert (
        community.refused("erin", "campaigns.campaign.launched", _terms(community))
        == "not_a_member"
    )
    remote = {"campaign": campaign, "home": "did:web:elsewhere.example", "amount": 5}
    assert community.refused("bob", "campaigns.pledge.made", remote) == "remote_campaign"
    assert community.refused("bob", "campaigns.pledge.made", _pledge(community, 9999, 5)) == (
        "not_found"
    )
    assert (
        community.refused(
            "bob",
            "campaigns.campaign.launched",
            _terms(community, deadline=later(community, days=-1)),
        )
        == "deadline_passed"
    )
    assert (
        community.refused(
            "bob",
            "campaigns.campaign.launched",
            _terms(community, deadline=later(community, days=400)),
        )
        == "deadline_too_far"
    )
    assert (
        community.refused("bob", "campaigns.campaign.cancelled", {"campaign": campaign})
        == "not_author"
    )
    assert (
        community.refused(
            "bob",
            "campaigns.campaign.closed",
            {"campaign": campaign, "outcome": "failed", "total": 0, "pledgers": 0},
        )
        == "forbidden"
    )
    assert (
        community.refused("bob", "campaigns.campaign.launched", _terms(community, unit="GBP"))
        == "unknown_unit"
    )  # a unit the node has not declared is refused at the launch
    assert (
        community.refused("alice", "campaigns.pledge.made", _pledge(community, campaign, 5))
        == "insufficient_funds"
    )  # alice has paid nothing in
    assert (
        community.refused("bob", "campaigns.pledge.made", _pledge(community, campaign, FUNDS + 1))
        == "insufficient_funds"
    )
    dac = {**_terms(community), "kind": "dominant_assurance", "goal": 100, "price": 10, "bonus": 1}
    assert community.refused("alice", "campaigns.campaign.launched", dac) == (
        "insufficient_funds"
    )  # the bonus reserve (9) must be there at the launch
    pledge(community, "bob", campaign, 10)
    community.clock.advance(days=2)
    # after the deadline, even before the node has closed it: refused by receipt time
    assert community.refused("carol", "campaigns.pledge.made", _pledge(community, campaign, 5)) == (
        "deadline_passed"
    )
    assert community.refused("bob", "campaigns.pledge.withdrawn", {"campaign": campaign}) == (
        "deadline_passed"
    )
    run_due(community)
    assert community.refused("carol", "campaigns.pledge.made", _pledge(community, campaign, 5)) == (
        "campaign_closed"
    )
    assert replays(community)


def test_the_node_cannot_misstate_an_outcome(community: Community) -> None:
    from commonweal.node.kernel.errors import Rejected

    funded(community, "bob")
    campaign = launch(community, deadline=later(community, days=1))
    pledge(community, "bob", campaign, 5)
    community.clock.advance(days=1)
    wrong = {"campaign": campaign, "outcome": "succeeded", "total": 5, "pledgers": 1}
    try:
        community.node.submit_as_node("campaigns.campaign.closed", wrong)
    except Rejected as refused:
        assert refused.code == "outcome_mismatch"
    else:
        raise AssertionError("a false outcome was logged")
    assert run_due(community) == ["campaigns.campaign.closed"]


def test_its_author_may_cancel_and_everyone_is_refunded(community: Community) -> None:
    funded(community, "alice", "bob")
    campaign = launch(community, kind="dominant_assurance", goal=500, price=100, bonus=10)
    pledge(community, "bob", campaign, 100)
    community.act("alice", "campaigns.campaign.cancelled", {"campaign": campaign, "reason": "x"})
    closed = record(community, campaign)
    assert closed["status"] == "cancelled" and closed["reason"] == "x"
    assert pledges(community, campaign)["bob"]["refunded"] == 100
    assert pledges(community, campaign)["bob"]["bonus"] == 10  # cancelling does not dodge it
    assert held(community, "bob") == FUNDS + 10 and held(community, "alice") == FUNDS - 10
    assert run_due(community) == []


def test_cancelling_after_the_goal_pays_bonuses_beyond_the_reserve(community: Community) -> None:
    funded(community, "alice", "bob", "carol")
    campaign = launch(community, kind="dominant_assurance", goal=200, price=100, bonus=7)
    assert held(community, f"campaign:{campaign}") == 7  # at most one pledger can fail
    pledge(community, "bob", campaign, 100)
    pledge(community, "carol", campaign, 100)
    community.act("alice", "campaigns.campaign.cancelled", {"campaign": campaign})
    # two bonuses: the reserve pays one, the author's own account the other
    assert held(community, "bob") == held(community, "carol") == FUNDS + 7
    assert held(community, "alice") == FUNDS - 14
    assert held(community, f"campaign:{campaign}") == 0
    assert books_balance(community) and replays(community)


# -- property: a refund restores every pledger exactly ----------------------------------

steps = st.lists(
    st.tuples(st.sampled_from(["bob", "carol", "alice"]), st.integers(0, 500)), max_size=12
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps, st.booleans())
def test_a_refund_restores_every_pledger_exactly(
    community: Community, plan: list[tuple[str, int]], cancel: bool
) -> None:
    """Any mix of pledges and withdrawals, then failure (or cancellation): every pledger's
    money is back — pledged = withdrawn + refunded, and their ledger balance is exactly
    what it was — and the escrow account is empty."""
    funded(community)
    before = {name: held(community, name) for name in ("alice", "bob", "carol")}
    for name in ("alice", "bob", "carol"):
        if before[name] < 500 * 12:
            pay_in(community, name, 500 * 12)
            before[name] += 500 * 12
    campaign = launch(community, goal=10**9)
    given_back: dict[str, int] = {}
    for name, amount in plan:
        if amount == 0:
            if community.node.state.get(f"campaigns.pledges.{campaign}", community.did(name)):
                row = community.node.state.get(f"campaigns.pledges.{campaign}", community.did(name))
                if row["status"] == "held":
                    community.act(name, "campaigns.pledge.withdrawn", {"campaign": campaign})
        else:
            pledge(community, name, campaign, amount)
        given_back[name] = given_back.get(name, 0) + amount
    if cancel:
        community.act("alice", "campaigns.campaign.cancelled", {"campaign": campaign})
    else:
        community.clock.advance(days=31)
        run_due(community)
    for name, row in pledges(community, campaign).items():
        assert row["held"] == 0 and row["collected"] == 0
        assert row["withdrawn"] + row["refunded"] == row["pledged"] == given_back[name]
    escrow = 0
    for row in pledges(community, campaign).values():
        escrow += row["pledged"] - row["withdrawn"] - row["refunded"]
    assert escrow == 0
    for name, amount in before.items():
        assert held(community, name) == amount
    assert held(community, f"campaign:{campaign}") == 0
    assert books_balance(community)


def _pledge(community: Community, campaign: int, amount: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"campaign": campaign, "home": community.node.identity.did}
    if amount is not None:
        body["amount"] = amount
    return body


def _terms(community: Community, **change: Any) -> dict[str, Any]:
    return {
        "kind": "all_or_nothing",
        "title": "T",
        "deadline": later(community, days=5),
        "unit": "EUR",
        "goal": 10,
        **change,
    }


def test_the_node_itself_can_be_the_beneficiary(community: Community) -> None:
    funded(community, "bob")
    campaign = launch(community, goal=100, beneficiary=community.node.identity.did)
    pledge(community, "bob", campaign, 100)
    preview = campaigns.postings(community.node, campaign)
    assert [p["destination"] for p in preview["on_success"]] == ["node"]
    community.clock.advance(days=30)
    run_due(community)
    assert campaigns.campaign_view(community.node, campaign)["owed"]["beneficiary"] == "node"
    assert held(community, "node") == 100  # the general treasury
    [entry] = [
        e
        for _i, e in community.node.state.items("treasury.entries")
        if e["type"] == "campaigns.campaign.closed"
    ]
    assert entry["kind"] == "campaign" and entry["ref"] == campaign
    assert entry["postings"] == [
        {"account": f"campaign:{campaign}", "amount": -100},
        {"account": "node", "amount": 100},
    ]


def test_a_failed_threshold_pledge_releases_its_pledgers(community: Community) -> None:
    campaign = launch(
        community, kind="threshold", action="plant a tree", threshold=10, unit=None, goal=None
    )
    pledge(community, "bob", campaign)
    community.clock.advance(days=30)
    run_due(community)
    assert record(community, campaign)["status"] == "failed"
    assert pledges(community, campaign)["bob"]["status"] == "released"
