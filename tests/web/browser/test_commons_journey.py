"""A member's week in the commons, in the browser: she registers a trailer with its rules,
books it (and is told why an overlapping slot is refused), cancels, records a deposit,
opens a lottery, enters it and re-draws it in the browser, appeals a warning; she schedules
a gathering with a self check-in code, RSVPs, checks in with the code, checks a friend in,
reveals the code afterwards, and finds her attendance credential among her credentials.
She drafts proposals too: new rules for the trailer, and her appeal put to the assembly.
Every action is an event signed by the key in her browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from commonweal.node.kernel.service import Node
from tests.web.browser.live import LiveNode, start_live_node
from tests.web.browser.steps import Shots, new_page, restore_key, signed_form, watch_errors

HOUR = 3600


def declare_euro(node: Node) -> None:
    """The node's treasury declares the euro, the unit deposits are asked in, and each
    founder pays 100.00 EUR into their account (a deposit is their money, held in escrow)."""
    body = {"code": "EUR", "name": "Euro", "exponent": 2, "kind": "fiat"}
    node.submit_as_node("treasury.unit.declared", body)
    for did, _record in sorted(node.state.items("membership.members")):
        income = {
            "to": f"member:{did}",
            "unit": "EUR",
            "amount": 10_000,
            "source": "bank_transfer",
            "evidence": "sha256:" + "b" * 64,
            "memo": "Paid in",
        }
        node.submit_as_node("treasury.income.recorded", income)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNode]:
    node = start_live_node(tmp_path_factory.mktemp("commons"), setup=declare_euro)
    yield node
    node.stop()


def slot(day: datetime, hour: int) -> str:
    """A datetime-local value (read by the page as UTC)."""
    return (day + timedelta(hours=hour)).strftime("%Y-%m-%dT%H:%M")


def stamp(day: datetime, hour: int) -> str:
    return (day + timedelta(hours=hour)).strftime("%Y-%m-%dT%H:%M:%SZ")


def node_now(live: LiveNode) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=live.offset)


def fill_when(page: Page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).fill(value)


@pytest.mark.slow
def test_a_member_books_draws_appeals_gathers_and_is_credited(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    context, page = new_page(browser)
    errors = watch_errors(page)
    base = live.url
    restore_key(page, base, live.keys["alice"], "harbour passphrase")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )

    # Register a trailer from the stewards' console, with its first rules.
    page.goto(f"{base}/commons/steward")
    page.get_by_text("Register a resource with its first rules").click()
    page.get_by_label("What it is called").fill("Bike trailer")
    page.get_by_label("Kind", exact=True).select_option("vehicle")
    page.get_by_label("Description").fill("Carries 60 kg; hitches to any bike.")
    page.locator("[data-rules-people=stewards]").get_by_label("Bob Okeke").check()
    page.get_by_label("Amount (empty: none)").fill("20.00")
    page.get_by_label("Appeals are heard by").select_option("proposal")
    shot(page, "register")
    signed_form(page, "Register it")
    trailer = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text("Bike trailer")
    expect(page.locator("li", has_text="Each booking owes a deposit of 20.00 EUR")).to_be_visible()
    rules = live.get(f"/v1/commons/{trailer}")["rules"]
    assert rules["deposit"] == {"amount": 2000, "unit": "EUR"}
    assert sorted(rules["stewards"]) == sorted(live.dids.values())

    # Its rules are not the stewards' to change: she drafts a proposal with new ones.
    page.get_by_text("Propose new rules for it").click()
    page.get_by_label("Why").fill("Day trips need longer bookings.")
    page.get_by_label("Longest booking (hours)").fill("48")
    signed_form(page, "Save the draft")
    expect(page).to_have_url(re.compile(r"/proposals/\d+$"))
    proposal = live.get(f"/v1/proposals/{page.url.rsplit('/', 1)[1]}")
    (action,) = proposal["alternatives"][0]["actions"]
    assert action["type"] == "commons.rules.set" and action["resource"] == trailer
    assert action["rules"] == {**rules, "limits": {**rules["limits"], "max_hours": 48}}
    page.goto(f"{base}/commons/{trailer}")

    # Book it; an overlapping slot is refused in words; cancel a second booking.
    live.act(
        "bob",
        "commons.booking.made",
        {"resource": trailer, "start": stamp(tomorrow, 14), "end": stamp(tomorrow, 16)},
    )
    page.reload()
    fill_when(page, "Starts (UTC)", slot(tomorrow, 15))
    fill_when(page, "Ends (UTC)", slot(tomorrow, 17))
    page.get_by_role("button", name="Book it").click()
    refusal = page.locator("#book [data-errors]")
    expect(refusal).to_contain_text("already booked")
    expect(refusal).to_contain_text("Choose a time the calendar shows as free")
    shot(page, "overlap-refused")
    fill_when(page, "Starts (UTC)", slot(tomorrow, 10))
    fill_when(page, "Ends (UTC)", slot(tomorrow, 12))
    page.get_by_label("Note (public, optional)").fill("Moving the sofa")
    signed_form(page, "Book it")
    week = page.get_by_test_id("week")
    expect(week.locator("td.booked.mine")).to_contain_text("10:00–12:00")
    expect(week.locator("td.booked").filter(has_text="Bob Okeke")).to_contain_text("14:00–16:00")
    fill_when(page, "Starts (UTC)", slot(tomorrow, 18))
    fill_when(page, "Ends (UTC)", slot(tomorrow, 19))
    signed_form(page, "Book it")
    shot(page, "booked")
    page.goto(f"{base}/commons/standing")
    cancel = page.get_by_role("button", name="Cancel booking").last
    page.once("dialog", lambda dialog: dialog.accept())
    cancel.click()
    expect(page.locator("#status .message.success")).to_contain_text("cancelled")
    expect(page.get_by_test_id("my-bookings").locator("li")).to_have_count(1)
    (kept,) = live.get(f"/v1/commons/bookings?resource={trailer}&member={live.dids['alice']}")[
        "bookings"
    ]

    # As a steward, record her deposit received.
    page.goto(f"{base}/commons/steward")
    row = page.get_by_test_id("deposits").locator("tr").filter(has_text="Alice Moreau")
    row.get_by_role("button", name="Received 20.00 EUR").click()
    expect(page.locator("#status .message.success")).to_contain_text("received")
    assert live.get(f"/v1/commons/bookings/{kept['id']}")["deposit"]["status"] == "held"

    # A lottery for garden plots: she opens a round, enters it, Bob enters too.
    plots = live.act(
        "alice",
        "commons.resource.registered",
        {
            "kind": "land",
            "title": "Garden plots",
            "rules": {"stewards": [live.dids["alice"]], "allocation": "lottery", "units": 1},
        },
    )
    now = node_now(live)
    page.goto(f"{base}/commons/steward")
    page.locator("#round-resource").select_option(str(plots))
    fill_when(page, "The period starts (UTC)", slot(tomorrow, 72))
    fill_when(page, "The period ends (UTC)", slot(tomorrow, 24 * 30))
    closes = (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    fill_when(page, "Entries close (UTC; no later than the start)", closes)
    signed_form(page, "Open the round")
    draw = int(page.url.rsplit("/", 1)[1])
    signed_form(page, "Enter this round")
    expect(page.get_by_test_id("entered")).to_be_visible()
    live.act("bob", "commons.round.entered", {"round": draw})

    # Bob, a steward, reports a breach of hers; she appeals it from her standing page.
    live.act(
        "bob",
        "commons.breach.reported",
        {"resource": trailer, "member": live.dids["alice"], "rule": "Return it clean"},
    )
    page.goto(f"{base}/commons/standing")
    expect(page.get_by_text("Return it clean.")).to_be_visible()
    page.get_by_label("Your grounds (public)").fill("It rained on the way back; I hosed it down.")
    signed_form(page, "File the appeal")
    expect(page.get_by_text("Your appeal is waiting for a decision.")).to_be_visible()
    shot(page, "appealed")
    page.get_by_text("Put it to the assembly").click()  # the trailer's appeals go to a vote
    page.get_by_label("What happened, and what you propose").fill("Rain, not neglect.")
    page.get_by_label("The proposal would").select_option("overturned")
    signed_form(page, "Save the draft")
    expect(page).to_have_url(re.compile(r"/proposals/\d+$"))
    proposal = live.get(f"/v1/proposals/{page.url.rsplit('/', 1)[1]}")
    (action,) = proposal["alternatives"][0]["actions"]
    assert (action["type"], action["outcome"]) == ("commons.sanction.decide", "overturned")

    # A gathering with a self check-in code made in the browser; she RSVPs, so does Bob.
    page.goto(f"{base}/gatherings/new")
    page.get_by_label("Title").fill("Harbour clean-up")
    page.get_by_label("Where (public)").fill("The slipway")
    fill_when(page, "Starts (UTC)", (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    fill_when(page, "Ends (UTC)", (now + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Places (0 for no limit)").fill("10")
    page.get_by_label("Let attendees check themselves in with a code shown at the venue").check()
    code = page.get_by_test_id("new-code").inner_text()
    assert len(code) == 14 and code[4] == code[9] == "-"
    shot(page, "schedule")
    page.get_by_role("button", name="Schedule it").click()
    expect(page).to_have_url(re.compile(r"/gatherings/\d+$"))
    gathering = int(page.url.rsplit("/", 1)[1])
    assert live.get(f"/v1/gatherings/{gathering}")["self_checkin"]
    signed_form(page, "Yes, I'm coming")
    expect(page.get_by_test_id("my-rsvp")).to_contain_text("You are going")
    live.act("bob", "gatherings.rsvp.given", {"gathering": gathering, "response": "yes"})

    # Two hours and a bit later: the lottery is drawn, the gathering is on.
    live.advance(2 * HOUR + 300)
    live.wait_for(
        lambda: live.get(f"/v1/commons/rounds/{draw}")["status"] == "allocated", "the draw"
    )
    page.goto(f"{base}/commons/rounds/{draw}")
    expect(page.get_by_test_id("draw").locator("tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Check the draw in this browser").click()
    expect(page.locator("[data-round-check] [data-verdict]")).to_contain_text("The draw checks out")
    shot(page, "draw-checked")
    page.goto(f"{base}/gatherings/{gathering}")
    page.get_by_label("The code shown at the venue").fill(code.lower().replace("-", " "))
    signed_form(page, "Check in")
    expect(page.get_by_test_id("my-attendance")).to_contain_text("checked in with the code")
    page.goto(f"{base}/gatherings/{gathering}/checkin")
    page.get_by_role("button", name="Show the code for the venue").click()
    expect(page.locator("[data-code]")).to_have_text(code)
    signed_form(page, "Check in Bob Okeke")
    expect(page.get_by_test_id("attended-count")).to_have_text("1")
    shot(page, "checkin-sheet")

    # Two days on: she reveals the code (this browser kept it), and holds her credential.
    live.advance(2 * 86_400)
    page.goto(f"{base}/gatherings/{gathering}/checkin")
    expect(page.get_by_label("The check-in code")).to_have_value(code)
    signed_form(page, "Reveal it and confirm the check-ins")
    expect(page.get_by_test_id("attended-count")).to_have_text("2")
    page.goto(f"{base}/me/credentials")
    expect(page.get_by_role("heading", name="Attended: Harbour clean-up")).to_be_visible()
    shot(page, "credential")

    # The trailer is back: the deposit is returned, with a part kept and why.
    page.goto(f"{base}/commons/steward")
    page.get_by_label("Keep for repairs (EUR, optional)").fill("5.00")
    page.get_by_label("Why (needed if you keep any)").fill("A new tail light")
    signed_form(page, "Returned")
    deposit = live.get(f"/v1/commons/bookings/{kept['id']}")["deposit"]
    assert (deposit["status"], deposit["returned"], deposit["retained"]) == ("returned", 1500, 500)
    shot(page, "console")

    # Every page she used fits a phone, with a label on every field.
    page.set_viewport_size({"width": 390, "height": 800})
    for path in (
        "/commons",
        f"/commons/{trailer}",
        f"/commons/rounds/{draw}",
        "/commons/standing",
        "/commons/steward",
        "/gatherings?when=past",
        f"/gatherings/{gathering}",
        f"/gatherings/{gathering}/checkin",
        "/gatherings/new",
    ):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert page.get_by_role("heading", level=1).count() == 1, path
        assert page.evaluate(UNLABELED) == [], path
    shot(page, "phone")
    assert errors == []
    context.close()


UNLABELED = """() => [...document.querySelectorAll(
    'input:not([type=hidden]):not([hidden]), select, textarea')]
  .filter(el => !el.labels.length && !el.getAttribute('aria-label'))
  .map(el => el.id || el.name)"""
