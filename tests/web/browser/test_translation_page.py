"""A member translates a proposal in the browser: the form is signed in the page like every
other act, and the page then reads in Spanish for a Spanish reader, saying it is a
translation, by whom, with the English original one click away."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.web.browser.live import LiveNode
from tests.web.browser.steps import Shots, new_page, restore_key, signed_form, watch_errors


def test_a_member_translates_a_proposal_in_the_page(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    proposal = live.act(
        "alice",
        "governance.proposal.drafted",
        {"kind": "decision", "topic": "general", "title": "Plant an orchard",
         "text": "Twelve fruit trees along the east fence.", "actions": []},
    )  # fmt: skip
    shot = Shots(artifacts)
    context, page = new_page(browser)
    errors = watch_errors(page)
    restore_key(page, live.url, live.keys["bob"], "bob key passphrase")
    page.goto(f"{live.url}/proposals/{proposal}?lang=es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plant an orchard")
    form = page.locator('form[data-event="translations.translation.added"]').first
    page.get_by_text("Add a translation").first.click()
    expect(form.get_by_label("Language (a tag such as es, pt-BR or ar)")).to_have_value("es")
    form.get_by_label("Title").fill("Plantar un huerto")
    form.get_by_label("Text").fill("Doce árboles frutales junto a la valla este.")
    shot(page, "translation-form")
    signed_form(page, "Sign and add the translation")

    page.goto(f"{live.url}/proposals/{proposal}?lang=es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plantar un huerto")
    note = page.get_by_test_id("translation-note")
    expect(note).to_contain_text("This is a translation into Spanish by Bob")
    expect(note).to_contain_text("The binding text is the English original.")
    shot(page, "translated")
    page.get_by_test_id("original-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plant an orchard")
    listing = live.client.get(
        "/v1/translations", params={"original": live.get(f"/v1/events/{proposal}")["leaf_hash"]}
    ).json()
    [translation] = listing["translations"]
    assert translation["author"] == live.dids["bob"] and translation["language"] == "es"
    assert not errors, errors
    context.close()
