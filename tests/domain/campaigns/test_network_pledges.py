"""Threshold pledges across nodes: Birch carries Aster's network campaign, its members
pledge there, Birch closes its copy with a recounted count and reports it, and Aster's
close counts it — in-process nodes that recognise each other directly."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import MAX_EVENT_BYTES, sign_event
from commonweal.core.keys import SigningKey
from commonweal.domain.campaigns import carried, closing, network
from commonweal.domain.errors import InvalidBody
from commonweal.domain.federation.recognition import GRANTED, WITHDRAWN_EVENT
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services import campaigns
from tests.builders import Clock
from tests.federation import Place, recognition_body
from tests.pledges import LAUNCHED, WITHDRAWN, Pair


@pytest.fixture
def pair(tmp_path: Path, clock: Clock) -> Iterator[Pair]:
    made = Pair(tmp_path, clock)
    yield made
    made.close()


def refused(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(Rejected) as error:
        call(*args, **kwargs)
    return error.value.code


def pledge_statuses(place: Place, record: dict[str, Any]) -> set[str]:
    return {
        row["status"] for _d, row in place.node.state.items(carried.pledges_table(record["id"]))
    }


def run(pair: Pair, *, report: bool) -> tuple[int, dict[str, Any]]:
    """2 pledgers at Aster and 1 at Birch to a campaign of threshold 3; Birch reports or not."""
    campaign = pair.launch()
    pair.carry(pair.birch, campaign)
    pair.pledge(pair.aster, "alice", campaign)
    pair.pledge(pair.aster, "bob", campaign)
    pair.pledge(pair.birch, "carol", campaign)
    pair.pledge(pair.birch, "dan", campaign)
    pair.birch.act("dan", WITHDRAWN, {"campaign": campaign, "home": pair.aster.did})
    assert pair.copy(pair.birch, campaign)["pledgers"] == 1
    pair.clock.advance(days=7)
    assert pair.close_copy(pair.birch, campaign) == [network.CARRIED_CLOSED]
    closed = pair.copy(pair.birch, campaign)
    assert (closed["status"], closed["pledgers"]) == (carried.CLOSED, 1)
    assert campaigns.run_due(pair.aster.node) == []  # Aster waits for the reports
    if report:
        pair.report(pair.birch, campaign)
        assert pair.record(campaign)["remote"] == {pair.birch.did: 1}
        assert pair.record(campaign)["reached_at"] is not None
    pair.clock.advance(seconds=600)
    assert [r.index for r in campaigns.run_due(pair.aster.node)]
    pair.settle(pair.birch, campaign)
    return campaign, pair.record(campaign)


def test_a_campaign_succeeds_because_of_the_other_nodes_pledgers(pair: Pair) -> None:
    campaign, record = run(pair, report=True)
    assert record["status"] == "succeeded"
    assert (record["pledgers"], record["remote"]) == (2, {pair.birch.did: 1})
    source = record["reports"][pair.birch.did]
    copy = pair.copy(pair.birch, campaign)
    assert (source["carried"], source["closed"]) == (copy["id"], copy["closed_index"])
    assert copy["status"] == carried.SETTLED and copy["outcome"] == "succeeded"
    assert pledge_statuses(pair.birch, copy) == {"binding", "withdrawn"}
    aster_rows = pair.aster.node.state.items(f"campaigns.pledges.{campaign}")
    assert {row["status"] for _d, row in aster_rows} == {"binding"}
    pair.verify_all()


def test_without_the_report_it_fails_and_every_pledge_is_released(pair: Pair) -> None:
    campaign, record = run(pair, report=False)
    assert record["status"] == "failed" and record["remote"] == {}
    copy = pair.copy(pair.birch, campaign)
    assert copy["outcome"] == "failed"
    assert pledge_statuses(pair.birch, copy) == {"released", "withdrawn"}
    pair.verify_all()


def test_refusals(pair: Pair) -> None:
    campaign = pair.launch()
    local = pair.launch(network_terms=False)
    # A pledge at a node that does not carry the campaign.
    assert refused(pair.pledge, pair.birch, "carol", campaign) == "remote_campaign"
    # A local campaign is not carried; nor is one carried twice.
    assert refused(pair.carry, pair.birch, local) == "not_network"
    pair.carry(pair.birch, campaign)
    assert refused(pair.carry, pair.birch, campaign) == "already_carried"
    pair.pledge(pair.birch, "carol", campaign)
    assert refused(pair.pledge, pair.birch, "carol", campaign) == "already_pledged"
    assert refused(pair.pledge, pair.birch, "stranger", campaign) == "not_a_member"
    # Birch's closing must be the recount, and no earlier than the deadline.
    copy = pair.copy(pair.birch, campaign)
    # (the count must be the number of members named; and carol pledged, not dan)
    miscounted = {"home": pair.aster.did, "campaign": campaign, "pledgers": 5, "members": []}
    assert refused(pair.birch.node.submit_as_node, network.CARRIED_CLOSED, miscounted) == (
        "invalid_body"
    )
    dan = [pair.birch.member("dan")]
    forged = {"home": pair.aster.did, "campaign": campaign, "pledgers": 1, "members": dan}
    assert refused(pair.birch.node.submit_as_node, network.CARRIED_CLOSED, forged) == "too_early"
    # Cedar carries it too (it recognises Aster), but Aster does not recognise Cedar.
    pair.carry(pair.cedar, campaign)
    pair.pledge(pair.cedar, "alice", campaign)
    pair.clock.advance(days=7)
    assert refused(pair.pledge, pair.birch, "dan", campaign) == "deadline_passed"
    assert refused(pair.birch.node.submit_as_node, network.CARRIED_CLOSED, forged) == (
        "outcome_mismatch"
    )
    campaigns.run_due(pair.birch.node)
    campaigns.run_due(pair.cedar.node)
    assert refused(pair.report, pair.cedar, campaign) == "not_recognized"
    # A report for a campaign that is not a network one, and one naming another log.
    assert refused(pair.report, pair.birch, campaign, campaign=local) == "not_network"
    other_log = {"origin": "elsewhere.example/log", "carried": copy["id"], "closed": 1}
    assert refused(pair.report, pair.birch, campaign, source=other_log) == "wrong_log"
    pair.report(pair.birch, campaign)
    assert refused(pair.report, pair.birch, campaign) == "already_reported"
    # Birch settles only by the home's close, once.
    pair.clock.advance(seconds=600)
    campaigns.run_due(pair.aster.node)
    assert pair.record(campaign)["status"] == "failed"  # 0 at Aster + 1 at Birch < 3
    pair.settle(pair.birch, campaign)
    assert refused(pair.settle, pair.birch, campaign) == "already_settled"
    pair.verify_all()


def test_a_report_after_the_window_is_refused(pair: Pair) -> None:
    campaign = pair.launch()
    pair.carry(pair.birch, campaign)
    pair.pledge(pair.birch, "carol", campaign)
    pair.clock.advance(days=7)
    campaigns.run_due(pair.birch.node)
    pair.clock.advance(seconds=600)  # the reporting time is over, Aster has not closed yet
    assert refused(pair.report, pair.birch, campaign) == "campaign_closed"
    assert closing.due(pair.aster.node.state, pair.later()) == [campaign]
    pair.verify_all()


def test_a_withdrawn_recognition_stops_pledges_and_carrying(pair: Pair) -> None:
    campaign = pair.launch()
    pair.carry(pair.birch, campaign)
    pair.birch.act("alice", WITHDRAWN_EVENT, {"node": pair.aster.did})
    assert refused(pair.pledge, pair.birch, "carol", campaign) == "not_recognized"
    other = pair.launch()
    assert refused(pair.carry, pair.birch, other) == "not_recognized"
    pair.verify_all()


def test_old_launch_bodies_stay_local(pair: Pair) -> None:
    campaign = pair.launch(network_terms=False)
    record = pair.record(campaign)
    assert (record["network"], record["report_seconds"]) == (False, None)
    body = {
        "kind": "threshold",
        "title": "T",
        "action": "a",
        "threshold": 2,
        "deadline": pair.later(days=1),
        "report_seconds": 600,
    }
    assert refused(pair.aster.act, "alice", LAUNCHED, body) == "invalid_body"
    body.update(network=True, report_seconds=30)
    assert refused(pair.aster.act, "alice", LAUNCHED, body) == "invalid_body"
    body.update(kind="all_or_nothing", unit="EUR", goal=10, report_seconds=600)
    del body["action"], body["threshold"]
    assert refused(pair.aster.act, "alice", LAUNCHED, body) == "invalid_body"


def test_a_cancellation_at_home_releases_the_pledges_carried(pair: Pair) -> None:
    campaign = pair.launch()
    pair.carry(pair.birch, campaign)
    pair.pledge(pair.birch, "carol", campaign)
    cancelled = pair.aster.act(
        "alice", "campaigns.campaign.cancelled", {"campaign": campaign, "reason": "rain"}
    )
    assert pair.record(campaign)["closed_index"] == cancelled.index
    body = pair.settle(pair.birch, campaign)  # before the deadline: the copy was open
    assert body["outcome"] == "cancelled"
    copy = pair.copy(pair.birch, campaign)
    assert copy["status"] == carried.SETTLED
    assert pledge_statuses(pair.birch, copy) == {"released"}
    assert refused(pair.pledge, pair.birch, "dan", campaign) == "campaign_closed"
    pair.clock.advance(days=7)
    assert campaigns.run_due(pair.birch.node) == []  # a settled copy is not closed again
    pair.verify_all()


def test_interim_counts_are_shown_but_only_final_reports_count(pair: Pair) -> None:
    campaign = pair.launch(threshold=2)
    pair.carry(pair.birch, campaign)
    pair.progress(pair.birch, campaign, 5)  # an interim count, however large
    pair.progress(pair.birch, campaign, 7)  # replaced by the next
    record = pair.record(campaign)
    assert record["progress"][pair.birch.did]["pledgers"] == 7
    assert record["remote"] == {} and record["reached_at"] is None
    assert refused(pair.progress, pair.cedar, campaign, 1) == "not_recognized"
    local = pair.launch(network_terms=False)
    assert refused(pair.progress, pair.birch, local, 1) == "not_network"
    pair.clock.advance(days=7)
    assert refused(pair.progress, pair.birch, campaign, 1) == "campaign_closed"
    campaigns.run_due(pair.birch.node)  # no pledges at Birch: its copy closes with 0
    pair.report(pair.birch, campaign)
    pair.clock.advance(seconds=600)
    campaigns.run_due(pair.aster.node)
    assert pair.record(campaign)["status"] == "failed"  # the interim 7 never counted
    pair.verify_all()


@pytest.mark.parametrize(("threshold", "outcome"), [(3, "succeeded"), (4, "failed")])
def test_a_person_pledging_at_two_nodes_is_counted_once(
    tmp_path: Path, clock: Clock, threshold: int, outcome: str
) -> None:
    """Sam is a member of Aster and of Birch with one key and pledges at both: 2 pledges
    at Aster + 2 at Birch are 3 people, which meets 3 and misses 4 (the sum says 4)."""
    pair = Pair(tmp_path, clock, shared=("sam",))
    try:
        sam = pair.aster.member("sam")
        assert sam == pair.birch.member("sam")
        campaign = pair.launch(threshold=threshold)
        pair.carry(pair.birch, campaign)
        pair.pledge(pair.aster, "alice", campaign)
        pair.pledge(pair.aster, "sam", campaign)
        pair.pledge(pair.birch, "carol", campaign)
        pair.pledge(pair.birch, "sam", campaign)
        pair.clock.advance(days=7)
        assert pair.close_copy(pair.birch, campaign) == [network.CARRIED_CLOSED]
        closed = pair.body_at(pair.birch, pair.copy(pair.birch, campaign)["closed_index"])
        members = sorted([sam, pair.birch.member("carol")])
        assert closed == {
            "home": pair.aster.did,
            "campaign": campaign,
            "pledgers": 2,
            "members": members,
        }
        pair.report(pair.birch, campaign)
        record = pair.record(campaign)
        assert record["reports"][pair.birch.did]["members"] == members
        assert (record["pledgers"], record["remote"], record["people"]) == (
            2,
            {pair.birch.did: 2},
            3,
        )
        assert (record["reached_at"] is not None) == (outcome == "succeeded")
        pair.clock.advance(seconds=600)
        (receipt,) = campaigns.run_due(pair.aster.node)
        assert pair.body_at(pair.aster, receipt.index) == {
            "campaign": campaign,
            "outcome": outcome,
            "total": 0,
            "pledgers": 2,
            "people": 3,
        }
        assert pair.record(campaign)["status"] == outcome
        pair.settle(pair.birch, campaign)
        assert pair.copy(pair.birch, campaign)["outcome"] == outcome
        pair.verify_all()
    finally:
        pair.close()


def test_a_person_pledging_at_two_other_nodes_is_counted_once(tmp_path: Path, clock: Clock) -> None:
    """Sam pledges at Birch and at Cedar (both recognised by Aster), not at home: the
    pledges add up to 5, the people to 4, which misses 5 whichever report came first."""
    pair = Pair(tmp_path, clock, shared=("sam",))
    try:
        pair.aster.act("alice", GRANTED, recognition_body(pair.cedar.node))
        campaign = pair.launch(threshold=5)
        for place, other in ((pair.birch, "carol"), (pair.cedar, "dan")):
            pair.carry(place, campaign)
            pair.pledge(place, other, campaign)
            pair.pledge(place, "sam", campaign)
        pair.pledge(pair.aster, "alice", campaign)
        pair.clock.advance(days=7)
        campaigns.run_due(pair.birch.node)
        campaigns.run_due(pair.cedar.node)
        pair.report(pair.cedar, campaign)
        assert pair.record(campaign)["people"] == 3
        pair.report(pair.birch, campaign)
        record = pair.record(campaign)
        assert (record["pledgers"], sum(record["remote"].values()), record["people"]) == (1, 4, 4)
        assert record["reached_at"] is None
        pair.clock.advance(seconds=600)
        (receipt,) = campaigns.run_due(pair.aster.node)
        assert pair.body_at(pair.aster, receipt.index)["people"] == 4
        assert pair.record(campaign)["status"] == "failed"
        pair.verify_all()
    finally:
        pair.close()


def test_a_closing_with_the_sum_instead_of_the_people_is_refused(pair: Pair) -> None:
    """Aster's close must state the distinct people, and a local campaign's close no
    ``people`` at all (its body is as before)."""
    campaign = pair.launch()
    local = pair.launch(network_terms=False)
    pair.carry(pair.birch, campaign)
    pair.pledge(pair.aster, "alice", campaign)
    pair.clock.advance(days=7)
    campaigns.run_due(pair.birch.node)
    pair.report(pair.birch, campaign)
    pair.clock.advance(seconds=600)
    submit = pair.aster.node.submit_as_node
    body = closing.closing_body(pair.aster.node.state, campaign)
    assert body == {
        "campaign": campaign,
        "outcome": "failed",
        "total": 0,
        "pledgers": 1,
        "people": 1,
    }
    assert refused(submit, closing.CLOSED, {**body, "people": 2}) == "outcome_mismatch"
    without = {k: v for k, v in body.items() if k != "people"}
    assert refused(submit, closing.CLOSED, without) == "outcome_mismatch"
    local_body = closing.closing_body(pair.aster.node.state, local)
    assert "people" not in local_body
    assert refused(submit, closing.CLOSED, {**local_body, "people": 0}) == "outcome_mismatch"
    assert [r.index for r in campaigns.run_due(pair.aster.node)]
    pair.verify_all()


def test_a_report_must_name_as_many_members_as_it_counts(pair: Pair) -> None:
    campaign = pair.launch()
    pair.carry(pair.birch, campaign)
    pair.pledge(pair.birch, "carol", campaign)
    pair.pledge(pair.birch, "dan", campaign)
    pair.clock.advance(days=7)
    campaigns.run_due(pair.birch.node)
    members = pair.copy(pair.birch, campaign)["members"]
    assert len(members) == 2
    assert refused(pair.report, pair.birch, campaign, members=members[:1]) == "invalid_body"
    assert refused(pair.report, pair.birch, campaign, pledgers=3) == "invalid_body"
    unsorted = list(reversed(members))
    assert refused(pair.report, pair.birch, campaign, members=unsorted) == "invalid_body"
    twice = [members[0], members[0]]
    assert refused(pair.report, pair.birch, campaign, members=twice) == "invalid_body"
    assert refused(pair.report, pair.birch, campaign, members=["bob"]) == "invalid_body"
    assert pair.record(campaign)["remote"] == {}
    pair.report(pair.birch, campaign)
    assert pair.record(campaign)["people"] == 2
    pair.verify_all()


def test_a_carried_copy_takes_at_most_its_cap(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(carried, "MAX_PLEDGERS", 2)
    campaign = pair.launch()
    pair.carry(pair.birch, campaign)
    pair.pledge(pair.birch, "alice", campaign)
    pair.pledge(pair.birch, "bob", campaign)
    assert refused(pair.pledge, pair.birch, "carol", campaign) == "copy_full"
    pair.birch.act("bob", WITHDRAWN, {"campaign": campaign, "home": pair.aster.did})
    pair.pledge(pair.birch, "carol", campaign)  # a place freed is taken again
    pair.pledge(pair.aster, "dan", campaign)  # the home's own pledges are not capped


def test_a_full_copy_closes_and_reports_within_the_event_limit() -> None:
    """1,000 did:keys in a closing and in a report, signed: each under 64 KiB."""
    members = sorted(
        did_key_from_public_key(SigningKey(hashlib.sha256(b"%d" % n).digest()).public_key)
        for n in range(carried.MAX_PLEDGERS)
    )
    node = SigningKey(hashlib.sha256(b"node").digest())
    home = did_key_from_public_key(node.public_key)
    bodies = {
        network.CARRIED_CLOSED: {
            "home": "did:web:" + "h" * 250,
            "campaign": 10**12,
            "pledgers": len(members),
            "members": members,
        },
        network.REPORTED: {
            "campaign": 10**12,
            "pledgers": len(members),
            "members": members,
            "source": {"origin": "o" * 300, "carried": 10**12, "closed": 10**12},
        },
    }
    for event_type, body in bodies.items():
        parsed = (
            network.parse_carried_close
            if event_type == network.CARRIED_CLOSED
            else network.parse_report
        )(body)
        assert parsed["members"] == members
        event = sign_event(
            node, type=event_type, node=home, seq=10**9, at="2026-11-29T00:00:00Z", body=body
        )
        size = len(orjson.dumps(event))
        assert size < MAX_EVENT_BYTES, (event_type, size)
    with pytest.raises(InvalidBody):
        network.parse_report(
            {
                **bodies[network.REPORTED],
                "members": [*members, "did:key:z6Mkz"],
                "pledgers": len(members) + 1,
            }
        )
