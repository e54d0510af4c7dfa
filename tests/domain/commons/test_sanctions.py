"""Graduated sanctions, appeals, referrals to the assembly, and rules changed by proposal."""

from __future__ import annotations

from typing import Any

from tests.commons import book, record, refused_booking, register, verified
from tests.community import Community
from tests.governance import admit, close, draft, submit, to_voting, vote
from tests.mutual import open_books

SANCTIONS, BOOKINGS, RESOURCES = "commons.sanctions", "commons.bookings", "commons.resources"


def breach(
    community: Community, resource: int, name: str, reporter: str = "alice", **extra: Any
) -> int:
    body = {"resource": resource, "member": community.did(name), "rule": "Return it clean", **extra}
    return community.act(reporter, "commons.breach.reported", body).index


def passed(community: Community, actions: list[dict[str, Any]]) -> int:
    """A commons proposal the three founders pass."""
    proposal = draft(community, kind="commons", topic="commons", actions=actions)
    submit(community, proposal)
    to_voting(community, proposal)
    for name in ("alice", "bob", "carol"):
        vote(community, name, proposal, {"choice": "yes"})
    assert close(community, proposal)["passed"] is True
    return proposal


def test_sanctions_climb_the_ladder(community: Community) -> None:
    admit(community, "dana")
    room = register(community)
    later_booking = book(community, "dana", room, 24 * 5, 2).index
    first = breach(community, room, "dana")
    assert record(community, SANCTIONS, first)["sanction"] == "warning"
    book(community, "dana", room, 1, 1)  # a warning takes no rights away
    second = breach(community, room, "dana", severity="minor")
    suspension = record(community, SANCTIONS, second)
    assert (suspension["sanction"], suspension["step"]) == ("suspension", 1)
    assert suspension["until"] == "2026-12-07T12:00:00Z"  # 14 days
    assert refused_booking(community, "dana", room, 2, 1) == "booking_suspended"
    # a booking that would start during the suspension is cancelled with it
    assert record(community, BOOKINGS, later_booking)["status"] == "cancelled"
    community.clock.advance(days=14)
    book(community, "dana", room, 1, 1)
    third = breach(community, room, "dana", severity="serious")
    assert record(community, SANCTIONS, third)["sanction"] == "referral"
    assert record(community, SANCTIONS, third)["status"] == "referred"
    community.clock.advance(days=400)
    assert refused_booking(community, "dana", room, 1, 1) == "booking_suspended"
    assert verified(community)


def test_a_serious_breach_skips_a_step_and_old_ones_are_forgotten(
    community: Community,
) -> None:
    admit(community, "dana")
    room = register(community, sanctions={"memory_days": 30})
    serious = breach(community, room, "dana", severity="serious")
    assert record(community, SANCTIONS, serious)["sanction"] == "suspension"
    community.clock.advance(days=31)
    assert record(community, SANCTIONS, breach(community, room, "dana"))["sanction"] == "warning"


def test_who_may_report_a_breach(community: Community) -> None:
    admit(community, "dana", "erin")
    room = register(community, monitors=[community.did("erin")])
    body = {"resource": room, "member": community.did("dana"), "rule": "Quiet after ten"}
    assert community.refused("carol", "commons.breach.reported", body) == "not_monitor"
    community.act("erin", "commons.breach.reported", body)
    own = {**body, "member": community.did("erin")}
    assert community.refused("erin", "commons.breach.reported", own) == "self_sanction"
    nobody = {**body, "member": community.did("nobody")}
    assert community.refused("alice", "commons.breach.reported", nobody) == "not_a_member"


def test_an_appeal_heard_by_stewards_who_did_not_report(community: Community) -> None:
    admit(community, "dana")
    room = register(community, stewards=("alice", "bob"))
    breach(community, room, "dana")
    suspended = breach(community, room, "dana", reporter="bob")
    grounds = {"sanction": suspended, "grounds": "The mess was there before my booking."}
    assert community.refused("carol", "commons.appeal.filed", grounds) == "not_sanctioned"
    community.act("dana", "commons.appeal.filed", grounds)
    assert community.refused("dana", "commons.appeal.filed", grounds) == "already_appealed"
    decision = {"sanction": suspended, "outcome": "overturned", "reason": "Photos show it."}
    assert community.refused("bob", "commons.appeal.decided", decision) == "not_impartial"
    assert community.refused("carol", "commons.appeal.decided", decision) == "not_steward"
    community.act("alice", "commons.appeal.decided", decision)
    decided = record(community, SANCTIONS, suspended)
    assert decided["status"] == "overturned" and decided["decision"]["via"] == "stewards"
    book(community, "dana", room, 1, 1)  # rights are back at once
    assert community.refused("alice", "commons.appeal.decided", decision) == "no_appeal"
    # the overturned sanction no longer counts: the next breach is a suspension, not a referral
    assert record(community, SANCTIONS, breach(community, room, "dana"))["sanction"] == (
        "suspension"
    )
    assert verified(community)


def test_appeals_have_a_deadline(community: Community) -> None:
    admit(community, "dana")
    room = register(community, appeals={"by": "stewards", "days": 3})
    warning = breach(community, room, "dana")
    community.clock.advance(days=3)
    body = {"sanction": warning, "grounds": "Late, sorry."}
    assert community.refused("dana", "commons.appeal.filed", body) == "appeal_too_late"


def test_an_appeal_decided_by_proposal(community: Community) -> None:
    admit(community, "dana")
    room = register(community, appeals={"by": "proposal", "days": 14})
    warning = breach(community, room, "dana")
    community.act("dana", "commons.appeal.filed", {"sanction": warning, "grounds": "Not me."})
    decision = {"sanction": warning, "outcome": "upheld", "reason": ""}
    assert community.refused("bob", "commons.appeal.decided", decision) == "by_proposal"
    passed(community, [{"type": "commons.sanction.decide", **decision, "reason": "Seen by two."}])
    decided = record(community, SANCTIONS, warning)
    assert decided["status"] == "upheld"
    assert decided["decision"]["via"] == "proposal"
    assert decided["decision"]["by"] == community.node.identity.key_did
    assert verified(community)


def test_a_referral_goes_to_the_assembly(community: Community) -> None:
    admit(community, "dana")
    room = register(community, sanctions={"ladder": [{"kind": "referral"}]})
    referral = breach(community, room, "dana")
    appeal = {"sanction": referral, "grounds": "Please."}
    assert community.refused("dana", "commons.appeal.filed", appeal) == "referred"
    assert refused_booking(community, "dana", room, 1, 1) == "booking_suspended"
    action = {
        "type": "commons.sanction.decide",
        "sanction": referral,
        "outcome": "upheld",
        "reason": "Three warnings before.",
        "days": 30,
    }
    proposal = passed(community, [action])
    record_ = community.node.state.get("governance.proposals", proposal)
    assert [e["status"] for e in record_["executions"]] == ["done"]
    decided = record(community, SANCTIONS, referral)
    assert decided["status"] == "upheld" and decided["until"] is not None
    assert refused_booking(community, "dana", room, 1, 1) == "booking_suspended"
    community.clock.advance(days=30)
    book(community, "dana", room, 1, 1)
    # a decided referral has nothing left to decide: the action fails and is recorded so
    proposal = passed(community, [action])
    (step,) = community.node.state.get("governance.proposals", proposal)["executions"]
    assert step["status"] == "failed" and "no open appeal or referral" in step["reason"]
    assert verified(community)


def test_rules_change_only_by_a_passed_proposal(community: Community) -> None:
    admit(community, "dana")
    open_books(community)  # the deposit the new rules ask is in a declared unit
    room = register(community, limits={"max_hours": 2})
    assert refused_booking(community, "dana", room, 1, 3) == "beyond_limits"
    new_rules = {
        "stewards": [community.did("alice"), community.did("dana")],
        "limits": {"max_hours": 6},
        "deposit": {"amount": 1500, "unit": "EUR"},
    }
    passed(community, [{"type": "commons.rules.set", "resource": room, "rules": new_rules}])
    shared = record(community, RESOURCES, room)
    assert shared["rules_version"] == 2
    assert shared["rules"]["limits"]["max_hours"] == 6
    assert shared["rules"]["stewards"] == sorted([community.did("alice"), community.did("dana")])
    booked = record(community, BOOKINGS, book(community, "dana", room, 1, 3).index)
    assert booked["deposit"] == {"amount": 1500, "unit": "EUR", "status": "owed"}
    # only the commons kind may carry the action
    body = {
        "kind": "decision",
        "topic": "commons",
        "title": "Sneak",
        "text": "t",
        "actions": [{"type": "commons.rules.set", "resource": room, "rules": new_rules}],
    }
    assert community.refused("alice", "governance.proposal.drafted", body) == "action_not_allowed"
    assert verified(community)
