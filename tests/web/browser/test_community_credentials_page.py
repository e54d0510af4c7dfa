"""Community credentials in a browser: a steward issues a course credential, a member
requests a skill that another endorses, and a member takes their passport — each signed
with the member's key in the page, the claims sent beside a commitment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.credential_kinds import constitution_with_kinds
from tests.web.browser.live import LiveNode, start_live_node
from tests.web.browser.steps import Shots, new_page, restore_key, watch_errors

PAGE = "/me/community-credentials"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNode]:
    constitution = constitution_with_kinds()
    constitution["credentials"]["skill"]["issuers"] = {"endorsements": 1}
    node = start_live_node(tmp_path_factory.mktemp("community-credentials"), constitution)
    yield node
    node.stop()


@pytest.mark.slow
def test_issue_request_endorse_and_take_a_passport_in_the_page(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    base, bob = live.url, live.dids["bob"]

    alice_context, alice = new_page(browser)
    alice_errors = watch_errors(alice)
    restore_key(alice, base, live.keys["alice"], "unused passphrase")
    alice.goto(f"{base}/me")
    alice.get_by_role("link", name="Community credentials").click()
    expect(alice.get_by_role("heading", name="Community credentials", level=1)).to_be_visible()
    expect(alice.get_by_test_id("none-held")).to_be_visible()
    alice.get_by_label("The member (their did:key)").fill(bob)
    alice.get_by_role("textbox", name="course", exact=True).fill("Boat building")
    alice.get_by_role("textbox", name="hours", exact=True).fill("zero")
    alice.get_by_role("button", name="Issue, signed with your key").click()
    expect(alice.get_by_text("hours must be a whole number.", exact=False)).to_be_visible()
    alice.get_by_role("textbox", name="hours", exact=True).fill("40")
    alice.get_by_role("button", name="Issue, signed with your key").click()
    expect(alice.locator("#status .message.success")).to_contain_text("Issued", timeout=15_000)
    shot(alice, "issued")

    bob_context, bob_page = new_page(browser)
    bob_errors = watch_errors(bob_page)
    restore_key(bob_page, base, live.keys["bob"], "unused passphrase")
    bob_page.goto(f"{base}{PAGE}")
    expect(bob_page.get_by_test_id("held-credential")).to_have_count(1, timeout=15_000)
    expect(bob_page.get_by_test_id("held-credential")).to_contain_text("Course completed")
    held = live.get(f"/v1/members/{bob}/credentials")["credentials"]
    (course,) = [c for c in held if "CourseCredential" in c["type"]]
    assert course["credentialSubject"] == {"id": bob, "course": "Boat building", "hours": 40}

    bob_page.get_by_role("textbox", name="skill", exact=True).fill("rope splicing")
    skill = bob_page.get_by_role("region", name="Request: Skill vouched for by peers")
    skill.get_by_role("button", name="Request, signed with your key").click()
    expect(bob_page.locator("#status .message.success")).to_contain_text(
        "Requested", timeout=15_000
    )
    (request,) = live.get("/v1/credentials/requests")["requests"]
    alice.goto(f"{base}{PAGE}")
    expect(alice.get_by_test_id(f"request-{request['request']}")).to_contain_text("rope splicing")
    alice.get_by_role("button", name="Endorse").click()
    expect(alice.get_by_test_id(f"request-{request['request']}")).to_have_count(0, timeout=15_000)

    bob_page.goto(f"{base}{PAGE}")
    expect(bob_page.get_by_test_id("held-credential")).to_have_count(2, timeout=15_000)
    bob_page.get_by_role("button", name="Get my passport (membership, standing and visas)").click()
    expect(bob_page.get_by_test_id("held-credential")).to_have_count(3, timeout=15_000)
    expect(bob_page.get_by_test_id("held-credential").last).to_contain_text("Passport")
    shot(bob_page, "three-credentials")
    for vc in live.get(f"/v1/members/{bob}/credentials")["credentials"]:
        verdict = live.client.post("/credentials/verify", json={"verifiableCredential": vc})
        assert verdict.status_code == 200, verdict.text

    # alice, whose role issues courses, revokes the course credential from the page
    index = int(course["credentialStatus"]["statusListIndex"])
    alice.goto(f"{base}{PAGE}")
    row = alice.get_by_test_id(f"revocable-{index}")
    row.get_by_label("Why").fill("issued to the wrong member")
    alice.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    expect(alice.get_by_test_id(f"revocable-{index}")).to_have_count(0, timeout=15_000)
    verdict = live.client.post("/credentials/verify", json={"verifiableCredential": course})
    assert [p["type"].rsplit("/", 1)[1] for p in verdict.json()["problemDetails"]] == ["revoked"]
    assert alice_errors == [] and bob_errors == []
    alice_context.close()
    bob_context.close()
