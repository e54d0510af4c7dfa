"""The commons over HTTP: resources, bookings, rounds with their tickets, sanctions, standing."""

from __future__ import annotations

import hashlib

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from tests.commons import at, book, booking_body, register, run_due
from tests.community import Community
from tests.governance import admit
from tests.mutual import open_books


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def test_resources_and_bookings(client: TestClient, community: Community) -> None:
    open_books(community)
    room = register(community, title="Workshop room")
    bike = register(
        community, title="Cargo bike", kind="vehicle", deposit={"amount": 2000, "unit": "EUR"}
    )
    mine = book(community, "carol", room, 2, 2).index
    book(community, "bob", bike, 1, 1)
    listed = client.get("/v1/commons").json()["resources"]
    assert [(r["id"], r["title"], r["upcoming_bookings"]) for r in listed] == [
        (room, "Workshop room", 1),
        (bike, "Cargo bike", 1),
    ]
    view = client.get(f"/v1/commons/{room}").json()
    assert view["rules"]["allocation"] == "first_come"
    assert [b["id"] for b in view["bookings"]] == [mine]
    assert client.get(f"/v1/commons/bookings/{mine}").json()["member"] == community.did("carol")
    carol = client.get("/v1/commons/bookings", params={"member": community.did("carol")}).json()
    assert [b["id"] for b in carol["bookings"]] == [mine]
    assert client.get("/v1/commons/bookings", params={"resource": bike}).json()["bookings"][0][
        "deposit"
    ] == {"amount": 2000, "unit": "EUR", "status": "owed"}
    assert client.get("/v1/commons/424242").status_code == 404
    assert client.get("/v1/commons/bookings/424242").json()["code"] == "not_found"
    # an overlapping booking through the wire API is a 409 with its code
    event = community.events.event(
        "bob", type="commons.booking.made", body=booking_body(community, room, 3, 1)
    )
    refused = client.post("/v1/events", content=orjson.dumps(event))
    assert refused.status_code == 409 and refused.json()["code"] == "overlap"


def test_a_round_shows_every_ticket(client: TestClient, community: Community) -> None:
    admit(community, "dana", "erin", "finn")
    plots = register(community, title="Garden plots", kind="land", allocation="lottery", units=2)
    body = {
        "resource": plots,
        "start": at(community, days=2),
        "end": at(community, days=120),
        "closes": at(community, days=1),
    }
    season = community.act("alice", "commons.round.opened", body).index
    for name in ("dana", "erin", "finn"):
        community.act(name, "commons.round.entered", {"round": season})
    community.clock.advance(days=1)
    assert run_due(community) == ["commons.round.allocated"]
    shown = client.get(f"/v1/commons/rounds/{season}").json()
    tickets = shown["tickets"]
    assert set(tickets) == {community.did(n) for n in ("dana", "erin", "finn")}
    # anyone can check: the winners hold the lowest tickets, recomputed from the seed
    for did, ticket in tickets.items():
        assert ticket == hashlib.sha256(f"{shown['seed']}|{did}".encode()).hexdigest()
    lowest = sorted(tickets, key=lambda d: tickets[d])[:2]
    assert [a["member"] for a in shown["allocation"]] == lowest
    assert len(client.get(f"/v1/commons/{plots}").json()["rounds"]) == 1


def test_sanctions_and_standing(client: TestClient, community: Community) -> None:
    admit(community, "dana")
    room = register(community, sanctions={"ladder": [{"kind": "suspension", "days": 7}]})
    body = {"resource": room, "member": community.did("dana"), "rule": "Leave it tidy"}
    sanction = community.act("alice", "commons.breach.reported", body).index
    standing = client.get(f"/v1/commons/members/{community.did('dana')}").json()
    assert standing["resources"] == [
        {
            "resource": room,
            "title": "Workshop",
            "may_use": False,
            "suspended_by": sanction,
            "suspended_until": "2026-11-30T12:00:00Z",
        }
    ]
    assert [s["id"] for s in standing["sanctions"]] == [sanction]
    assert client.get(f"/v1/commons/sanctions/{sanction}").json()["sanction"] == "suspension"
    assert [s["id"] for s in client.get("/v1/commons/sanctions").json()["sanctions"]] == [sanction]
    assert client.get("/v1/commons/sanctions", params={"resource": room + 1}).json() == {
        "sanctions": [],
        "next": None,
    }
