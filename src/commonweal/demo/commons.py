"""The demo's commons chapter: shared things booked, a lottery, a sanction appealed, gatherings.

Riverside Commons registers its workshop room, its cargo bike (with a deposit),
five raised garden beds allocated by lottery, and a seed library. Members book;
a booking ends with a flat tyre, a breach, a suspension and a successful appeal;
another with a warning. The beds are drawn by the node from the log. A repair
café takes place, with check-in by the organiser and by the code shown at the
door, and its attendees hold attendance credentials. Near the end of the story an
assembly is coming up with its RSVPs, a seed swap has a waitlist, a proposal to change
the cargo bike's rules is under discussion, the coming week is booked, Hana's appeal
of a warning waits for a steward, and the autumn lottery for the beds is open.

``past`` runs early in the story (before the governance chapter), ``upcoming`` at
its end. Acts here move the clock by minutes, not hours, so that check-ins fall
inside the café's opening time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.gatherings.records import claim_proof, code_hash
from commonweal.domain.timestamps import utc_stamp
from commonweal.node.services import commons

if TYPE_CHECKING:
    from commonweal.demo.seed import Story

HANA = "hana-new-phone"
CAFE_CODE = "RVR2-CAFE-7KQM"
"""Shown on a card by the workshop door during the repair café."""


def past(story: Story) -> None:
    """Resources registered, booked, drawn by lot, breached and appealed; a repair café."""
    day = _midnight(story, days=2)
    room, bike, beds = _register(story)
    season = _do(
        story,
        "amara",
        "commons.round.opened",
        {
            "resource": beds,
            "start": utc_stamp(day + timedelta(days=2)),
            "end": utc_stamp(day + timedelta(days=182)),
            "closes": utc_stamp(day + timedelta(days=1, hours=12)),
            "note": "Spring and summer season: one bed per household.",
        },
    )
    for name in ("bruno", "chen", "dalia", "emil", "farah", HANA, "amara"):
        _do(story, name, "commons.round.entered", {"round": season})
    ride = _book(story, "emil", bike, day + timedelta(hours=8), 6, "Moving a sofa")
    tidy = _book(story, "farah", room, day + timedelta(hours=9), 3, "Sanding a table")
    _book(story, "dalia", room, day + timedelta(hours=18), 3, "Repair café set-up")
    _do(story, "chen", "commons.deposit.received", {"booking": ride, "amount": 2000, "unit": "EUR"})
    cafe = _repair_cafe(story, day + timedelta(days=1, hours=14))

    _until(story, day + timedelta(hours=14, minutes=40))
    _breach_and_appeal(story, bike, ride)
    _do(
        story,
        "bruno",
        "commons.breach.reported",
        {
            "resource": room,
            "member": story.did("farah"),
            "rule": "Leave the workshop as you found it",
            "booking": tidy,
            "note": "Sawdust on the bench and the sander left out.",
        },
    )
    _until(story, day + timedelta(days=1, hours=12))
    commons.run_due(story.node)  # the node draws the garden beds
    _check_in(story, cafe, day + timedelta(days=1, hours=14))


def upcoming(story: Story) -> None:
    """Bookings to come, an assembly with RSVPs, a seed swap with a waitlist, a proposal."""
    resources = {r["title"]: r["id"] for r in commons.resources(story.node)}
    room, bike = resources["Workshop room"], resources["Cargo bike"]
    day = _midnight(story, days=1)
    _book(story, "dalia", bike, day + timedelta(hours=9), 4, "Compost run")
    _book(story, "ivo", room, day + timedelta(days=5, hours=10), 4, "Repair café")
    _do(story, "bruno", "commons.condition.reported", _worn_saw(room))
    assembly = _do(
        story,
        "amara",
        "gatherings.gathering.scheduled",
        {
            "kind": "assembly",
            "title": "Spring assembly",
            "description": "The budget for the barn roof, the garden rota, and the solar panels.",
            "place": "The barn",
            "starts": utc_stamp(day + timedelta(days=9, hours=18)),
            "ends": utc_stamp(day + timedelta(days=9, hours=21)),
            "capacity": 40,
            "rsvp_required": True,
        },
    )
    for name in ("amara", "bruno", "dalia", "farah", "ivo", HANA):
        _do(story, name, "gatherings.rsvp.given", {"gathering": assembly, "response": "yes"})
    swap = _do(
        story,
        "dalia",
        "gatherings.gathering.scheduled",
        {
            "title": "Seed swap",
            "description": "Bring seeds in labelled envelopes; take what you will sow.",
            "place": "The seed library shelf, in the barn",
            "starts": utc_stamp(day + timedelta(days=3, hours=16)),
            "ends": utc_stamp(day + timedelta(days=3, hours=18)),
            "capacity": 3,
        },
    )
    for name in ("amara", "emil", "chen", "farah"):  # farah is fourth: the waitlist
        _do(story, name, "gatherings.rsvp.given", {"gathering": swap, "response": "yes"})
    _propose_longer_rides(story, bike)
    _this_week(story, resources, day)


def _this_week(story: Story, resources: dict[str, int], day: datetime) -> None:
    """For the pages: a busier week, an appeal waiting for a steward, an autumn lottery open."""
    room, bike, beds = (
        resources["Workshop room"],
        resources["Cargo bike"],
        resources["Community garden beds"],
    )
    _book(story, "chen", room, day + timedelta(hours=14), 3, "Sharpening chisels")
    _book(story, "amara", bike, day + timedelta(days=2, hours=10), 4, "Market run")
    _book(story, "emil", room, day + timedelta(days=3, hours=9, minutes=30), 2, "Bike repairs")
    warning = _do(
        story,
        "chen",
        "commons.breach.reported",
        {
            "resource": bike,
            "member": story.did(HANA),
            "rule": "Lock the bike to the rack",
            "note": "Left unlocked outside the station for an afternoon.",
        },
    )
    _do(
        story,
        HANA,
        "commons.appeal.filed",
        {
            "sanction": warning,
            "grounds": "I locked it with the frame lock; the chain lock is broken, "
            "and I said so in the bike's notebook.",
        },
    )
    season = story.node.state.get("commons.rounds", min(_round_ids(story)))
    autumn = _do(
        story,
        "amara",
        "commons.round.opened",
        {
            "resource": beds,
            "start": season["end"],
            "end": utc_stamp(parse_utc(season["end"]) + timedelta(days=150)),
            "closes": utc_stamp(day + timedelta(days=6)),
            "note": "Autumn and winter season: one bed per household.",
        },
    )
    for name in ("bruno", "dalia", "ivo"):
        _do(story, name, "commons.round.entered", {"round": autumn})


def _round_ids(story: Story) -> list[int]:
    return [r["id"] for _key, r in story.node.state.items("commons.rounds")]


def _register(story: Story) -> tuple[int, int, int]:
    def rules(stewards: list[str], **more: Any) -> dict[str, Any]:
        return {"stewards": [story.did(s) for s in stewards], **more}

    room = _resource(
        story,
        "room",
        "Workshop room",
        "The ground-floor workshop: benches, a pillar drill, hand tools.",
        rules(
            ["bruno"],
            monitors=[story.did("chen")],
            limits={"max_hours": 4, "max_active": 2, "advance_days": 30},
        ),
    )
    bike = _resource(
        story,
        "vehicle",
        "Cargo bike",
        "A long-john cargo bike with a rain cover; carries 100 kg.",
        rules(
            ["chen", "amara"],
            limits={"max_hours": 8, "max_active": 1, "advance_days": 21},
            deposit={"amount": 2000, "unit": "EUR"},
        ),
    )
    beds = _resource(
        story,
        "land",
        "Community garden beds",
        "Five raised beds by the river, allocated by lot each season.",
        rules(
            ["amara"],
            allocation="lottery",
            units=5,
            limits={"max_hours": 200 * 24, "max_active": 1, "advance_days": 365},
        ),
    )
    _resource(
        story,
        "knowledge",
        "Seed library",
        "Saved seeds from members' gardens, and notes on growing them here.",
        rules(["dalia"], allocation="open"),
    )
    return room, bike, beds


def _breach_and_appeal(story: Story, bike: int, ride: int) -> None:
    """A flat tyre: a serious breach, a suspension, an appeal heard by the other steward."""
    _do(
        story,
        "chen",
        "commons.condition.reported",
        {
            "resource": bike,
            "condition": "damaged",
            "note": "Back tyre flat; returned forty minutes late.",
            "booking": ride,
        },
    )
    sanction = _do(
        story,
        "chen",
        "commons.breach.reported",
        {
            "resource": bike,
            "member": story.did("emil"),
            "rule": "Return the bike on time and in working order",
            "severity": "serious",
            "booking": ride,
        },
    )
    _do(
        story,
        "emil",
        "commons.appeal.filed",
        {
            "sanction": sanction,
            "grounds": "Glass on the river path punctured the tyre; I walked the bike back "
            "and told Chen at once.",
        },
    )
    _do(
        story,
        "amara",
        "commons.appeal.decided",
        {
            "sanction": sanction,
            "outcome": "overturned",
            "reason": "A puncture from glass is bad luck, not a breach; he reported it.",
        },
    )
    _do(
        story,
        "chen",
        "commons.condition.reported",
        {"resource": bike, "condition": "good", "note": "New inner tube fitted."},
    )
    _do(story, "chen", "commons.deposit.returned", {"booking": ride, "amount": 2000, "unit": "EUR"})


def _repair_cafe(story: Story, starts: datetime) -> int:
    cafe = _do(
        story,
        "bruno",
        "gatherings.gathering.scheduled",
        {
            "title": "Repair café",
            "description": "Bring what is broken: lamps, bikes, clothes, toasters.",
            "place": "The workshop",
            "starts": utc_stamp(starts),
            "ends": utc_stamp(starts + timedelta(hours=3)),
            "capacity": 12,
            "checkin_code_hash": code_hash(CAFE_CODE),
            "organisers": [story.did("dalia")],
        },
    )
    for name in ("emil", "farah", HANA, "chen"):
        _do(story, name, "gatherings.rsvp.given", {"gathering": cafe, "response": "yes"})
    return cafe


def _check_in(story: Story, cafe: int, starts: datetime) -> None:
    """Organisers check two in; two check themselves in with the code on the door."""
    _until(story, starts + timedelta(minutes=10))
    for name in ("farah", "amara"):
        _do(
            story,
            "bruno",
            "gatherings.attendee.checked_in",
            {"gathering": cafe, "member": story.did(name)},
        )
    for name in ("emil", HANA):
        proof = claim_proof(CAFE_CODE, story.node.identity.did, cafe, story.did(name))
        _do(story, name, "gatherings.checkin.claimed", {"gathering": cafe, "proof": proof})
    _until(story, starts + timedelta(hours=3, minutes=15))
    _do(story, "bruno", "gatherings.code.revealed", {"gathering": cafe, "code": CAFE_CODE})


def _propose_longer_rides(story: Story, bike: int) -> None:
    """Under discussion: let the cargo bike be booked for a whole day (a rules change)."""
    rules = dict(story.node.state.get("commons.resources", bike)["rules"])
    rules["limits"] = {**rules["limits"], "max_hours": 12}
    body = {
        "kind": "commons",
        "topic": "commons",
        "title": "Let the cargo bike be booked for a whole day",
        "text": "Eight hours is too short for a trip to the tip and back with a stop at "
        "the market. Raise the longest booking to twelve hours.",
        "actions": [{"type": "commons.rules.set", "resource": bike, "rules": rules}],
    }
    proposal = _do(story, "dalia", "governance.proposal.drafted", body)
    _do(story, "dalia", "governance.proposal.submitted", {"proposal": proposal})


def _resource(story: Story, kind: str, title: str, text: str, rules: dict[str, Any]) -> int:
    body = {"kind": kind, "title": title, "description": text, "rules": rules}
    return _do(story, "amara", "commons.resource.registered", body)


def _book(story: Story, name: str, resource: int, start: datetime, hours: int, note: str) -> int:
    body = {
        "resource": resource,
        "start": utc_stamp(start),
        "end": utc_stamp(start + timedelta(hours=hours)),
        "note": note,
    }
    return _do(story, name, "commons.booking.made", body)


def _worn_saw(room: int) -> dict[str, Any]:
    return {"resource": room, "condition": "worn", "note": "The bandsaw blade needs replacing."}


def _do(story: Story, name: str, event_type: str, body: dict[str, Any], minutes: int = 10) -> int:
    """Sign and submit as ``name``; move the clock on a few minutes; return the leaf index."""
    return story.act(name, event_type, body, minutes=minutes).index


def _until(story: Story, moment: datetime) -> None:
    story.wait(max(0.0, (moment - story.node.clock()).total_seconds()))


def _midnight(story: Story, *, days: int) -> datetime:
    """Midnight (UTC) ``days`` after today in the story."""
    today = story.node.clock().replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days)
