"""Quadratic-funding rounds and conviction pools on a node: due events, refusals, replay."""

from __future__ import annotations

from typing import Any

from commonweal.domain.funding.quadratic import Contribution, aggregate, match, plain_subsidies
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services import funding as rounds
from tests.community import Community
from tests.governance import admit, close, draft, submit, to_voting, vote
from tests.mutual import FUNDS, books_balance, funded, held, later, pay_in, replays, run_due


def open_round(community: Community, **terms: Any) -> int:
    body = {
        "title": "Spring projects",
        "unit": "EUR",
        "pool": 100_000,
        "closes": later(community, days=14),
        "method": "plain",
        **terms,
    }
    return community.act("alice", "funding.round.opened", body).index


def enter(community: Community, name: str, round_id: int, title: str) -> int:
    body = {"round": round_id, "title": title}
    return community.act(name, "funding.project.entered", body).index


def give(community: Community, name: str, project: int, amount: int) -> None:
    community.act(name, "funding.contribution.made", {"project": project, "amount": amount})


def test_a_round_closes_with_the_matches_plain_qf_gives(community: Community) -> None:
    admit(community, "dana", "erin")
    funded(community, "alice", "bob", "carol", "dana", "erin")
    round_id = open_round(community)
    assert held(community, f"round:{round_id}") == 100_000  # the pool left alice's account
    assert held(community, "alice") == FUNDS - 100_000
    tanks = enter(community, "alice", round_id, "Rainwater tanks")
    shed = enter(community, "bob", round_id, "Bike shed")
    plan = [
        ("bob", tanks, 900),
        ("carol", tanks, 400),
        ("dana", tanks, 100),
        ("erin", tanks, 100),
        ("carol", shed, 2500),
        ("dana", shed, 100),
        ("erin", shed, 1),
    ]
    for name, project, amount in plan:
        give(community, name, project, amount)
    give(community, "carol", tanks, 500)  # contributions add up per contributor
    preview = rounds.round_view(community.node, round_id)
    assert preview["final"] is False
    community.clock.advance(days=14)
    assert run_due(community) == ["funding.round.closed"]
    closed = rounds.round_view(community.node, round_id)
    assert closed["status"] == "closed" and closed["final"] is True
    expected = match(
        plain_subsidies(
            aggregate(
                Contribution(community.did(n), str(p), a)
                for n, p, a in [*plan, ("carol", tanks, 500)]
            )
        ),
        100_000,
    )
    assert closed["result"]["matches"] == {
        str(tanks): expected.matches[str(tanks)],
        str(shed): expected.matches[str(shed)],
    }
    assert closed["result"] == preview["result"]
    assert closed["result"]["matched"] == expected.total
    # (√900+√900+√100+√100)² − 2000 = 4400 for the tanks; the shed's is smaller
    assert expected.matches[str(tanks)] == 4400 and not expected.saturated
    # the ledger: matches to the beneficiaries, the rest of the pool back to alice who gave it
    given = {tanks: 900 + 400 + 100 + 100 + 500, shed: 2500 + 100 + 1}
    assert held(community, f"round:{round_id}") == 0
    assert held(community, "alice") == FUNDS - expected.total + given[tanks] + 4400
    shed_match = expected.matches[str(shed)]
    assert held(community, "bob") == FUNDS - 900 + given[shed] + shed_match
    assert held(community, "carol") == FUNDS - 400 - 500 - 2500
    assert books_balance(community)
    assert run_due(community) == []
    assert replays(community)


def test_a_saturated_capped_round_pays_its_pool_exactly(community: Community) -> None:
    admit(community, "dana")
    funded(community, "alice", "bob", "carol", "dana")
    round_id = open_round(community, pool=1000, method="capped", cap=600)
    projects = [enter(community, "alice", round_id, f"Project {n}") for n in range(3)]
    for project, amounts in zip(projects, [(400, 900), (100, 100), (1, 4)], strict=True):
        for name, amount in zip(("bob", "carol"), amounts, strict=True):
            give(community, name, project, amount)
    give(community, "dana", projects[0], 1600)
    community.clock.advance(days=15)
    run_due(community)
    result = rounds.round_view(community.node, round_id)["result"]
    assert result["saturated"] is True and result["matched"] == 1000
    assert max(result["matches"].values()) == 600
    assert held(community, f"round:{round_id}") == 0  # the whole pool went to the projects
    contributed = 400 + 900 + 100 + 100 + 1 + 4 + 1600
    assert held(community, "alice") == FUNDS - 1000 + contributed + 1000
    assert books_balance(community)
    assert replays(community)


def test_a_pairwise_round_matches_less_for_a_pair_that_always_funds_together(
    community: Community,
) -> None:
    admit(community, "dana", "erin")
    funded(community, "alice", "bob", "carol", "dana", "erin")
    round_id = open_round(community, method="pairwise", m=100, spend_whole_pool=True)
    cosy, broad = (enter(community, "alice", round_id, t) for t in ("Cosy", "Broad"))
    other = enter(community, "alice", round_id, "Other")
    for project in (cosy, other):
        give(community, "bob", project, 400)
        give(community, "carol", project, 400)
    give(community, "dana", broad, 400)
    give(community, "erin", broad, 400)
    community.clock.advance(days=15)
    run_due(community)
    matches = rounds.round_view(community.node, round_id)["result"]["matches"]
    assert matches[str(broad)] > matches[str(cosy)]
    assert sum(matches.values()) == 100_000
    assert held(community, f"round:{round_id}") == 0


def test_round_refusals(community: Community) -> None:
    community.apply("erin")
    body = {
        "title": "x",
        "unit": "EUR",
        "pool": 10,
        "closes": later(community, days=1),
        "method": "plain",
    }
    admit(community, "dana")
    assert community.refused("dana", "funding.round.opened", body) == "forbidden"
    assert community.refused("alice", "funding.round.opened", body) == "unknown_unit"
    funded(community, "alice", "carol")
    assert community.refused("bob", "funding.round.opened", body) == "insufficient_funds"
    try:
        community.node.submit_as_node("funding.round.opened", body)
        raise AssertionError("the node opened a round with the treasury's money on its own")
    except Rejected as refused:
        assert refused.code == "forbidden"
    round_id = open_round(community, closes=later(community, days=1))
    project = enter(community, "bob", round_id, "Mine")
    assert (
        community.refused("bob", "funding.contribution.made", {"project": project, "amount": 5})
        == "own_project"
    )
    assert (
        community.refused("erin", "funding.contribution.made", {"project": project, "amount": 5})
        == "not_a_member"
    )
    assert (
        community.refused("dana", "funding.contribution.made", {"project": project, "amount": 5})
        == "insufficient_funds"
    )  # dana has paid nothing in
    assert (
        community.refused("erin", "funding.project.entered", {"round": round_id, "title": "x"})
        == "not_a_member"
    )
    assert (
        community.refused("carol", "funding.round.opened", {**body, "method": "capped"})
        == "invalid_body"
    )  # a capped round needs its cap
    community.clock.advance(days=1)
    assert (
        community.refused("carol", "funding.contribution.made", {"project": project, "amount": 5})
        == "deadline_passed"
    )
    wrong = {
        "round": round_id,
        "result": {"matches": {str(project): 10}, "matched": 10, "saturated": True},
    }
    try:
        community.node.submit_as_node("funding.round.closed", wrong)
        raise AssertionError("a wrong result was logged")
    except Rejected as refused:
        assert refused.code == "result_mismatch"
    run_due(community)
    assert (
        community.refused("carol", "funding.contribution.made", {"project": project, "amount": 5})
        == "round_closed"
    )


# -- conviction voting ------------------------------------------------------------------


def open_pool(community: Community, **params: Any) -> int:
    body = {"title": "Commons fund", "unit": "EUR", **params}
    return community.act("alice", "funding.pool.opened", body).index


def test_a_proposal_passes_when_its_conviction_reaches_the_threshold(
    community: Community,
) -> None:
    admit(community, "dana")
    funded(community, "bob")
    pool_id = open_pool(community)
    community.act("bob", "funding.pool.funded", {"pool": pool_id, "amount": 50_000})
    assert held(community, f"pool:{pool_id}") == 50_000
    ask = {"pool": pool_id, "title": "Seeds", "amount": 5_000}
    seeds = community.act("carol", "funding.proposal.submitted", ask).index
    for name in ("alice", "bob", "carol", "dana"):
        community.act(name, "funding.stake.set", {"proposal": seeds, "amount": 800})
    view = rounds.round_view(community.node, pool_id)["proposals"][0]
    assert view["conviction"] == 0 and view["threshold"] > 0
    wait = view["passes_in_periods"]
    assert wait is not None and 0 < wait < 500
    community.clock.advance(hours=wait - 1)
    assert run_due(community) == []  # one period short
    community.clock.advance(hours=1)
    assert run_due(community) == ["funding.proposal.executed"]
    passed = community.node.state.get("funding.proposals", seeds)
    assert passed["status"] == "executed" and passed["conviction"] >= passed["threshold"]
    pool = community.node.state.get("funding.pools", pool_id)
    assert pool["funds"] == 45_000 and pool["paid"] == 5_000 and pool["staked"] == 0
    assert held(community, f"pool:{pool_id}") == 45_000  # the ledger agrees with the pool
    assert held(community, "carol") == 5_000
    assert books_balance(community)
    assert community.node.state.get("funding.stakes", f"{pool_id} {community.did('bob')}") is None
    assert replays(community)


def test_stake_is_limited_and_moves_between_proposals(community: Community) -> None:
    funded(community, "bob")
    pool_id = open_pool(community, stake_per_member=100)
    community.act("bob", "funding.pool.funded", {"pool": pool_id, "amount": 1000})
    first = community.act(
        "carol", "funding.proposal.submitted", {"pool": pool_id, "title": "A", "amount": 10}
    ).index
    second = community.act(
        "carol", "funding.proposal.submitted", {"pool": pool_id, "title": "B", "amount": 10}
    ).index
    community.act("bob", "funding.stake.set", {"proposal": first, "amount": 70})
    assert community.refused("bob", "funding.stake.set", {"proposal": second, "amount": 31}) == (
        "over_stake"
    )
    community.act("bob", "funding.stake.set", {"proposal": first, "amount": 0})
    community.act("bob", "funding.stake.set", {"proposal": second, "amount": 100})
    mine = rounds.stakes(community.node, pool_id, community.did("bob"))
    assert mine["placed"] == 100 and mine["on"] == {str(second): 100}
    assert community.refused("bob", "funding.proposal.withdrawn", {"proposal": second}) == (
        "not_author"
    )
    community.act("carol", "funding.proposal.withdrawn", {"proposal": second})
    assert rounds.stakes(community.node, pool_id, community.did("bob"))["placed"] == 0
    assert community.refused("bob", "funding.stake.set", {"proposal": second, "amount": 5}) == (
        "proposal_closed"
    )
    try:
        community.node.submit_as_node("funding.proposal.executed", {"proposal": first})
        raise AssertionError("a proposal without conviction was paid")
    except Rejected as refused:
        assert refused.code == "too_early"
    assert replays(community)


def test_a_request_above_beta_of_the_funds_never_passes(community: Community) -> None:
    funded(community, "bob")
    pool_id = open_pool(community)
    community.act("bob", "funding.pool.funded", {"pool": pool_id, "amount": 1000})
    greedy = community.act(
        "carol", "funding.proposal.submitted", {"pool": pool_id, "title": "All", "amount": 500}
    ).index
    community.act("bob", "funding.stake.set", {"proposal": greedy, "amount": 1000})
    community.clock.advance(days=60)
    assert run_due(community) == []
    view = rounds.round_view(community.node, pool_id)["proposals"][0]
    assert view["threshold"] is None and view["passes_in_periods"] is None


def test_a_pool_in_an_undeclared_unit_or_without_the_money_is_refused(
    community: Community,
) -> None:
    body = {"title": "Commons fund", "unit": "EUR"}
    assert community.refused("alice", "funding.pool.opened", body) == "unknown_unit"
    funded(community)
    pool_id = open_pool(community)
    deposit = {"pool": pool_id, "amount": 10}
    assert community.refused("bob", "funding.pool.funded", deposit) == "insufficient_funds"
    assert community.node.state.get("funding.pools", pool_id)["funds"] == 0


def test_a_passed_proposal_matches_a_round_from_the_treasury(community: Community) -> None:
    """The treasury's money goes into a round only by a decision; what is left comes back."""
    funded(community, "alice", "bob", "carol")
    pay_in_node = {
        "to": "node",
        "unit": "EUR",
        "amount": 50_000,
        "source": "grant",
        "evidence": "sha256:" + "c" * 64,
    }
    community.node.submit_as_node("treasury.income.recorded", pay_in_node)
    action = {
        "type": "funding.round.open",
        "from": "node",
        "title": "Spring projects",
        "unit": "EUR",
        "pool": 40_000,
        "closes": later(community, days=20),
        "method": "plain",
    }
    proposal = draft(community, kind="spending", topic="money", actions=[action])
    submit(community, proposal)
    to_voting(community, proposal)
    for name in ("alice", "bob", "carol"):
        vote(community, name, proposal, {"choice": "yes"})
    assert close(community, proposal)["passed"] is True
    [round_id] = [r for r, record in community.node.state.items("funding.rounds")]
    record = community.node.state.get("funding.rounds", round_id)
    assert record["from"] == "node" and record["author"] == community.node.identity.key_did
    assert held(community, "node") == 10_000 and held(community, f"round:{round_id}") == 40_000
    tanks = enter(community, "alice", round_id, "Rainwater tanks")
    give(community, "bob", tanks, 100)
    give(community, "carol", tanks, 100)
    community.clock.advance(days=20)
    assert run_due(community) == ["funding.round.closed"]
    # (√100 + √100)² − 200 = 200 matched; the other 39,800 go back to the treasury
    assert held(community, "alice") == FUNDS + 200 + 200
    assert held(community, "node") == 10_000 + 39_800
    assert held(community, f"round:{round_id}") == 0
    assert books_balance(community) and replays(community)


def test_a_decided_round_the_treasury_cannot_cover_fails_and_moves_nothing(
    community: Community,
) -> None:
    funded(community, "alice")
    pay_in(community, "bob", 10)
    action = {
        "type": "funding.round.open",
        "from": "node",
        "title": "Too big",
        "unit": "EUR",
        "pool": 40_000,
        "closes": later(community, days=20),
        "method": "plain",
    }
    proposal = draft(community, kind="spending", topic="money", actions=[action])
    submit(community, proposal)
    to_voting(community, proposal)
    for name in ("alice", "bob", "carol"):
        vote(community, name, proposal, {"choice": "yes"})
    close(community, proposal)
    [execution] = community.node.state.get("governance.proposals", proposal)["executions"]
    assert execution["status"] == "failed" and "node holds only 0.00 EUR" in execution["reason"]
    assert not list(community.node.state.items("funding.rounds"))
    assert books_balance(community) and replays(community)


def _two_gifts_of_600(community: Community) -> int:
    admit(community, "dana")
    funded(community, "alice", "bob", "carol", "dana")
    round_id = open_round(community, pool=5000)
    project = enter(community, "alice", round_id, "Seed library")
    give(community, "bob", project, 600)
    give(community, "carol", project, 600)
    community.clock.advance(days=14)
    return round_id


def test_two_gifts_of_600_close_with_a_match_of_1200_in_full(community: Community) -> None:
    round_id = _two_gifts_of_600(community)
    assert run_due(community) == ["funding.round.closed"]
    closed = rounds.round_view(community.node, round_id)
    assert closed["result"]["matched"] == 1200
    assert replays(community)


def test_a_closing_logged_before_exact_subsidies_still_verifies(community: Community) -> None:
    # closings without "recount" were counted with rounded roots: 1,199 for 2 × 600
    round_id = _two_gifts_of_600(community)
    project = str(rounds.round_view(community.node, round_id)["projects"][0]["id"])
    old = {"matches": {project: 1199}, "matched": 1199, "saturated": False}
    exact = {"matches": {project: 1200}, "matched": 1200, "saturated": False}
    for refused in (
        {"round": round_id, "result": exact},  # the old recount gave 1199
        {"round": round_id, "result": old, "recount": 2},  # the exact one gives 1200
        {"round": round_id, "result": exact, "recount": 3},  # no such recount
    ):
        try:
            community.node.submit_as_node("funding.round.closed", refused)
            raise AssertionError(f"logged {refused}")
        except Rejected as rejected:
            assert rejected.code in {"result_mismatch", "invalid_body"}
    community.node.submit_as_node("funding.round.closed", {"round": round_id, "result": old})
    assert rounds.round_view(community.node, round_id)["result"]["matched"] == 1199
    assert replays(community)
