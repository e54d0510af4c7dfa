"""The commons and gathering pages, in-process over the demo node: what a visitor sees (and
that they cannot act, and are told how to sign in), what each member sees of their own
bookings, sanctions, RSVPs and attendance, and what stewards and organisers may do."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from commonweal.node.services import commons
from tests.web.pages import Demo, page, sign_in


@pytest.fixture(scope="module")
def ids(demo: Demo) -> dict[str, int]:
    """The demo's resources, rounds, sanctions and gatherings, by a short name."""
    node, dids = demo
    found = {r["title"]: r["id"] for r in commons.resources(node)}
    rounds = sorted(int(k) for k, _r in node.state.items("commons.rounds"))
    sanctions = {
        (s["member"], s["status"]): s["id"] for _k, s in node.state.items("commons.sanctions")
    }
    gatherings = {g["title"]: int(k) for k, g in node.state.items("gatherings.gatherings")}
    return {
        "room": found["Workshop room"],
        "bike": found["Cargo bike"],
        "beds": found["Community garden beds"],
        "seeds": found["Seed library"],
        "season": rounds[0],
        "autumn": rounds[1],
        "emil": sanctions[(dids["emil"], "overturned")],
        "hana": sanctions[(dids["hana-new-phone"], "in_force")],
        "cafe": gatherings["Repair café"],
        "assembly": gatherings["Spring assembly"],
        "swap": gatherings["Seed swap"],
    }


PUBLIC: dict[str, list[str]] = {
    "/commons": ["Workshop room", "Cargo bike", "deposit 20.00 EUR", "Open rounds", "Ostrom"],
    "/commons/{room}": [
        "Sharpening chisels",
        "Chen Wei",
        "Ostrom's principle 5: Graduated sanctions",
        "The bandsaw blade needs replacing",
        "7 days as a list",
    ],
    "/commons/{bike}": [
        "deposit of 20.00 EUR",
        "at most 8 hours",
        "Let the cargo bike be booked for a whole day",
        "New inner tube fitted",
    ],
    "/commons/{beds}": ["by lottery", "Round {season}", "Round {autumn}"],
    "/commons/{seeds}": ["open to use: no booking needed"],
    "/commons/rounds/{season}": ["The draw", "Every ticket, in the order drawn", "no unit left"],
    "/commons/rounds/{autumn}": ["Entrants", "Bruno Lindqvist", "to enter"],
    "/commons/sanctions/{emil}": ["overturned", "A puncture from glass is bad luck"],
    "/commons/sanctions/{hana}": ["Lock the bike to the rack", "the chain lock is broken"],
    "/gatherings": ["Spring assembly", "Assembly", "Seed swap", "1 on the waitlist"],
    "/gatherings?when=past": ["Repair café", "4 attended"],
    "/gatherings/{cafe}": ["Who came", "4 attended", "Farah Rahimi"],
    "/gatherings/{assembly}": ["The barn", "6 of 40 taken", "only for those with a place"],
    "/gatherings/{swap}": ["Waitlist (1)", "Farah Rahimi", "3 of 3 taken"],
}


@pytest.mark.parametrize("template", sorted(PUBLIC))
def test_a_visitor_sees_every_page_but_cannot_act(
    client: TestClient, ids: dict[str, int], template: str
) -> None:
    text = page(client, template.format(**ids))
    for expected in PUBLIC[template]:
        assert expected.format(**ids) in text, (template, expected)
    assert "data-event=" not in text  # signed out: nothing to sign
    assert "/key?next=" in text or "Sign in" in text


def test_the_member_pages_need_a_session(client: TestClient, ids: dict[str, int]) -> None:
    for path in (
        "/commons/standing",
        "/commons/steward",
        "/gatherings/new",
        f"/gatherings/{ids['cafe']}/checkin",
    ):
        assert "Please sign in" in page(client, path, 401), path


def forms(text: str) -> list[str]:
    """The event types of the signed forms on a page."""
    return [part.split('"', 1)[0] for part in text.split('data-event="')[1:]]


def test_a_steward_hears_appeals_and_records_deposits(
    client: TestClient, demo: Demo, ids: dict[str, int]
) -> None:
    sign_in(client, demo[1]["amara"])
    console = page(client, "/commons/steward")
    assert "Hana Sato" in console and "the chain lock is broken" in console
    assert "commons.appeal.decided" in forms(console)
    assert console.count("Received 20.00 EUR") == 2  # Dalia's and Amara's bike bookings
    assert {"commons.breach.reported", "commons.round.opened"} <= set(forms(console))
    assert "commons.resource.registered" in forms(console)  # stewards hold commons.register
    assert "booking rights suspended for 14 days" in console  # Hana's next breach
    bike = page(client, f"/commons/{ids['bike']}")
    assert "You cannot book it now" in bike and "the most one member may hold" in bike
    assert "commons.booking.made" not in forms(bike)
    assert {"governance.proposal.drafted", "commons.resource.updated"} <= set(forms(bike))
    room = page(client, f"/commons/{ids['room']}")
    assert "commons.booking.made" in forms(room) and "data-slot=" in room
    assert "commons.resource.updated" not in forms(room)  # Bruno stewards the room
    autumn = page(client, f"/commons/rounds/{ids['autumn']}")
    assert "commons.round.entered" in forms(autumn)
    season = page(client, f"/commons/rounds/{ids['season']}")
    won = {a["member"] for a in demo[0].state.get("commons.rounds", ids["season"])["allocation"]}
    mine = "You have unit" if demo[1]["amara"] in won else "You were not allocated a unit"
    assert mine in season and "Check the draw in this browser" in season
    standing = page(client, "/commons/standing")
    assert "Market run" in standing and "commons.booking.cancelled" in forms(standing)
    assert "Deposit 20.00 EUR: owed" in standing


def test_the_reporter_does_not_hear_the_appeal(
    client: TestClient, demo: Demo, ids: dict[str, int]
) -> None:
    sign_in(client, demo[1]["chen"])
    text = page(client, f"/commons/sanctions/{ids['hana']}")
    assert "another steward decides the appeal" in text
    assert "commons.appeal.decided" not in forms(text)


def test_a_member_sees_her_sanction_and_appeal(
    client: TestClient, demo: Demo, ids: dict[str, int]
) -> None:
    sign_in(client, demo[1]["hana-new-phone"])
    standing = page(client, "/commons/standing")
    assert "Lock the bike to the rack" in standing and "Your appeal is waiting" in standing
    assert "commons.appeal.filed" not in forms(standing)  # appealed already: once only
    assert page(client, "/commons/steward", 403).count("stewards and monitors") == 1


def test_rsvps_waitlists_and_attendance(
    client: TestClient, demo: Demo, ids: dict[str, int]
) -> None:
    dids = demo[1]
    sign_in(client, dids["farah"])
    swap = page(client, f"/gatherings/{ids['swap']}")
    assert "You are on the waitlist: place 1 of 1" in swap
    assert "gatherings.rsvp.given" in forms(swap)
    sign_in(client, dids["ivo"])
    assert "Yes — put me on the waitlist" in page(client, f"/gatherings/{ids['swap']}")
    sign_in(client, dids["emil"])
    cafe = page(client, f"/gatherings/{ids['cafe']}")
    assert "You attended" in cafe and 'data-testid="credential-link"' in cafe
    credentials = page(client, "/me/credentials")
    assert "Attended: Repair café" in credentials
    assert 'href="/me/credentials" aria-current="page"' in credentials  # the menu leads there
    sign_in(client, dids["dalia"])
    sheet = page(client, f"/gatherings/{ids['swap']}/checkin")
    assert "Check-in opens" in sheet and sheet.count("data-person=") >= 8
    assert "gatherings.attendee.checked_in" not in forms(sheet)  # not open yet
    assert page(client, f"/gatherings/{ids['cafe']}/checkin").count("attended") >= 4
    assert "gatherings.gathering.scheduled" in forms(page(client, "/gatherings/new"))
    assert 'id="kind-assembly"' not in page(client, "/gatherings/new")  # no convene right
    sign_in(client, dids["amara"])
    assert 'id="kind-assembly"' in page(client, "/gatherings/new")
    page(client, f"/gatherings/{ids['swap']}/checkin", 403)


def test_refusals_render_as_pages(client: TestClient, ids: dict[str, int]) -> None:
    assert "no shared resource 99999" in page(client, "/commons/99999", 404)
    assert "Week must be a date" in page(client, f"/commons/{ids['room']}?week=soon", 400)
    assert "When is upcoming or past" in page(client, "/gatherings?when=someday", 400)
    unit: Any = page(client, f"/commons/{ids['beds']}?unit=4")
    assert "Unit 4 of 5" in unit and "Unit 4, 7 days from" in unit
