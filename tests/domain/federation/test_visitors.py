"""Visitors: a recognised node's members comment (book, attend) here as the treaty allows."""

from __future__ import annotations

from pathlib import Path

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
from commonweal.node import credentials
from commonweal.node.errors import Rejected
from commonweal.node.verify import verify_log
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
    visitor_event = host.events.factory.event(  # the visitor's own key, in the host's log
        home.events._name("alice"),
        type=COMMENT,
        body=comment,  # type: ignore[attr-defined]
    )
    import orjson

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
    again = host.events.factory.event(home.events._name("alice"), type=COMMENT, body=comment)  # type: ignore[attr-defined]
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
