"""A member casts a secret ballot from the proposal page: the token is blinded, the
ballot sealed and signed by a one-time key in the browser, the receipt kept and checked
before and after the close — and the member's DID is nowhere in the sealed ballot."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from tests.web.browser.live import LiveNode, start_live_node
from tests.web.browser.steps import Shots, new_page, restore_key, watch_errors

VENDORED = Path(__file__).resolve().parents[3] / "src/commonweal/web/static/vendor/noble"


def constitution() -> dict[str, Any]:
    """The default constitution, with decisions voted in secret."""
    rules = copy.deepcopy(DEFAULT_CONSTITUTION)
    rules["kinds"]["decision"].update(discussion_seconds=60, voting_seconds=600, ballot="secret")
    return rules


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNode]:
    node = start_live_node(tmp_path_factory.mktemp("secret-page"), constitution())
    yield node
    node.stop()


@pytest.mark.slow
def test_a_member_casts_a_secret_ballot_in_the_page(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    if not (VENDORED / "curves" / "ed25519.js").exists():
        pytest.skip("the vendored @noble modules are missing (make vendor)")
    shot = Shots(artifacts)
    body = {"kind": "decision", "topic": "general", "title": "Paint the boathouse", "text": "Blue."}
    pid = live.act("alice", "governance.proposal.drafted", body)
    live.act("alice", "governance.proposal.submitted", {"proposal": pid})
    live.advance(61)
    live.wait_for(
        lambda: live.client.get(f"/v1/proposals/{pid}/secret").status_code == 200,
        "the secret ballot to open",
    )
    alice = live.dids["alice"]

    context, page = new_page(browser)
    errors = watch_errors(page)
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live.url) else elsewhere.append(r.url))
    page.on(
        "console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None
    )
    restore_key(page, live.url, live.keys["alice"], "alice key passphrase")
    page.goto(f"{live.url}/proposals/{pid}")
    card = page.get_by_test_id("secret-ballot")
    expect(card).to_contain_text("What stays secret: who you voted for")
    expect(card).to_contain_text("What is not secret: that you took part")
    expect(card).to_contain_text("up to two minutes")
    page.get_by_role("radio", name="Yes").check()
    form = page.locator("form[data-secret-ballot]")
    form.evaluate("form => { form.dataset.maxDelay = '600'; }")  # a wait long enough to see
    shot(page, "ballot")
    page.get_by_role("button", name="Seal and cast my ballot").click()
    status = page.locator("[data-secret-status]")
    expect(status).to_have_text(re.compile("Casting in|entry"), timeout=30_000)
    cast_now = page.get_by_role("button", name="Cast now, without waiting")
    if cast_now.is_visible():
        shot(page, "waiting")
        cast_now.click()
    expect(status).to_contain_text("sealed ballot is entry", timeout=30_000)
    index = int(re.search(r"entry (\d+)", status.inner_text()).group(1))  # type: ignore[union-attr]
    assert errors == []

    # The log: alice's token request is signed by her; the ballot by a key of its own.
    sealed = live.get(f"/v1/events/{index}")
    sealed_event = sealed.get("event", sealed)
    assert sealed_event["type"] == "governance.ballot.sealed"
    assert sealed_event["author"] != alice and sealed_event["seq"] == 1
    assert alice not in json.dumps(sealed)
    assert live.get(f"/v1/authors/{sealed_event['author']}")["last_seq"] == 1
    request = live.get(f"/v1/proposals/{pid}/secret/tokens/{alice}")
    assert request["signature"]  # she took a token, publicly
    kept = page.evaluate("() => JSON.stringify(localStorage)")
    assert "receipt" in kept

    receipt = page.get_by_test_id("secret-receipt")
    expect(receipt).to_be_visible()
    with page.expect_request(lambda r: "/secret/ballots/" in r.url) as checked:
        receipt.get_by_role("button", name="Check that it is in the log").click()
    assert "cookie" not in checked.value.all_headers()
    expect(receipt.locator("[data-receipt-result]")).to_contain_text(
        f"entry {index} of the log, and it carries your token"
    )
    expect(receipt.locator("[data-receipt-result]")).to_contain_text("after the vote closes")
    shot(page, "receipt")
    page.reload()
    expect(page.locator("form[data-secret-ballot]")).to_be_hidden()  # one ballot, kept

    # Bob takes his token now and casts on a later visit: then without waiting.
    bob_context, bob_page = new_page(browser)
    bob_errors = watch_errors(bob_page)
    restore_key(bob_page, live.url, live.keys["bob"], "bob key passphrase")
    bob_page.goto(f"{live.url}/proposals/{pid}")
    bob_page.get_by_role("button", name="Only take my token now (cast later)").click()
    bob_status = bob_page.locator("[data-secret-status]")
    expect(bob_status).to_contain_text("Come back later to cast your ballot")
    bob_page.reload()
    expect(bob_status).to_contain_text("casting now uses it, without waiting")
    bob_page.get_by_role("radio", name="No", exact=True).check()
    sealed_post = "/v1/events"
    with bob_page.expect_request(
        lambda r: r.method == "POST" and r.url.endswith(sealed_post)
    ) as cast:
        bob_page.get_by_role("button", name="Seal and cast my ballot").click()
    assert "governance.ballot.sealed" in (cast.value.post_data or "")
    assert "cw_session" in json.dumps(bob_context.cookies())  # signed in, and yet:
    assert "cookie" not in cast.value.all_headers()  # the ballot goes without the session
    expect(bob_status).to_contain_text("sealed ballot is entry")
    expect(bob_page.get_by_role("button", name="Cast now, without waiting")).to_be_hidden()
    bob_index = int(re.search(r"entry (\d+)", bob_status.inner_text()).group(1))  # type: ignore[union-attr]
    bob_sealed = live.get(f"/v1/events/{bob_index}")
    assert live.dids["bob"] not in json.dumps(bob_sealed)
    assert bob_errors == []
    bob_context.close()

    # After the close (the node is the only teller): the same check says it was counted.
    live.advance(600)
    live.wait_for_phase(pid, "closed")
    result = live.get(f"/v1/proposals/{pid}/result")["result"]
    assert result["counts"] == {"yes": 1, "no": 1, "abstain": 0}
    page.goto(f"{live.url}/proposals/{pid}")
    expect(receipt).to_contain_text("You cast “yes”")
    receipt.get_by_role("button", name="Check that it is in the log and was counted").click()
    expect(receipt.locator("[data-receipt-result]")).to_contain_text(
        "decrypted as “yes” and counted"
    )
    shot(page, "counted")
    assert errors == [] and elsewhere == []
    context.close()


@pytest.mark.slow
def test_without_the_vendored_modules_the_page_says_to_use_the_command_line(
    browser: Browser, live: LiveNode
) -> None:
    body = {"kind": "decision", "topic": "general", "title": "Mend the nets", "text": "Soon."}
    pid = live.act("bob", "governance.proposal.drafted", body)
    live.act("bob", "governance.proposal.submitted", {"proposal": pid})
    live.advance(61)
    live.wait_for(
        lambda: live.client.get(f"/v1/proposals/{pid}/secret").status_code == 200,
        "the secret ballot to open",
    )
    context, page = new_page(browser)
    restore_key(page, live.url, live.keys["bob"], "bob key passphrase")
    page.route("**/static/vendor/noble/**", lambda route: route.fulfill(status=404))
    page.goto(f"{live.url}/proposals/{pid}")
    expect(page.locator("[data-secret-status]")).to_contain_text("vote with the command line")
    expect(page.get_by_role("button", name="Seal and cast my ballot")).to_be_disabled()
    expect(page.get_by_test_id("secret-ballot")).to_contain_text(f"commonweal vote {pid}")
    context.close()
