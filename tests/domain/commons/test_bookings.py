"""Registering resources and booking them: every refusal has its own code."""

from __future__ import annotations

import pytest

from commonweal.domain.commons.rules import parse_rules
from commonweal.domain.errors import InvalidBody
from tests.commons import at, book, booking_body, record, refused_booking, register, verified
from tests.community import Community
from tests.governance import admit

RESOURCES, BOOKINGS = "commons.resources", "commons.bookings"


def test_rules_take_defaults_and_a_normal_form() -> None:
    rules = parse_rules({"stewards": ["did:key:z6MkB", "did:key:z6MkA", "did:key:z6MkB"]})
    assert rules == {
        "stewards": ["did:key:z6MkA", "did:key:z6MkB"],
        "monitors": [],
        "access": "members",
        "allocation": "first_come",
        "units": 1,
        "limits": {"max_hours": 24, "max_active": 2, "advance_days": 60},
        "deposit": None,
        "sanctions": {
            "ladder": [
                {"kind": "warning"},
                {"kind": "suspension", "days": 14},
                {"kind": "referral"},
            ],
            "memory_days": 365,
        },
        "appeals": {"by": "stewards", "days": 14},
    }
    # a different key order gives the same normal form (events are replayed from sorted JSON)
    shuffled = {"limits": {"max_active": 2, "max_hours": 24}, "stewards": ["did:key:z6MkA"]}
    assert list(parse_rules(shuffled)["limits"]) == ["max_hours", "max_active", "advance_days"]


@pytest.mark.parametrize(
    ("rules", "says"),
    [
        ({}, "stewards"),
        ({"stewards": []}, "from 1"),
        ({"stewards": ["did:key:z6MkA"], "allocation": "auction"}, "allocation"),
        ({"stewards": ["did:key:z6MkA"], "units": 0}, "units"),
        ({"stewards": ["did:key:z6MkA"], "deposit": {"amount": 5}}, "deposit"),
        ({"stewards": ["did:key:z6MkA"], "deposit": {"amount": 5, "unit": "€ uro"}}, "unit"),
        ({"stewards": ["did:key:z6MkA"], "sanctions": {"ladder": []}}, "ladder"),
        ({"stewards": ["did:key:z6MkA"], "sanctions": {"ladder": [{"kind": "fine"}]}}, "kind"),
        (
            {"stewards": ["did:key:z6MkA"], "sanctions": {"ladder": [{"kind": "suspension"}]}},
            "days",
        ),
        ({"stewards": ["did:key:z6MkA"], "appeals": {"by": "oracle"}}, "appeals.by"),
        ({"stewards": ["did:key:z6MkA"], "access": {"role": "Bad Role"}}, "access"),
        ({"stewards": ["did:key:z6MkA"], "colour": "red"}, "colour"),
    ],
)
def test_malformed_rules_are_invalid(rules: dict[str, object], says: str) -> None:
    with pytest.raises(InvalidBody) as refusal:
        parse_rules(rules)
    assert says in refusal.value.message


def test_register_and_book(community: Community) -> None:
    room = register(community, title="Workshop room")
    assert record(community, RESOURCES, room)["rules"]["stewards"] == sorted(
        [community.did("alice"), community.did("bob")]
    )
    receipt = book(community, "carol", room, 2, 3, note="Repair café")
    booked = record(community, BOOKINGS, receipt.index)
    assert (booked["member"], booked["unit"], booked["status"]) == (
        community.did("carol"),
        1,
        "confirmed",
    )
    assert booked["start"] == at(community, hours=2) and booked["note"] == "Repair café"
    assert verified(community)


def test_registration_needs_the_permission_and_members_as_stewards(community: Community) -> None:
    admit(community, "dana")
    body = {"kind": "tool", "title": "Drill", "rules": {"stewards": [community.did("dana")]}}
    assert community.refused("dana", "commons.resource.registered", body) == "forbidden"
    body["rules"] = {"stewards": [community.did("nobody")]}
    assert community.refused("alice", "commons.resource.registered", body) == "not_a_member"
    body["rules"] = {"stewards": [community.did("alice")], "access": {"role": "cyclist"}}
    assert community.refused("alice", "commons.resource.registered", body) == "invalid_body"


def test_overlapping_bookings_are_refused(community: Community) -> None:
    room = register(community)
    book(community, "alice", room, 2, 3)  # 14:00-17:00
    assert refused_booking(community, "bob", room, 4, 2) == "overlap"  # 16:00-18:00
    assert refused_booking(community, "bob", room, 1, 2) == "overlap"  # 13:00-15:00
    assert refused_booking(community, "bob", room, 3, 1) == "overlap"  # inside
    book(community, "bob", room, 5, 1)  # 17:00-18:00: touching is not overlapping
    book(community, "carol", room, 0, 2)  # 12:00-14:00
    assert verified(community)


def test_each_unit_is_booked_separately(community: Community) -> None:
    bikes = register(community, title="Cargo bikes", kind="vehicle", units=2)
    first = book(community, "alice", bikes, 1, 4)
    second = book(community, "bob", bikes, 2, 4)
    assert [record(community, BOOKINGS, r.index)["unit"] for r in (first, second)] == [1, 2]
    assert refused_booking(community, "carol", bikes, 3, 1) == "overlap"
    assert refused_booking(community, "carol", bikes, 5.5, 1, unit=2) == "overlap"
    third = book(community, "carol", bikes, 5.5, 1, unit=1)
    assert record(community, BOOKINGS, third.index)["unit"] == 1
    assert refused_booking(community, "carol", bikes, 8, 1, unit=3) == "invalid_body"


def test_booking_outside_ones_rights(community: Community) -> None:
    room = register(community)
    community.apply("erin")  # applied, not admitted
    assert refused_booking(community, "erin", room, 1, 1) == "not_a_member"
    assert refused_booking(community, "stranger", room, 1, 1) == "not_a_member"
    admit(community, "dana")
    community.act("alice", "membership.member.suspended", {"member": community.did("dana")})
    assert refused_booking(community, "dana", room, 1, 1) == "suspended"


def test_a_resource_may_require_a_role(community: Community) -> None:
    community.act("alice", "membership.role.defined", {"name": "cyclist", "permissions": []})
    bike = register(community, title="Cargo bike", kind="vehicle", access={"role": "cyclist"})
    assert refused_booking(community, "carol", bike, 1, 1) == "role_required"
    community.act(
        "alice", "membership.role.granted", {"member": community.did("carol"), "role": "cyclist"}
    )
    book(community, "carol", bike, 1, 1)


def test_limits(community: Community) -> None:
    room = register(community, limits={"max_hours": 4, "max_active": 2, "advance_days": 7})
    assert refused_booking(community, "carol", room, 1, 5) == "beyond_limits"  # too long
    assert refused_booking(community, "carol", room, 8 * 24, 1) == "beyond_limits"  # too far ahead
    assert refused_booking(community, "carol", room, -1, 2) == "in_the_past"
    book(community, "carol", room, -0.2, 1)  # "from now": a few minutes back is fine
    book(community, "carol", room, 2, 1)
    assert refused_booking(community, "carol", room, 4, 1) == "beyond_limits"  # a third at once
    community.clock.advance(hours=1)  # the first has ended
    book(community, "carol", room, 4, 1)
    assert verified(community)


def test_open_and_round_resources_are_not_booked_directly(community: Community) -> None:
    library = register(community, title="Seed library", kind="knowledge", allocation="open")
    plots = register(community, title="Garden plots", kind="land", allocation="lottery")
    assert refused_booking(community, "carol", library, 1, 1) == "not_bookable"
    assert refused_booking(community, "carol", plots, 1, 1) == "not_bookable"


def test_cancelling_frees_the_slot(community: Community) -> None:
    room = register(community, stewards=("alice",))
    mine = book(community, "carol", room, 1, 2).index
    assert community.refused("bob", "commons.booking.cancelled", {"booking": mine}) == "forbidden"
    assert community.refused("carol", "commons.booking.cancelled", {"booking": 999}) == "not_found"
    community.act("carol", "commons.booking.cancelled", {"booking": mine, "reason": "ill"})
    cancelled = record(community, BOOKINGS, mine)
    assert cancelled["status"] == "cancelled" and cancelled["cancelled"]["reason"] == "ill"
    assert (
        community.refused("carol", "commons.booking.cancelled", {"booking": mine}) == "not_active"
    )
    book(community, "bob", room, 1, 2)  # the slot is free again
    late = book(community, "carol", room, 4, 1).index
    community.clock.advance(hours=6)
    assert (
        community.refused("alice", "commons.booking.cancelled", {"booking": late})
        == "already_ended"
    )
    assert verified(community)


def test_condition_reports_and_out_of_service(community: Community) -> None:
    admit(community, "dana")
    bike = register(community, title="Cargo bike", kind="vehicle", monitors=[community.did("dana")])
    report = {"resource": bike, "condition": "worn", "note": "Brakes squeak."}
    community.act("carol", "commons.condition.reported", report)
    assert record(community, RESOURCES, bike)["condition"] == "worn"
    broken = {"resource": bike, "condition": "out_of_service", "note": "Flat tyre."}
    assert community.refused("carol", "commons.condition.reported", broken) == "not_monitor"
    community.act("dana", "commons.condition.reported", broken)
    assert refused_booking(community, "carol", bike, 1, 1) == "out_of_service"
    fixed = {"resource": bike, "condition": "good"}
    assert community.refused("carol", "commons.condition.reported", fixed) == "not_monitor"
    community.act("alice", "commons.condition.reported", fixed)
    book(community, "carol", bike, 1, 1)
    assert verified(community)


def test_stewards_describe_but_do_not_set_rules(community: Community) -> None:
    room = register(community)
    change = {"resource": room, "description": "Ground floor, step-free."}
    assert community.refused("carol", "commons.resource.updated", change) == "not_steward"
    community.act("bob", "commons.resource.updated", change)
    assert record(community, RESOURCES, room)["description"] == "Ground floor, step-free."
    assert record(community, RESOURCES, room)["title"] == "Workshop"
    assert (
        community.refused("bob", "commons.resource.updated", {"resource": room}) == "invalid_body"
    )
    assert community.refused("bob", "commons.rules.set", {"resource": room}) == "unknown_type"


def test_a_booking_body_is_checked(community: Community) -> None:
    room = register(community)
    body = booking_body(community, room, 2, 1)
    for bad in (
        {**body, "end": body["start"]},
        {**body, "start": "tomorrow"},
        {**body, "start": "2026-11-23T12:00:00.5Z"},
        {**body, "colour": "red"},
    ):
        assert community.refused("carol", "commons.booking.made", bad) == "invalid_body"
    offset = {**body, "start": "2026-11-23T15:00:00+01:00", "end": "2026-11-23T16:00:00+01:00"}
    receipt = community.act("carol", "commons.booking.made", offset)
    assert record(community, BOOKINGS, receipt.index)["start"] == "2026-11-23T14:00:00Z"
