"""What the commons pages read: rules in words under Ostrom's principles, the week as a
timetable, why a member cannot book (the same answer the booking rule gives), the draw of
a lottery with every ticket, and who may appeal or decide a sanction."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commonweal.core.language import speaking
from commonweal.domain.commons.rules import parse_rules
from commonweal.domain.timestamps import utc_stamp
from commonweal.node.kernel.errors import Rejected
from commonweal.node.read_models import commons as commons_views
from commonweal.node.read_models import commons_console as commons_console_views
from commonweal.node.read_models import commons_sanctions as commons_sanction_views
from commonweal.node.read_models.commons_week import first_day, week_grid
from commonweal.node.read_models.commons_words import (
    PRINCIPLES,
    amount_text,
    ladder_words,
    money,
    rules_in_words,
)
from tests.commons import at, book, booking_body, register, run_due, verified
from tests.community import Community
from tests.governance import admit

BREACH = "commons.breach.reported"


def test_the_principles_are_ostroms_own(vectors_dir: Path) -> None:
    principles = vectors_dir / "mutual" / "principles_ostrom_nna_networkstate.json"
    published = json.loads(principles.read_text())["ostrom_design_principles"]["principles"]
    assert {p["n"]: p["name"] for p in published} == PRINCIPLES


def test_rules_in_words() -> None:
    rules = parse_rules(
        {
            "stewards": ["did:key:z6MkChen"],
            "access": {"role": "cyclist"},
            "units": 3,
            "limits": {"max_hours": 8, "max_active": 1, "advance_days": 21},
            "deposit": {"amount": 2000, "unit": "EUR"},
            "appeals": {"by": "proposal", "days": 10},
        }
    )
    groups = rules_in_words(rules, {"did:key:z6MkChen": "Chen Wei"}, {"EUR": 2})
    assert [g["principle"] for g in groups] == [1, 2, 4, 5, 6]
    text = {g["heading"]: " ".join(g["sentences"]) for g in groups}
    assert "Members who hold the cyclist role." in text["Who may use it"]
    assert "3 identical units" in text["Who may use it"]
    assert "at most 8 hours" in text["How it is shared"]
    assert "at most 1 booking at a time" in text["How it is shared"]
    assert "deposit of 20.00 EUR" in text["How it is shared"]
    assert "Stewards: Chen Wei." in text["Who looks after it"]
    assert "within 10 days" in text["Appeals"] and "the assembly" in text["Appeals"]
    assert ladder_words(rules["sanctions"]) == [
        "The 1st breach on record: a warning.",
        "The 2nd breach on record: booking rights suspended for 14 days (bookings starting "
        "in that time are cancelled).",
        "The 3rd breach on record and every one after: a referral to the assembly; booking "
        "rights stay suspended until a proposal decides.",
    ]


def test_money_in_the_units_decimals() -> None:
    assert money(2000, "EUR", {}) == "20.00 EUR"  # a currency code, not declared: two places
    assert money(150, "HOUR", {"HOUR": 2}) == "1.50 HOUR"
    assert money(7, "JPY", {"JPY": 0}) == "7 JPY"
    assert money(5, "seeds", {}) == "5 seeds"


def test_money_in_the_marks_of_the_language_spoken() -> None:
    assert money(123456, "EUR", {"EUR": 2}) == "1,234.56 EUR"  # grouped, as the treasury's
    with speaking("fr"):
        assert money(123456, "EUR", {"EUR": 2}) == "1\u202f234,56 EUR"
        assert amount_text(123456, "EUR", {}, grouped=False) == "1234,56"  # a form's field
    with speaking("es"):
        assert money(2000, "EUR", {}) == "20,00 EUR"
    with speaking("ar"):
        assert money(2000, "EUR", {}) == "20.00 EUR"


def entry(start: str, end: str, booking: int, unit: int = 1) -> list[object]:
    return [start, end, unit, booking, f"did:key:z6Mk{booking}"]


def test_the_week_as_a_timetable() -> None:
    first = datetime(2026, 12, 7, tzinfo=UTC)  # a Monday
    entries = [
        entry("2026-12-07T09:00:00Z", "2026-12-07T13:00:00Z", 1),
        entry("2026-12-08T09:00:00Z", "2026-12-08T09:30:00Z", 2),  # two in one hour: one cell
        entry("2026-12-08T09:30:00Z", "2026-12-08T10:30:00Z", 3),
        entry("2026-12-09T22:00:00Z", "2026-12-10T02:00:00Z", 4),  # across midnight
        entry("2026-12-11T09:00:00Z", "2026-12-11T10:00:00Z", 5, unit=2),  # another unit
    ]
    now = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
    grid = week_grid(entries, first, 1, now, {"did:key:z6Mk1": "Dalia"}, "did:key:z6Mk3")
    hours = [row["hour"] for row in grid["rows"]]
    assert hours == list(range(0, 24))  # stretched from 07-21 to the night booking
    assert [d["label"] for d in grid["days"]][:2] == ["Mon 7 Dec", "Tue 8 Dec"]
    assert [d["today"] for d in grid["days"]] == [False, True, False, False, False, False, False]
    by_hour = {row["hour"]: row["cells"] for row in grid["rows"]}
    monday = by_hour[9][0]
    assert monday["rowspan"] == 4 and monday["booked"][0]["label"] == "09:00–13:00"
    assert monday["booked"][0]["name"] == "Dalia"
    assert all(by_hour[h][0] is None for h in (10, 11, 12)) and "free" in by_hour[13][0]
    tuesday = by_hour[9][1]
    assert tuesday["rowspan"] == 2 and [s["booking"] for s in tuesday["booked"]] == [2, 3]
    assert tuesday["booked"][1]["mine"] and not tuesday["booked"][0]["mine"]
    assert by_hour[22][2]["booked"][0]["label"] == "from 22:00"
    assert by_hour[0][3]["booked"][0]["label"] == "until 02:00"
    assert by_hour[0][3]["rowspan"] == 2
    assert "free" in by_hour[9][4]  # unit 2's booking is not in unit 1's grid
    assert by_hour[8][0]["past"] and not by_hour[13][1]["past"]
    # every column adds up to the rows shown: spans, skipped cells and free hours
    for day in range(7):
        covered = sum(
            row["cells"][day]["rowspan"]
            for row in grid["rows"]
            if row["cells"][day] and "booked" in row["cells"][day]
        )
        free = sum(1 for row in grid["rows"] if row["cells"][day] and "free" in row["cells"][day])
        assert covered + free == len(grid["rows"])
    assert (grid["previous"], grid["next"]) == ("2026-11-30", "2026-12-14")


def test_a_season_booked_whole_keeps_the_days_hours() -> None:
    first = datetime(2026, 12, 7, tzinfo=UTC)
    season = [entry("2026-10-04T00:00:00Z", "2027-04-02T00:00:00Z", 1)]
    grid = week_grid(season, first, 1, first, {}, None)
    assert [row["hour"] for row in grid["rows"]] == list(range(7, 21))
    assert all(cell["rowspan"] == 14 for cell in grid["rows"][0]["cells"])
    assert {s["label"] for c in grid["rows"][0]["cells"] for s in c["booked"]} == {"all day"}


def test_the_first_day_shown() -> None:
    now = datetime(2026, 12, 9, 18, 30, tzinfo=UTC)
    assert first_day(None, now) == datetime(2026, 12, 9, tzinfo=UTC)
    assert first_day("2027-01-04", now) == datetime(2027, 1, 4, tzinfo=UTC)
    with pytest.raises(Rejected) as refused:
        first_day("next tuesday", now)
    assert refused.value.code == "invalid_request"


def why_not(community: Community, resource: int, name: str) -> str | None:
    """The code the page gives for why ``name`` cannot book ``resource`` now (None: they can)."""
    node = community.node
    with node.reading() as state:
        record = state.get("commons.resources", resource)
        refusal = commons_views.booking_refusal(
            state, record, community.did(name), utc_stamp(node.clock())
        )
    return refusal["code"] if refusal else None


def test_the_page_says_why_before_the_rule_refuses(community: Community) -> None:
    admit(community, "dana")
    community.apply("erin")
    bike = register(
        community, title="Cargo bike", kind="vehicle", limits={"max_active": 1}, stewards=("alice",)
    )
    plots = register(community, title="Plots", kind="land", allocation="lottery", units=2)
    community.act("alice", "membership.role.defined", {"name": "cyclist", "permissions": []})
    trike = register(community, title="Trike", kind="vehicle", access={"role": "cyclist"})
    book(community, "bob", bike, 1, 2)
    community.act(
        "alice",
        BREACH,
        {
            "resource": bike,
            "member": community.did("dana"),
            "rule": "Lock it",
            "severity": "serious",
        },
    )
    expected = {
        ("carol", bike): None,
        ("bob", bike): "beyond_limits",  # already holds the one booking allowed
        ("dana", bike): "booking_suspended",  # a serious first breach: straight to suspension
        ("erin", bike): "not_a_member",
        ("carol", plots): "not_bookable",
        ("carol", trike): "role_required",
    }
    for (name, resource), code in expected.items():
        assert why_not(community, resource, name) == code, (name, resource)
        body = booking_body(community, resource, 30, 1)
        if code is None:
            continue
        assert community.refused(name, "commons.booking.made", body) == code, (name, resource)
    community.act(
        "alice", "commons.condition.reported", {"resource": bike, "condition": "out_of_service"}
    )
    assert why_not(community, bike, "carol") == "out_of_service"
    assert verified(community)


def test_the_draw_with_every_ticket(community: Community) -> None:
    gardeners = ("dana", "erin", "finn", "gus")
    admit(community, *gardeners)
    plots = register(community, title="Plots", kind="land", allocation="lottery", units=2)
    body = {"resource": plots, "start": at(community, hours=48), "end": at(community, days=90)}
    season = community.act(
        "alice", "commons.round.opened", {**body, "closes": at(community, hours=24)}
    ).index
    for name in gardeners:
        community.act(name, "commons.round.entered", {"round": season})
    page = commons_views.round_page(community.node, season, community.did("dana"))
    assert page["is_open"] and page["entered"] and len(page["entrants"]) == 4
    community.clock.advance(hours=25)
    assert run_due(community) == ["commons.round.allocated"]
    page = commons_views.round_page(community.node, season, community.did("dana"))
    dids = sorted(community.did(n) for n in gardeners)
    seed_text = "|".join([community.node.identity.did, f"commons-round:{season}", *dids])
    assert page["seed_text"] == seed_text
    seed = hashlib.sha256(seed_text.encode()).hexdigest()
    assert page["round"]["seed"] == seed
    tickets = {d: hashlib.sha256(f"{seed}|{d}".encode()).hexdigest() for d in dids}
    assert [t["did"] for t in page["draw"]] == sorted(dids, key=lambda d: tickets[d])
    assert all(t["ticket"] == tickets[t["did"]] for t in page["draw"])
    assert [t["unit"] for t in page["draw"]] == [1, 2, None, None]
    assert not any(t["passed_over"] for t in page["draw"])
    assert verified(community)


def test_a_sanction_who_appeals_and_who_decides(community: Community) -> None:
    admit(community, "dana")
    room = register(community, stewards=("alice", "bob"))
    warning = community.act(
        "alice", BREACH, {"resource": room, "member": community.did("dana"), "rule": "Tidy up"}
    ).index
    as_dana = commons_sanction_views.sanction_page(community.node, warning, community.did("dana"))
    assert as_dana["sanction"]["can_appeal"] and as_dana["sanction"]["what"] == "a warning"
    community.act("dana", "commons.appeal.filed", {"sanction": warning, "grounds": "I did."})
    bob = commons_sanction_views.sanction_page(community.node, warning, community.did("bob"))[
        "sanction"
    ]
    alice = commons_sanction_views.sanction_page(community.node, warning, community.did("alice"))
    assert bob["can_decide"] and not bob["decide_refusal"]
    assert (
        not alice["sanction"]["can_decide"]
        and "another steward" in alice["sanction"]["decide_refusal"]
    )
    console = commons_console_views.steward_page(community.node, community.did("bob"), [])
    assert [s["id"] for s in console["appeals"]] == [warning]
    assert console["records"][0]["next"].startswith("booking rights suspended for 14 days")
    standing = commons_console_views.standing_page(community.node, community.did("dana"))
    assert standing["sanctions"][0]["appeal"]["grounds"] == "I did."
    assert not standing["sanctions"][0]["can_appeal"]  # once only
    assert verified(community)
