"""Gatherings: capacity and waitlist, check-in by organisers and by code, attendance owed."""

from __future__ import annotations

from typing import Any

from commonweal.domain.gatherings.records import claim_proof, code_hash
from tests.commons import at, record, verified
from tests.community import Community
from tests.governance import admit

GATHERINGS, RSVPS, ATTENDANCE = (
    "gatherings.gatherings",
    "gatherings.rsvps",
    "gatherings.attendance",
)
CREDENTIALS = "membership.credentials"
CODE = "RIVR-7KQ3-M9XA"


def schedule(community: Community, author: str = "alice", **plan: Any) -> int:
    body = {
        "title": "Repair café",
        "place": "The workshop",
        "starts": at(community, hours=24),
        "ends": at(community, hours=27),
        **plan,
    }
    return community.act(author, "gatherings.gathering.scheduled", body).index


def rsvp(community: Community, name: str, gathering: int, response: str = "yes") -> None:
    community.act(name, "gatherings.rsvp.given", {"gathering": gathering, "response": response})


def status(community: Community, gathering: int, name: str) -> str:
    return str(record(community, RSVPS, f"{gathering} {community.did(name)}")["status"])


def attendance_owed(community: Community, name: str) -> list[int]:
    return sorted(
        row["gathering"]
        for _k, row in community.node.state.items(CREDENTIALS)
        if row["subject"] == community.did(name) and row["kind"].startswith("attendance:")
    )


def test_capacity_waitlist_and_promotion(community: Community) -> None:
    admit(community, "dana", "erin")
    meetup = schedule(community, capacity=2)
    for name in ("alice", "bob", "carol", "dana"):
        rsvp(community, name, meetup)
    assert [status(community, meetup, n) for n in ("alice", "bob", "carol", "dana")] == [
        "going",
        "going",
        "waitlisted",
        "waitlisted",
    ]
    assert community.refused(
        "carol", "gatherings.rsvp.given", {"gathering": meetup, "response": "yes"}
    ) == ("already_responded")
    rsvp(community, "bob", meetup, "no")
    assert status(community, meetup, "carol") == "going"  # first on the waitlist
    assert record(community, GATHERINGS, meetup)["waiting"] == [community.did("dana")]
    rsvp(community, "dana", meetup, "no")
    assert record(community, GATHERINGS, meetup)["waiting"] == []
    assert record(community, GATHERINGS, meetup)["going"] == 2
    full = schedule(community, capacity=1, waitlist=False)
    rsvp(community, "alice", full)
    refusal = community.refused(
        "erin", "gatherings.rsvp.given", {"gathering": full, "response": "yes"}
    )
    assert refusal == "full"
    assert verified(community)


def test_who_may_schedule_and_rsvp(community: Community) -> None:
    admit(community, "dana")
    schedule(community, "dana", title="Seed swap")
    assembly = {"kind": "assembly", "title": "Spring assembly"}
    assert (
        community.refused(
            "dana",
            "gatherings.gathering.scheduled",
            {**assembly, "starts": at(community, days=3), "ends": at(community, days=3, hours=2)},
        )
        == "forbidden"
    )
    held = schedule(community, "alice", **assembly)
    assert record(community, GATHERINGS, held)["kind"] == "assembly"
    past = {
        "title": "Yesterday",
        "starts": at(community, days=-1),
        "ends": at(community, hours=-20),
    }
    assert community.refused("alice", "gatherings.gathering.scheduled", past) == "in_the_past"
    backwards = {"title": "Odd", "starts": at(community, days=2), "ends": at(community, days=1)}
    assert community.refused("alice", "gatherings.gathering.scheduled", backwards) == "invalid_body"
    assert community.refused(
        "stranger", "gatherings.rsvp.given", {"gathering": held, "response": "yes"}
    ) == ("not_a_member")
    community.act("alice", "gatherings.gathering.cancelled", {"gathering": held, "reason": "Snow"})
    assert community.refused(
        "dana", "gatherings.rsvp.given", {"gathering": held, "response": "yes"}
    ) == ("cancelled")


def test_organisers_check_in_and_credentials_are_owed(community: Community) -> None:
    admit(community, "dana", "erin")
    meetup = schedule(community, organisers=[community.did("bob")])
    checkin = {"gathering": meetup, "member": community.did("dana")}
    assert community.refused("bob", "gatherings.attendee.checked_in", checkin) == "too_early"
    community.clock.advance(hours=23, minutes=30)
    assert community.refused("dana", "gatherings.attendee.checked_in", checkin) == "not_organiser"
    community.act("bob", "gatherings.attendee.checked_in", checkin)
    assert community.refused("bob", "gatherings.attendee.checked_in", checkin) == (
        "already_checked_in"
    )
    assert record(community, ATTENDANCE, f"{meetup} {community.did('dana')}")["method"] == (
        "organiser"
    )
    assert attendance_owed(community, "dana") == [meetup]
    assert attendance_owed(community, "erin") == []  # erin did not attend
    community.clock.advance(days=8)
    late = {"gathering": meetup, "member": community.did("erin")}
    assert community.refused("alice", "gatherings.attendee.checked_in", late) == "checkin_closed"
    # attendance is a fact: leaving does not revoke it (membership credentials are revoked)
    community.act("dana", "membership.member.left")
    rows = {
        row["kind"]: row["revoked"]
        for _k, row in community.node.state.items(CREDENTIALS)
        if row["subject"] == community.did("dana")
    }
    assert rows[f"attendance:{meetup}"] is None and rows["membership"] is not None
    assert verified(community)


def test_check_in_needs_an_rsvp_where_required(community: Community) -> None:
    admit(community, "dana", "erin", "finn")
    assembly = schedule(community, kind="assembly", capacity=1, rsvp_required=True)
    rsvp(community, "dana", assembly)
    rsvp(community, "erin", assembly)  # waitlisted
    community.clock.advance(hours=24)
    for name in ("erin", "finn"):
        body = {"gathering": assembly, "member": community.did(name)}
        assert community.refused("alice", "gatherings.attendee.checked_in", body) == "no_rsvp"
    community.act(
        "alice",
        "gatherings.attendee.checked_in",
        {"gathering": assembly, "member": community.did("dana")},
    )
    assert attendance_owed(community, "dana") == [assembly]


def test_self_check_in_with_the_code_shown_at_the_venue(community: Community) -> None:
    admit(community, "dana", "erin", "finn")
    node_did = community.node.identity.did
    meetup = schedule(community, checkin_code_hash=code_hash(CODE))
    logged = record(community, GATHERINGS, meetup)
    assert CODE not in str(logged) and "7KQ3" not in str(logged)

    def claim(name: str, code: str) -> dict[str, Any]:
        return {
            "gathering": meetup,
            "proof": claim_proof(code, node_did, meetup, community.did(name)),
        }

    assert (
        community.refused("dana", "gatherings.checkin.claimed", claim("dana", CODE)) == "too_early"
    )
    community.clock.advance(hours=25)
    community.act("dana", "gatherings.checkin.claimed", claim("dana", "rivr 7kq3 m9xa"))  # as typed
    community.act("erin", "gatherings.checkin.claimed", claim("erin", "WRONG-CODE"))
    # finn copies dana's proof from the log: it binds dana's DID, so it fails for him
    community.act("finn", "gatherings.checkin.claimed", claim("dana", CODE))
    assert community.refused("dana", "gatherings.checkin.claimed", claim("dana", CODE)) == (
        "already_checked_in"
    )
    assert attendance_owed(community, "dana") == []  # nothing is confirmed before the reveal
    reveal = {"gathering": meetup, "code": CODE}
    assert community.refused("alice", "gatherings.code.revealed", reveal) == "too_early"
    community.clock.advance(hours=2)
    admit(community, "gus")
    late = community.refused("gus", "gatherings.checkin.claimed", claim("gus", CODE))
    assert late == "checkin_closed"
    wrong = {"gathering": meetup, "code": "GUESS"}
    assert community.refused("alice", "gatherings.code.revealed", wrong) == "wrong_code"
    assert community.refused("dana", "gatherings.code.revealed", reveal) == "not_organiser"
    community.act("alice", "gatherings.code.revealed", reveal)
    statuses = {
        name: record(community, ATTENDANCE, f"{meetup} {community.did(name)}")["status"]
        for name in ("dana", "erin", "finn")
    }
    assert statuses == {"dana": "confirmed", "erin": "rejected", "finn": "rejected"}
    assert [attendance_owed(community, n) for n in ("dana", "erin", "finn")] == [[meetup], [], []]
    assert record(community, GATHERINGS, meetup)["attended"] == 1
    assert community.refused("alice", "gatherings.code.revealed", reveal) == "already_revealed"
    # an organiser can still confirm someone whose claim failed
    community.act(
        "alice",
        "gatherings.attendee.checked_in",
        {"gathering": meetup, "member": community.did("erin")},
    )
    assert attendance_owed(community, "erin") == [meetup]
    assert verified(community)


def test_without_a_code_there_is_no_self_check_in(community: Community) -> None:
    meetup = schedule(community)
    community.clock.advance(hours=24)
    body = {"gathering": meetup, "proof": claim_proof(CODE, "x", meetup, community.did("bob"))}
    assert community.refused("bob", "gatherings.checkin.claimed", body) == "no_code"
