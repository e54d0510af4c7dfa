"""Allocation rounds: a lottery anyone can re-draw, and rotation by who was served longest ago."""

from __future__ import annotations

import hashlib

import pytest

from commonweal.domain.commons import rounds
from commonweal.node.kernel.errors import Rejected
from tests.commons import at, record, register, run_due, verified
from tests.community import Community
from tests.governance import admit

ROUNDS, BOOKINGS = "commons.rounds", "commons.bookings"
GARDENERS = ("dana", "erin", "finn", "gus", "hal")


def open_round(community: Community, resource: int, *, closes_hours: float = 24) -> int:
    body = {
        "resource": resource,
        "start": at(community, hours=48),
        "end": at(community, days=200),
        "closes": at(community, hours=closes_hours),
        "note": "Spring and summer season",
    }
    return community.act("alice", "commons.round.opened", body).index


def enter(community: Community, round_id: int, *names: str) -> None:
    for name in names:
        community.act(name, "commons.round.entered", {"round": round_id})


def independent_draw(node_did: str, round_id: int, entrants: list[str]) -> list[str]:
    """The documented draw, written out again: seed from every entrant, then a ticket each."""
    seed_text = "|".join([node_did, f"commons-round:{round_id}", *sorted(entrants)])
    seed = hashlib.sha256(seed_text.encode()).hexdigest()
    return sorted(entrants, key=lambda d: hashlib.sha256(f"{seed}|{d}".encode()).digest())


def test_a_lottery_is_drawn_by_the_node_from_public_data(community: Community) -> None:
    admit(community, *GARDENERS)
    plots = register(community, title="Garden plots", kind="land", allocation="lottery", units=3)
    season = open_round(community, plots)
    enter(community, season, *GARDENERS)
    assert community.refused("dana", "commons.round.entered", {"round": season}) == (
        "already_entered"
    )
    assert run_due(community) == []  # entries are still open
    community.clock.advance(hours=24)
    assert community.refused("alice", "commons.round.entered", {"round": season}) == "round_closed"
    assert run_due(community) == ["commons.round.allocated"]
    dids = [community.did(n) for n in GARDENERS]
    expected = independent_draw(community.node.identity.did, season, dids)[:3]
    allocated = record(community, ROUNDS, season)
    assert [a["member"] for a in allocated["allocation"]] == expected
    assert [a["unit"] for a in allocated["allocation"]] == [1, 2, 3]
    won = [b for _k, b in community.node.state.items(BOOKINGS) if b["round"] == season]
    assert sorted(b["member"] for b in won) == sorted(expected)
    assert all(b["start"] == allocated["start"] for b in won)
    # each winner's booking is numbered by their own entry
    entries = dict(allocated["entries"])
    assert sorted(b["id"] for b in won) == sorted(entries[d] for d in expected)
    assert run_due(community) == []
    assert verified(community)


def test_the_node_cannot_log_any_other_allocation(community: Community) -> None:
    admit(community, *GARDENERS[:3])
    plots = register(community, title="Plots", kind="land", allocation="lottery", units=1)
    season = open_round(community, plots)
    enter(community, season, *GARDENERS[:3])
    node = community.node

    def allocation_refused(allocation: list[dict[str, object]]) -> str:
        with pytest.raises(Rejected) as refusal:
            node.submit_as_node(
                "commons.round.allocated", {"round": season, "allocation": allocation}
            )
        return refusal.value.code

    drawn = rounds.allocate(node.state, season, node.identity.did, at(community, hours=25))
    assert allocation_refused(drawn) == "too_early"
    community.clock.advance(hours=25)
    losers = [{"member": community.did(n), "unit": 1} for n in GARDENERS[:3]]
    for wrong in ([], [{**drawn[0], "unit": 2}], [*drawn, *drawn], *[[x] for x in losers]):
        if wrong != drawn:
            assert allocation_refused(wrong) == "allocation_mismatch"
    body = {"round": season, "allocation": drawn}
    assert community.refused("dana", "commons.round.allocated", body) == "forbidden"
    assert run_due(community) == ["commons.round.allocated"]
    assert allocation_refused(drawn) == "already_allocated"


def test_rotation_serves_those_served_longest_ago_first(community: Community) -> None:
    admit(community, "dana", "erin", "finn")
    bike = register(community, title="Cargo bike", kind="vehicle", allocation="rotation")
    winners = []
    for _month in range(4):
        month = open_round(community, bike, closes_hours=1)
        enter(community, month, "finn", "erin", "dana")
        community.clock.advance(hours=1)
        run_due(community)
        (won,) = record(community, ROUNDS, month)["allocation"]
        winners.append(won["member"])
        community.clock.advance(days=200)
    names = {community.did(n): n for n in ("dana", "erin", "finn")}
    # never served first, in order of entry; then whoever was served longest ago
    assert [names[w] for w in winners] == ["finn", "erin", "dana", "finn"]
    assert verified(community)


def test_a_round_passes_over_those_who_lost_their_rights(community: Community) -> None:
    admit(community, "dana", "erin")
    plots = register(community, title="Plots", kind="land", allocation="lottery", units=5)
    season = open_round(community, plots)
    enter(community, season, "dana", "erin")
    community.act("erin", "membership.member.left")
    community.clock.advance(hours=24)
    run_due(community)
    assert [a["member"] for a in record(community, ROUNDS, season)["allocation"]] == [
        community.did("dana")
    ]


def test_who_may_open_and_enter_rounds(community: Community) -> None:
    admit(community, "dana")
    plots = register(community, title="Plots", kind="land", allocation="lottery", stewards=("bob",))
    room = register(community, title="Room")
    body = {
        "resource": plots,
        "start": at(community, hours=48),
        "end": at(community, days=9),
        "closes": at(community, hours=24),
    }
    assert community.refused("dana", "commons.round.opened", body) == "not_steward"
    assert community.refused("bob", "commons.round.opened", {**body, "resource": room}) == (
        "not_by_round"
    )
    late = {**body, "closes": at(community, hours=49)}
    assert community.refused("bob", "commons.round.opened", late) == "invalid_body"
    past = {**body, "closes": at(community, hours=-1)}
    assert community.refused("bob", "commons.round.opened", past) == "in_the_past"
    season = community.act("bob", "commons.round.opened", body).index
    assert community.refused("stranger", "commons.round.entered", {"round": season}) == (
        "not_a_member"
    )
    assert community.refused("dana", "commons.round.entered", {"round": 12345}) == "not_found"
