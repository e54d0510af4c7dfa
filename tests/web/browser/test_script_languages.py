"""The page scripts speak the reader's language in a real browser: a refusal a form shows,
a progress line, and a message with a count (Intl.PluralRules), in French; English as it
always was."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.web.browser.live import LiveNode
from tests.web.browser.steps import Shots, new_page, watch_errors

PLURAL = """n => import('/static/js/messages.js').then(({ tn }) => tn(
  'Computed the digest in this browser; the file stays here.',
  'Computed %(num)s digests in this browser; the files stay here.', n))"""


@pytest.mark.slow
def test_a_form_refusal_and_a_count_in_french(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    context, page = new_page(browser, locale="fr-FR")
    errors = watch_errors(page)
    page.goto(f"{live.url}/key")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("#create-pass").fill("a long enough passphrase")
    page.locator("#create-pass2").fill("another long passphrase")
    page.locator("#create-pass").press("Enter")
    refusal = page.get_by_role("alert")
    expect(refusal).to_have_text("Les deux phrases secrètes diffèrent.")
    shot(page, "refused-in-french")
    assert (
        page.evaluate(PLURAL, 1) == "Empreinte calculée dans ce navigateur ; le fichier reste ici."
    )
    assert page.evaluate(PLURAL, 3) == (
        "Empreintes calculées dans ce navigateur (3) ; les fichiers restent ici."
    )
    assert errors == []
    context.close()

    context, page = new_page(browser, locale="en-GB")
    page.goto(f"{live.url}/key")
    page.locator("#create-pass").fill("a long enough passphrase")
    page.locator("#create-pass2").fill("another long passphrase")
    page.locator("#create-pass").press("Enter")
    expect(page.get_by_role("alert")).to_have_text("The two passphrases differ.")
    assert page.evaluate(PLURAL, 3) == "Computed 3 digests in this browser; the files stay here."
    context.close()
