"""In the browser: a member chooses one claim of their membership credential on their
credentials page and gets a derived (ecdsa-sd-2023) credential showing only that claim,
which the node's verifier accepts; it downloads as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from playwright.sync_api import Browser, expect

from commonweal.core.keys import load_key_file
from tests.web.browser.live import LiveNode
from tests.web.browser.steps import Shots, new_page, watch_errors
from tests.web.wallet_client import Wallet


def test_a_member_shows_one_claim_and_it_verifies(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    wallet = Wallet(load_key_file(live.keys["alice"].read_bytes(), None).seed)
    context, page = new_page(browser, accept_downloads=True)
    errors = watch_errors(page)
    page.goto(live.url + "/sign-in/wallet")
    uri = page.locator("[data-request-uri]").get_attribute("href")
    assert uri is not None
    with httpx.Client(timeout=30) as http:
        request = wallet.read_request(http, uri)
        held = live.get(f"/v1/members/{wallet.did}/credentials")["credentials"]
        membership = [c for c in held if "MembershipCredential" in c["type"]]
        vp = wallet.present(membership, challenge=request["nonce"], domain=request["client_id"])
        assert wallet.answer(http, request, vp).status_code == 200
        expect(page).to_have_url(live.url + "/me/credentials", timeout=20_000)

        form = (
            page.locator("form[data-derive]")
            .filter(has=page.locator('input[value="/credentialSubject/memberOf"]'))
            .first
        )
        box = page.locator("[data-selective]").filter(has=form).first
        form.locator('input[value="/credentialSubject/memberOf"]').check()
        form.get_by_test_id("derive").click()
        shown = box.get_by_test_id("derived-json")
        expect(shown).to_be_visible(timeout=20_000)
        shot(page, "derived")
        derived = json.loads(shown.text_content() or "")
        assert derived["credentialSubject"]["memberOf"]
        assert "validFrom" not in derived
        assert derived["proof"]["cryptosuite"] == "ecdsa-sd-2023"
        answer = http.post(live.url + "/credentials/verify", json={"verifiableCredential": derived})
        assert answer.json() == {"verified": True, "results": [], "problemDetails": []}

        with page.expect_download() as downloaded:
            box.locator("[data-download-derived]").click()
        assert json.loads(Path(downloaded.value.path()).read_text()) == derived

        form.locator('input[value="/credentialSubject/memberOf"]').uncheck()
        form.get_by_test_id("derive").click()
        expect(form.locator("[data-errors]")).to_be_visible()
    assert errors == []
    context.close()
