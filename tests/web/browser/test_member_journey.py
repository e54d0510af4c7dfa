"""A newcomer's whole journey through the pages, every action signed in the browser.

Create a key and back it up, apply, get two vouches, receive and verify the
membership credential, propose, be trusted with another member's vote, vote, see
the result carry the delegated weight — and restore the backup in a fresh browser
profile to sign in as the same member. The node is a real ``commonweal serve``; its
test clock jumps over the week of discussion and the week of voting.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import load_key_file
from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.setup import open_store
from commonweal.node.kernel.verify import verify_log
from tests.web.browser.live import LiveNode
from tests.web.browser.steps import (
    Shots,
    create_key,
    download_backup,
    new_page,
    restore_key,
    signed_form,
    watch_errors,
)

PASSPHRASE = "harbour lights at dusk"
WEEK = 7 * 86_400


def member_page(page: Page, live: LiveNode, did: str) -> None:
    page.goto(f"{live.url}/members/{did}")


@pytest.mark.slow
def test_newcomer_joins_proposes_is_trusted_votes_and_restores(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    newcomer, nadia = new_page(browser, accept_downloads=True)
    errors = watch_errors(nadia)

    # 1. A key made in the browser; the page insists on a backup until there is one.
    did = create_key(nadia, live.url, PASSPHRASE, next_path="/join")
    shot(nadia, "key-created")
    expect(nadia.locator("#key-banner")).to_contain_text("no backup yet")
    shot(nadia, "backup-warning")
    backup = download_backup(nadia, live.url, artifacts)
    nadia.goto(f"{live.url}/join")
    expect(nadia.locator("#key-banner")).to_be_hidden()
    assert did_key_from_public_key(load_key_file(backup.read_bytes(), PASSPHRASE).public_key) == did

    # 2. Apply with a private profile.
    nadia.get_by_label("Your name").fill("Nadia Haddad")
    nadia.get_by_label("How members can reach you (optional)").fill("nadia@example.org")
    nadia.get_by_role("button", name="Sign and send my application").click()
    expect(nadia.get_by_test_id("vouch-count")).to_have_text("0 of 2")
    shot(nadia, "applied")
    assert live.get(f"/v1/members/{did}")["status"] == "applicant"

    # 3. Two founders sign in with their key files and vouch.
    founders = {}
    for name in ("alice", "bob"):
        _context, page = new_page(browser)
        restore_key(page, live.url, live.keys[name], f"{name} key passphrase")
        member_page(page, live, did)
        signed_form(page, "Vouch for this applicant")
        shot(page, f"vouched-by-{name}")
        founders[name] = page
    nadia.goto(f"{live.url}/join")
    expect(nadia.get_by_test_id("joined")).to_be_visible()
    shot(nadia, "admitted")

    # 4. The membership credential: shown, then verified by the node's verifier page.
    nadia.goto(f"{live.url}/me/credentials")
    expect(nadia.get_by_test_id("credential-state")).to_have_text("in force")
    shot(nadia, "credential")
    nadia.get_by_test_id("verify-credential").first.click()
    expect(nadia.get_by_test_id("verdict")).to_contain_text("Valid")
    shot(nadia, "credential-verified")

    # 5. She proposes, and opens her draft for discussion.
    nadia.goto(f"{live.url}/proposals/new")
    nadia.get_by_label("Kind of proposal").select_option("decision")
    nadia.get_by_label("Title").fill("A boat for the guild")
    nadia.get_by_label("What you propose").fill(
        "Buy a second-hand rowing boat for harbour clean-ups."
    )
    nadia.get_by_role("button", name="Save the draft").click()
    expect(nadia).to_have_url(re.compile(r"/proposals/\d+$"))
    proposal = int(nadia.url.rsplit("/", 1)[1])
    signed_form(nadia, "Open it for discussion")
    expect(nadia.get_by_test_id("phase")).to_have_text("Under discussion")
    shot(nadia, "proposed")

    # 6. Bob entrusts his vote on everything to Nadia; she sees it.
    bob = founders["bob"]
    bob.goto(f"{live.url}/delegation")
    bob.get_by_label("Delegate Everything (the whole node) to").select_option(did)
    bob.get_by_role("row", name=re.compile("Everything")).get_by_role("button", name="Set").click()
    expect(bob.get_by_test_id("delegation-node")).to_have_text("Nadia Haddad")
    shot(bob, "bob-delegates")
    nadia.goto(f"{live.url}/delegation")
    expect(nadia.get_by_test_id("incoming")).to_contain_text("Bob Okeke")
    shot(nadia, "trusted-by-bob")

    # 7. A week of discussion passes: the node opens the vote.
    live.advance(WEEK + 60)
    live.wait_for_phase(proposal, "voting")

    # 8. Nadia votes yes (carrying Bob's vote); Alice votes no.
    nadia.goto(f"{live.url}/proposals/{proposal}")
    nadia.get_by_role("radio", name="Yes").check()
    signed_form(nadia, "Cast my ballot")
    expect(nadia.get_by_test_id("my-vote")).to_contain_text("You voted")
    shot(nadia, "nadia-voted")
    alice = founders["alice"]
    alice.goto(f"{live.url}/proposals/{proposal}")
    alice.get_by_role("radio", name="No").check()
    signed_form(alice, "Cast my ballot")
    bob.goto(f"{live.url}/proposals/{proposal}")
    expect(bob.get_by_test_id("my-vote")).to_contain_text("Nadia Haddad")
    expect(bob.get_by_test_id("direct-voters")).to_have_text("2")
    shot(bob, "bob-vote-goes-to-nadia")

    # 9. A week of voting passes: the node closes the vote with the delegated weight.
    live.advance(WEEK + 60)
    live.wait_for_phase(proposal, "closed")
    nadia.goto(f"{live.url}/proposals/{proposal}")
    expect(nadia.get_by_test_id("delegated-weight")).to_have_text("1")
    expect(nadia.get_by_test_id("outcome")).to_contain_text("Passed")
    shot(nadia, "result")
    result = live.get(f"/v1/proposals/{proposal}/result")["result"]
    assert result["counts"] == {"yes": 2, "no": 1, "abstain": 0}
    assert result["delegated_weight"] == 1 and result["passed"] is True

    # 10. A fresh browser profile: restoring the backup signs in as the same member.
    fresh, again = new_page(browser)
    assert restore_key(again, live.url, backup, PASSPHRASE) == did
    expect(again.get_by_test_id("signed-in-as")).to_have_text("Nadia Haddad")
    shot(again, "restored")

    assert errors == []
    store = open_store(str(live.data_dir))
    try:
        report = verify_log(store, default_registry(), compare_with=store)
    finally:
        store.engine.dispose()
    assert report.ok, report
    for context in (newcomer, fresh, *(p.context for p in founders.values())):
        context.close()
