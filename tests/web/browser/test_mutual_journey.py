"""Mutual aid, a campaign and funding, clicked through by two members in their browsers.

Alice asks for help and Bob answers; they agree the details in messages the node relays
(signed in the browser, read back with a signed inbox request, never in the log); Alice
settles in time-bank hours. Alice launches an all-or-nothing campaign and a dominant
assurance contract; both pledge. Alice opens a quadratic-funding round and a conviction
pool; they give, propose and stake. A day passes on the node's test clock: the node
closes the campaigns (one collected, one refunded with its bonus) and the round, and pays
the proposal whose conviction reached its threshold.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from commonweal.core.commitment import commitment, new_salt
from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey, load_key_file
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.aid.geohash import distance_km, encode
from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.setup import open_store
from commonweal.node.kernel.verify import verify_log
from tests.web.browser.live import LiveNode
from tests.web.browser.steps import Shots, new_page, restore_key, signed_form, watch_errors

DAY = 86_400
HARBOUR = {"latitude": 51.5072, "longitude": -0.1276}
BOB_AREA = "gcpvn"  # a cell a few kilometres away


def sign_as(live: LiveNode, key: SigningKey, event_type: str, body: dict[str, Any]) -> int:
    """Sign an event with ``key`` (the node's own, or a member's) and submit it; its index."""
    did = did_key_from_public_key(key.public_key)
    node = live.get("/.well-known/commonweal")["did"]
    seq = live.get(f"/v1/authors/{did}")["last_seq"] + 1
    at = format_utc(datetime.now(UTC))
    event = sign_event(key, type=event_type, node=node, seq=seq, at=at, body=body)
    response = live.client.post("/v1/events", json=event)
    assert response.status_code == 201, response.text
    index: int = response.json()["index"]
    return index


def set_the_scene(live: LiveNode) -> SigningKey:
    """The node declares the euro and a time bank; Carol applies and the founders vouch her
    in; each of them pays 1,000.00 EUR in (what they pledge and give moves in the ledger).
    Her key."""
    node_key = load_key_file((live.data_dir / "node.key").read_bytes(), None)
    sign_as(
        live,
        node_key,
        "treasury.unit.declared",
        {"code": "EUR", "name": "Euro", "exponent": 2, "kind": "fiat"},
    )
    sign_as(
        live,
        node_key,
        "treasury.unit.declared",
        {"code": "HOUR", "name": "Time-bank hour", "exponent": 2, "kind": "hours"},
    )
    # a time bank runs as mutual credit: members may owe up to 50 hours
    limits = {"default": {"min": -5_000, "max": None}}
    sign_as(live, node_key, "credit.policy.set", {"unit": "HOUR", "limits": limits})
    carol = SigningKey.generate()
    did = did_key_from_public_key(carol.public_key)
    profile, salt = {"display_name": "Carol Diaz", "show_name": True}, new_salt()
    node = live.get("/.well-known/commonweal")["did"]
    event = sign_event(
        carol,
        type="membership.application.submitted",
        node=node,
        seq=1,
        at=format_utc(datetime.now(UTC)),
        body={"commitment": commitment(profile, salt)},
    )
    applied = live.client.post(
        "/v1/membership/applications", json={"event": event, "profile": profile, "salt": salt}
    )
    assert applied.status_code == 201, applied.text
    for founder in ("alice", "bob"):
        live.act(founder, "membership.vouch.given", {"applicant": did})
    for member in (live.dids["alice"], live.dids["bob"], did):
        income = {
            "to": f"member:{member}",
            "unit": "EUR",
            "amount": 100_000,
            "source": "bank_transfer",
            "evidence": "sha256:" + "b" * 64,
            "memo": "Paid in",
        }
        sign_as(live, node_key, "treasury.income.recorded", income)
    return carol


def local(moment: datetime) -> str:
    """A datetime-local value (the browser runs in UTC)."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def index_in(page: Page) -> int:
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def fits(page: Page) -> bool:
    """Nothing is wider than the screen (Bob's phone is 390 px wide), and every field that
    shows has a label."""
    width: int = page.evaluate("document.documentElement.scrollWidth")
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter(el => el.offsetParent !== null)
             .filter(el => !el.labels.length && !el.getAttribute('aria-label'))
             .map(el => el.id || el.name)"""
    )
    assert unlabeled == [], (page.url, unlabeled)
    return width <= 390


@pytest.mark.slow
def test_aid_campaigns_and_funding_in_the_browser(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    carol = set_the_scene(live)
    alice_context, alice = new_page(
        browser, timezone_id="UTC", geolocation=HARBOUR, permissions=["geolocation"]
    )
    bob_context, bob = new_page(browser, timezone_id="UTC", viewport={"width": 390, "height": 844})
    errors = watch_errors(alice) + watch_errors(bob)
    restore_key(alice, live.url, live.keys["alice"], "alice key passphrase")
    restore_key(bob, live.url, live.keys["bob"], "bob key passphrase")

    # 1. Alice asks for help, from her own coarse area (found from her device's location,
    #    in the browser: the same cell the node's own geohash code gives).
    alice.goto(f"{live.url}/aid")
    alice.get_by_role("button", name="Find my area from this device's location").click()
    area = encode(HARBOUR["latitude"], HARBOUR["longitude"])
    expect(alice.get_by_label("Your area")).to_have_value(area)
    alice.get_by_label("Within").select_option("10")
    alice.get_by_role("link", name="Ask for help").first.click()
    alice.get_by_label("In a line, what you need").fill("A lift to the ferry on Saturday")
    alice.get_by_label("Category").fill("transport")
    alice.get_by_label("How urgent").select_option("high")
    alice.get_by_role("button", name="Use my area").click()
    expect(alice.get_by_label("Roughly where (optional)")).to_have_value(area)
    alice.get_by_role("button", name="Sign and post").click()
    expect(alice).to_have_url(re.compile(r"/aid/\d+$"))
    request = index_in(alice)
    shot(alice, "aid-requested")

    # 2. Bob, on his phone, finds it on the board near him and answers it.
    bob.goto(f"{live.url}/aid")
    bob.get_by_label("Your area").fill(BOB_AREA)
    bob.get_by_role("button", name="Use this area").click()
    expect(bob.locator(f'[data-post="{request}"] [data-distance]')).to_have_text(
        f" (about {distance_km(BOB_AREA, area)} km from you)"
    )
    assert fits(bob)
    shot(bob, "aid-board-near-bob")
    bob.get_by_role("link", name="A lift to the ferry on Saturday").click()
    signed_form(bob, "Answer: I can help")
    expect(bob.get_by_test_id("aid-status")).to_have_text("taken up")

    # 3. They write to each other through the node; the log never sees the words.
    bob.get_by_label("Your message").fill("Happy to drive you. Which ferry, the 9:40?")
    bob.get_by_role("button", name="Send through the node").click()
    expect(bob.locator("[data-messages]")).to_contain_text("Which ferry, the 9:40?")
    alice.reload()
    expect(alice.locator("[data-messages]")).to_contain_text("Which ferry, the 9:40?")
    alice.get_by_label("Your message").fill("Yes please, from the garden gate.")
    alice.get_by_role("button", name="Send through the node").click()
    expect(alice.locator("[data-messages]")).to_contain_text("garden gate")
    shot(alice, "aid-messages")
    bob.goto(f"{live.url}/aid/mine")
    expect(bob.locator("[data-inbox-list]")).to_contain_text("garden gate")
    assert fits(bob)
    shot(bob, "aid-inbox")
    bob.goto(f"{live.url}/aid/{request}")
    signed_form(bob, "The help was given")

    # 4. Alice, who received the help, settles it in time-bank hours.
    alice.reload()
    alice.get_by_label("In time-bank hours, from you to Bob Okeke").check()
    alice.get_by_label("Hours", exact=True).fill("1")
    alice.get_by_label("and minutes").fill("30")
    signed_form(alice, "Settle")
    expect(alice.get_by_test_id("aid-settlement")).to_contain_text("1 h 30 min")
    assert "data-conversation" not in alice.content()  # settled: the messages are erased
    shot(alice, "aid-settled")

    # 5. Two campaigns: all or nothing, and a dominant assurance contract.
    deadline = local(datetime.now(UTC) + timedelta(hours=20))
    alice.goto(f"{live.url}/campaigns/new")
    alice.get_by_label("Title").fill("New oars for the guild boat")
    alice.get_by_label("Deadline", exact=True).fill(deadline)
    alice.get_by_label("Goal", exact=True).fill("100")
    alice.get_by_label("The community's treasury").check()
    alice.get_by_role("button", name="Sign and launch").click()
    expect(alice).to_have_url(re.compile(r"/campaigns/\d+$"))
    oars = index_in(alice)
    alice.goto(f"{live.url}/campaigns/new")
    alice.get_by_label(re.compile("^Dominant assurance")).check()
    alice.get_by_label("Title").fill("A mural on the harbour wall")
    alice.get_by_label("Deadline", exact=True).fill(deadline)
    alice.get_by_label("Goal", exact=True).fill("200")
    alice.get_by_label("Price of each pledge").fill("50")
    alice.get_by_label("Bonus you pay each pledger if the goal is missed").fill("5")
    alice.get_by_role("button", name="Sign and launch").click()
    expect(alice).to_have_url(re.compile(r"/campaigns/\d+$"))
    mural = index_in(alice)
    bob.goto(f"{live.url}/campaigns/{oars}")
    bob.get_by_label("My pledge (EUR)").fill("60")
    signed_form(bob, "Pledge")
    expect(bob.get_by_test_id("my-pledge")).to_contain_text("60.00 EUR")
    alice.goto(f"{live.url}/campaigns/{oars}")
    alice.get_by_label("My pledge (EUR)").fill("45.50")
    signed_form(alice, "Pledge")
    expect(alice.get_by_test_id("campaign-progress")).to_have_text(
        "105.50 EUR pledged of 100.00 EUR"
    )
    shot(alice, "campaign-goal-reached")
    bob.goto(f"{live.url}/campaigns/{mural}")
    signed_form(bob, "Pledge 50.00 EUR")

    # 6. A round of quadratic funding, and a conviction pool.
    alice.goto(f"{live.url}/rounds")
    alice.get_by_text("Open a quadratic-funding round").click()
    alice.get_by_label("Title").first.fill("Harbour projects")
    alice.get_by_label("Matching pool (from the treasury)").fill("100")
    alice.get_by_label("Closes").fill(deadline)
    alice.get_by_role("button", name="Sign and open the round").click()
    expect(alice).to_have_url(re.compile(r"/rounds/\d+$"))
    funding_round = index_in(alice)
    bob.goto(f"{live.url}/rounds/{funding_round}")
    bob.get_by_text("Enter a project").click()
    bob.get_by_label("Title").fill("Benches on the quay")
    signed_form(bob, "Sign and enter the project")
    assert fits(bob)
    benches = live.get(f"/v1/rounds/{funding_round}")["projects"][0]["id"]
    sign_as(live, carol, "funding.contribution.made", {"project": benches, "amount": 900})
    alice.reload()
    expect(alice.get_by_test_id(f"match-{benches}")).to_have_text("0.00 EUR")  # one giver
    alice.get_by_label("Give (EUR)").fill("4")
    signed_form(alice, "Give to this project")
    match = live.get(f"/v1/rounds/{funding_round}")["projects"][0]["match"]
    assert match == 1200  # (√400 + √900)² − 1,300 = 1,200 cents, under the pool
    expect(alice.get_by_test_id(f"match-{benches}")).to_have_text("12.00 EUR")
    shot(alice, "round-preview")

    alice.goto(f"{live.url}/rounds")
    alice.get_by_text("Open a conviction pool").click()
    alice.get_by_label("Title").nth(1).fill("Boathouse fund")
    alice.get_by_role("button", name="Sign and open the pool").click()
    expect(alice).to_have_url(re.compile(r"/rounds/\d+$"))
    pool = index_in(alice)
    alice.get_by_text("Add funds to the pool").click()
    alice.get_by_label("Amount (EUR)").fill("500")
    signed_form(alice, "Add funds")
    bob.goto(f"{live.url}/rounds/{pool}")
    bob.get_by_text("Ask the pool for money").click()
    bob.get_by_label("What for").fill("Paint for the boathouse")
    bob.get_by_label("How much (EUR)").fill("50")
    signed_form(bob, "Sign and ask")
    assert fits(bob)
    paint = live.get(f"/v1/rounds/{pool}")["proposals"][0]["id"]
    alice.reload()
    alice.get_by_label("My points on it").fill("800")
    signed_form(alice, "Set")
    expect(alice.get_by_test_id("stake-placed")).to_have_text("800")
    expect(alice.get_by_text("it passes in about 1 day")).to_be_visible()
    assert alice.locator("svg.conviction").count() == 1
    shot(alice, "pool-staked")

    # 7. A day passes on the node's clock: it closes and pays what fell due.
    live.advance(DAY + 60)
    live.wait_for(
        lambda: (
            live.get(f"/v1/campaigns/{mural}")["status"] == "failed"
            and live.get(f"/v1/rounds/{funding_round}")["status"] == "closed"
            and live.get(f"/v1/rounds/{pool}")["proposals"][0]["status"] == "executed"
        ),
        "the campaigns, the round and the proposal to close",
    )
    alice.goto(f"{live.url}/campaigns/{oars}")
    expect(alice.get_by_test_id("campaign-outcome")).to_contain_text(
        "Succeeded: 105.50 EUR collected for the treasury"
    )
    expect(alice.get_by_role("row", name="Bob Okeke 60.00 EUR charged")).to_be_visible()
    shot(alice, "campaign-collected")
    bob.goto(f"{live.url}/campaigns/{mural}")
    expect(bob.get_by_test_id("campaign-outcome")).to_contain_text("paid 5.00 EUR in bonuses")
    expect(bob.get_by_test_id("bonus")).to_have_text("5.00 EUR")
    assert fits(bob)
    shot(bob, "campaign-refunded-with-bonus")
    alice.goto(f"{live.url}/rounds/{funding_round}")
    expect(alice.get_by_test_id("round-status")).to_have_text("Closed")
    expect(alice.get_by_test_id(f"match-{benches}")).to_have_text("12.00 EUR")
    alice.goto(f"{live.url}/rounds/{pool}")
    expect(alice.get_by_test_id(f"proposal-status-{paint}")).to_have_text("paid")
    expect(alice.get_by_test_id("pool-funds")).to_have_text("450.00 EUR")
    shot(alice, "pool-paid")

    assert errors == []
    store = open_store(str(live.data_dir))
    try:
        logged = b"".join(e.leaf for e in store.entries(0, store.count_entries()))
        report = verify_log(store, default_registry(), compare_with=store)
    finally:
        store.engine.dispose()
    # the relayed messages stay off the log (their words, not "9:40": a receipt time may hold it)
    assert b"Which ferry" not in logged and b"garden gate" not in logged
    assert report.ok, report
    for context in (alice_context, bob_context):
        context.close()
