"""A pool's conviction history read back from the log agrees with 1Hive's vectors, with the
state at every stake change, and with what the node logs when it pays a proposal."""

from __future__ import annotations

import json
from typing import Any

from commonweal.node.read_models.funding_conviction import history
from commonweal.node.services import funding as rounds
from tests.community import Community
from tests.mutual import funded, replays, run_due
from tests.vectors import find_vectors

FOUNDERS = ("alice", "bob", "carol")


def vectors() -> dict[str, Any]:
    path = find_vectors() / "mutual" / "conviction_voting_1hive_vectors.json"
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def alpha_point_nine_pool(community: Community, stake_per_member: int) -> tuple[int, int]:
    """1Hive's test pool (α = 0.9, β = 0.2, ρ = 0.002, 20 % minimum) with 15,000 in funds and a
    request of 1,000; hourly periods. Returns (pool, proposal)."""
    funded(community, "bob")  # the pool's funds come from Bob's account in the ledger
    pool = community.act(
        "alice",
        "funding.pool.opened",
        {
            "title": "Vectors",
            "unit": "EUR",
            "decay": 9_000_000,
            "max_ratio": 2_000_000,
            "weight": 20_000,
            "min_share": 2_000_000,
            "period_seconds": 3600,
            "stake_per_member": stake_per_member,
        },
    ).index
    community.act("bob", "funding.pool.funded", {"pool": pool, "amount": 15_000})
    proposal = community.act(
        "carol", "funding.proposal.submitted", {"pool": pool, "title": "Tools", "amount": 1000}
    ).index
    return pool, proposal


def test_conviction_and_threshold_follow_the_published_vectors(community: Community) -> None:
    published = vectors()
    all_staked = next(
        v for v in published["vectors"] if v["name"] == "threshold_alpha_0.9_all_staked"
    )
    trajectory = published["derived_by_research_not_published"][
        "conviction_trajectory_alpha_0.9_x_45000"
    ]
    # Three members of 15,000 points each: 45,000 could be staked, and all of it is.
    pool, proposal = alpha_point_nine_pool(community, stake_per_member=15_000)
    for name in FOUNDERS:
        community.act(name, "funding.stake.set", {"proposal": proposal, "amount": 15_000})
    community.clock.advance(hours=3)

    curve = history(community.node, pool)[str(proposal)]
    by_period = {p["period"]: p for p in curve["points"]}
    for t in range(4):
        assert by_period[t]["conviction"] == int(trajectory[f"t{t}"])
    assert by_period[3]["threshold"] == all_staked["expected_contract"]  # 50,625
    view = rounds.round_view(community.node, pool)["proposals"][0]
    assert curve["points"][-1]["conviction"] == view["conviction"]
    assert curve["points"][-1]["threshold"] == view["threshold"]
    assert [p["period"] for p in curve["ahead"]] == [3]  # already enough: nothing ahead

    # Blocks to pass (derived): 2. The node pays it; the history ends at the payout with
    # the threshold it met, and the projection stays verifiable.
    assert run_due(community) == ["funding.proposal.executed"]
    paid = history(community.node, pool)[str(proposal)]
    assert paid["ahead"] == []
    assert paid["points"][-1]["threshold"] == all_staked["expected_contract"]
    assert paid["points"][-1]["conviction"] == int(trajectory["t3"])
    assert replays(community)


def test_every_stake_change_matches_the_state_at_that_moment(community: Community) -> None:
    vector = next(v for v in vectors()["vectors"] if v["name"] == "conviction_alpha_0.9")
    pool, proposal = alpha_point_nine_pool(community, stake_per_member=15_000)
    seen = []
    for name, amount, hours in (("alice", 15_000, 10), ("bob", 5_000, 2), ("alice", 0, 5)):
        community.act(name, "funding.stake.set", {"proposal": proposal, "amount": amount})
        record = community.node.state.get("funding.proposals", proposal)
        seen.append((record["period"], record["conviction"]))
        community.clock.advance(hours=hours)
    curve = history(community.node, pool)[str(proposal)]
    by_period = {p["period"]: p["conviction"] for p in curve["points"]}
    for period, level in seen:
        assert by_period[period] == level
    assert by_period[10] == vector["expected_contract"]  # 15,000 for ten periods: 97,698
    now = rounds.round_view(community.node, pool)["proposals"][0]
    assert by_period[max(by_period)] == now["conviction"]
    # It has passed already (nothing ahead to draw), and the node pays it.
    assert [p["conviction"] for p in curve["ahead"]] == [now["conviction"]]
    assert run_due(community) == ["funding.proposal.executed"]
    assert replays(community)


def test_a_request_that_cannot_pass_yet_is_drawn_until_it_settles(community: Community) -> None:
    pool, proposal = alpha_point_nine_pool(community, stake_per_member=15_000)
    big = community.act(
        "bob", "funding.proposal.submitted", {"pool": pool, "title": "Barn", "amount": 2900}
    ).index
    community.act("alice", "funding.stake.set", {"proposal": big, "amount": 1000})
    community.act("carol", "funding.stake.set", {"proposal": proposal, "amount": 200})
    community.clock.advance(hours=4)
    curves = history(community.node, pool)
    # 1,000 points: conviction tends to 10,000, far below the threshold for 2,900 of 15,000;
    # it is drawn until it has come within 2 % of that.
    ahead = curves[str(big)]["ahead"]
    assert ahead[0]["period"] == 4 and 9_800 <= ahead[-1]["conviction"] < 10_000
    assert all(p["threshold"] == ahead[0]["threshold"] for p in ahead)
    view = {p["id"]: p for p in rounds.round_view(community.node, pool)["proposals"]}
    assert ahead[0]["threshold"] == view[big]["threshold"] > 10_000
    assert view[big]["passes_in_periods"] is None
    assert run_due(community) == []
