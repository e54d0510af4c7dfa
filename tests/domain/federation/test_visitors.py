"""Visitors: a recognised node's members comment, book and attend here as the treaty allows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from commonweal.domain.catalog import default_registry
from commonweal.domain.federation.recognition import GRANTED, WITHDRAWN_EVENT
from commonweal.domain.federation.standing import visitor_rights
from commonweal.domain.federation.visitors import ADMITTED, DEPARTED
from commonweal.domain.membership.records import (
    MEMBERS,
    may_attend,
    may_book,
    may_comment,
)
from commonweal.domain.timestamps import utc_stamp
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import credentials
from tests.builders import Clock
from tests.federation import Place, make_place, recognition_body

COMMENT = "governance.comment.posted"


def membership_credential(home: Place, name: str) -> dict:  # type: ignore[type-arg]
    did = home.member(name)
    row = credentials.owed(home.node, did, {"MembershipCredential"})
    return credentials.credential(home.node, row)


def refused(place: Place, name: str, event_type: str, body: dict) -> str:  # type: ignore[type-arg]
    with pytest.raises(Rejected) as refusal:
        place.act(name, event_type, body)
    return refusal.value.code


@pytest.fixture
def pair(tmp_path: Path, clock: Clock):  # type: ignore[no-untyped-def]
    host = make_place(tmp_path, "Riverside", clock)
    home = make_place(tmp_path, "Harbour", clock)
    yield host, home
    host.node.close()
    home.node.close()


def test_a_visitor_comments_as_the_treaty_allows(pair: tuple[Place, Place]) -> None:
    host, home = pair
    visitor = home.member("alice")
    proposal = host.act(
        "alice",
        "governance.proposal.drafted",
        {"kind": "decision", "title": "Open the workshop on Sundays", "text": "From spring."},
    ).index
    comment = {"proposal": proposal, "text": "We would come too."}
    factory = host.events.factory  # type: ignore[attr-defined]
    visitor_key = home.events._name("alice")  # type: ignore[attr-defined]
    visitor_event = factory.event(visitor_key, type=COMMENT, body=comment)  # the visitor's own key

    with pytest.raises(Rejected) as before:
        host.node.submit(orjson.dumps(visitor_event))
    assert before.value.code == "not_a_member"
    host.act("alice", GRANTED, recognition_body(home.node, visitors=["comment"]))
    credential = membership_credential(home, "alice")
    admission = {"visitor": visitor, "home": home.did, "credential": credential}
    assert refused(host, "bob", ADMITTED, admission) == "forbidden"
    host.node.submit_as_node(ADMITTED, admission)
    assert visitor_rights(host.node.state, visitor) == {"comment"}
    state = host.node.state
    assert may_comment(state, visitor) and not may_book(state, visitor)
    assert not may_attend(state, visitor)
    host.node.submit(orjson.dumps(visitor_event))  # the same signed comment, now accepted
    assert host.node.state.get("governance.comments", host.node.size - 1)["author"] == visitor
    # the treaty is withdrawn: the visitor's rights end with it
    host.act("bob", WITHDRAWN_EVENT, {"node": home.did})
    assert visitor_rights(host.node.state, visitor) == frozenset()
    again = factory.event(visitor_key, type=COMMENT, body=comment)
    with pytest.raises(Rejected) as after:
        host.node.submit(orjson.dumps(again))
    assert after.value.code == "not_a_member"
    store = host.node.store
    assert verify_log(store, default_registry(), compare_with=store).ok


def test_admission_checks_the_credential_and_the_treaty(pair: tuple[Place, Place]) -> None:
    host, home = pair
    visitor = home.member("bob")
    credential = membership_credential(home, "bob")
    admission = {"visitor": visitor, "home": home.did, "credential": credential}

    def code(body: dict) -> str:  # type: ignore[type-arg]
        with pytest.raises(Rejected) as refusal:
            host.node.submit_as_node(ADMITTED, body)
        return refusal.value.code

    assert code(admission) == "not_recognized"
    host.act("alice", GRANTED, recognition_body(home.node, credentials=[], visitors=[]))
    assert code(admission) == "not_recognized"
    host.act("alice", GRANTED, recognition_body(home.node))
    assert code({**admission, "visitor": home.member("carol")}) == "invalid_body"
    assert code({**admission, "home": host.did}) == "not_recognized"
    role = credentials.credential(
        home.node,
        credentials.owed(home.node, visitor, {"RoleCredential"}),
    )
    assert code({**admission, "credential": role}) == "invalid_body"
    host.node.submit_as_node(ADMITTED, admission)
    assert may_book(host.node.state, visitor) and may_attend(host.node.state, visitor)
    host.node.submit_as_node(DEPARTED, {"visitor": visitor, "reason": "credential revoked"})
    assert not may_book(host.node.state, visitor)
    assert code({"visitor": host.member("alice"), "home": home.did, "credential": credential}) in (
        "invalid_body",
        "already_member",
    )
    assert host.node.state.get(MEMBERS, host.member("alice"))["status"] == "member"
    store = host.node.store
    assert verify_log(store, default_registry(), compare_with=store).ok


def visiting(host: Place, home: Place, name: str, event_type: str, body: dict) -> str:  # type: ignore[type-arg]
    """A visitor from ``home`` acts in ``host``'s log with their own key: "ok" or the
    refusal's code (a refused event does not use up their ``seq``)."""
    key = home.events._name(name)  # type: ignore[attr-defined]
    seq = host.events.factory.seqs.get(key, 0)  # type: ignore[attr-defined]
    event = host.events.factory.event(key, type=event_type, body=body)  # type: ignore[attr-defined]
    try:
        host.node.submit(orjson.dumps(event))
    except Rejected as refusal:
        host.events.factory.seqs[key] = seq  # type: ignore[attr-defined]
        return refusal.code
    return "ok"


def test_a_visitor_books_commons_and_joins_gatherings(
    pair: tuple[Place, Place], clock: Clock
) -> None:
    host, home = pair

    def later(hours: float) -> str:
        return utc_stamp(clock.now + timedelta(hours=hours))

    stewards = [host.member("alice")]
    workshop = host.act(
        "alice",
        "commons.resource.registered",
        {"kind": "room", "title": "Workshop", "rules": {"stewards": stewards}},
    ).index
    host.act("alice", "membership.role.defined", {"name": "driver", "permissions": []})
    van = host.act(
        "alice",
        "commons.resource.registered",
        {
            "kind": "vehicle",
            "title": "Van",
            "rules": {"stewards": stewards, "access": {"role": "driver"}},
        },
    ).index
    place = {"place": "The workshop", "starts": later(2), "ends": later(5)}
    cafe = host.act(
        "alice", "gatherings.gathering.scheduled", {"title": "Repair café", **place}
    ).index
    assembly = host.act(
        "alice",
        "gatherings.gathering.scheduled",
        {"kind": "assembly", "title": "Spring assembly", **place},
    ).index
    booking = {"resource": workshop, "start": later(24), "end": later(26)}
    going = {"gathering": cafe, "response": "yes"}
    assert visiting(host, home, "alice", "commons.booking.made", booking) == "not_a_member"
    assert visiting(host, home, "alice", "gatherings.rsvp.given", going) == "not_a_member"

    host.act("alice", GRANTED, recognition_body(home.node, visitors=["attend", "book"]))
    visitor = home.member("alice")
    credential = membership_credential(home, "alice")
    host.node.submit_as_node(
        ADMITTED, {"visitor": visitor, "home": home.did, "credential": credential}
    )
    assert visiting(host, home, "alice", "commons.booking.made", booking) == "ok"
    on_van = {"resource": van, "start": later(30), "end": later(31)}
    assert visiting(host, home, "alice", "commons.booking.made", on_van) == "role_required"
    assert visiting(host, home, "alice", "gatherings.rsvp.given", going) == "ok"
    to_assembly = {"gathering": assembly, "response": "yes"}
    assert visiting(host, home, "alice", "gatherings.rsvp.given", to_assembly) == "not_a_member"
    clock.advance(seconds=3 * 3600)  # the café is on: the organiser checks the visitor in
    host.act("alice", "gatherings.attendee.checked_in", {"gathering": cafe, "member": visitor})
    owed = host.node.state.get("membership.credentials", f"{visitor} attendance:{cafe}")
    assert owed is not None and owed["subject"] == visitor

    host.act("bob", WITHDRAWN_EVENT, {"node": home.did})  # the treaty ends, and the rights
    again = {"resource": workshop, "start": later(48), "end": later(50)}
    assert visiting(host, home, "alice", "commons.booking.made", again) == "not_a_member"
    store = host.node.store
    assert verify_log(store, default_registry(), compare_with=store).ok
