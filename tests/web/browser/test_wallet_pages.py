"""In the browser: sign in with a wallet app (the page's OpenID4VP QR code, answered by
the tests' independent wallet; the page's own script notices and goes on signed in),
and the member's wallet page with its credential offers, taken by that wallet."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Browser, expect

from commonweal.core.keys import load_key_file
from tests.web.browser.live import LiveNode
from tests.web.browser.steps import Shots, new_page, watch_errors
from tests.web.wallet_client import Wallet


def test_a_wallet_signs_a_member_in_and_takes_their_credential(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    wallet = Wallet(load_key_file(live.keys["alice"].read_bytes(), None).seed)
    assert wallet.did == live.dids["alice"]
    context, page = new_page(browser)
    errors = watch_errors(page)
    page.goto(live.url + "/sign-in/wallet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with a wallet app")
    expect(page.locator("#wallet-sign-in svg")).to_be_visible()
    shot(page, "sign-in-request")
    uri = page.locator("[data-request-uri]").get_attribute("href")
    assert uri is not None
    with httpx.Client(timeout=30) as http:
        request = wallet.read_request(http, uri)
        held = live.get(f"/v1/members/{wallet.did}/credentials")["credentials"]
        membership = [c for c in held if "MembershipCredential" in c["type"]]
        vp = wallet.present(membership, challenge=request["nonce"], domain=request["client_id"])
        assert wallet.answer(http, request, vp).status_code == 200
        expect(page).to_have_url(live.url + "/me/credentials", timeout=20_000)
        shot(page, "signed-in")
        page.get_by_test_id("wallet-offers").click()
        expect(page.locator("[data-offer]")).to_have_count(2)
        shot(page, "offers")
        offer = page.locator("[data-offer='MembershipCredential_ldp_vc'] [data-offer-uri]")
        offer_uri = offer.get_attribute("href")
        assert offer_uri is not None
        credential = wallet.receive(http, offer_uri, "MembershipCredential_ldp_vc")
    assert credential["credentialSubject"]["id"] == wallet.did
    assert errors == []
    context.close()
