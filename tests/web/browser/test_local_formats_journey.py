"""A treasurer in Paris types amounts and times as the French write them, in the browser.

The browser says ``fr-FR`` and Europe/Paris. He records income of ``86,40`` (the French
decimal comma) and the log holds 8,640 cents; the treasury shows ``86,40 EUR``. An amount
that reads no one way is refused on the form, saying how to write it, and nothing is
logged. He schedules a gathering at 18:30 Paris time, and the log holds the same instant
in UTC. The node is a real ``commonweal serve``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from commonweal.core.rfc3339 import format_utc
from commonweal.node.kernel.service import Node
from tests.web.browser.live import LiveNode, start_live_node
from tests.web.browser.steps import Shots, new_page, watch_errors

PARIS = ZoneInfo("Europe/Paris")
DIGEST = "sha256:" + "ab" * 32


def treasury(node: Node) -> None:
    node.submit_as_node(
        "treasury.unit.declared", {"code": "EUR", "name": "Euro", "exponent": 2, "kind": "fiat"}
    )
    node.submit_as_node("treasury.fund.opened", {"fund": "garden", "title": "Garden fund"})


@pytest.fixture(scope="module")
def paris(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNode]:
    """The founders' node with euros and a garden fund; Bob is a treasurer."""
    live = start_live_node(tmp_path_factory.mktemp("paris"), setup=treasury)
    live.act("alice", "membership.role.granted", {"member": live.dids["bob"], "role": "treasurer"})
    yield live
    live.stop()


def restore_in_french(page: Page, live: LiveNode, name: str) -> None:
    page.goto(f"{live.url}/key")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_label("Fichier de sauvegarde ou de clé").set_input_files(str(live.keys[name]))
    page.get_by_label("Phrase secrète", exact=True).fill(f"{name} key passphrase")
    page.get_by_role("button", name="Restaurer et se connecter").click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()


def income_form(page: Page, live: LiveNode, amount: str) -> None:
    page.goto(f"{live.url}/treasury/income")
    page.get_by_label("Vers").select_option("fund:garden")
    page.get_by_label("Montant").fill(amount)
    page.get_by_label("Son empreinte (remplie depuis le fichier, ou collez-en une)").fill(DIGEST)
    page.get_by_role("button", name="Signer et enregistrer").click()


@pytest.mark.slow
def test_amounts_and_times_typed_the_french_way(
    browser: Browser, paris: LiveNode, artifacts: Path
) -> None:
    live = paris
    shot = Shots(artifacts)
    context, bob = new_page(browser, locale="fr-FR", timezone_id="Europe/Paris")
    errors = watch_errors(bob)
    restore_in_french(bob, live, "bob")

    # 1. The form shows an example in French; "86,40" is read as 86.40 euros.
    bob.goto(f"{live.url}/treasury/income")
    expect(bob.get_by_label("Montant")).to_have_attribute("placeholder", "p. ex. 120,00")
    income_form(bob, live, "86,40")
    expect(bob).to_have_url(f"{live.url}/treasury")
    expect(bob.get_by_test_id("holds-EUR")).to_have_text("86,40 EUR")
    shot(bob, "income-recorded")
    (entry,) = live.get("/v1/treasury/ledger?unit=EUR")["entries"]
    assert [posting["amount"] for posting in entry["postings"]] == [-8_640, 8_640]

    # 2. Grouped the French way, with an ordinary space: read too.
    income_form(bob, live, "1 234,5")
    expect(bob.get_by_test_id("holds-EUR")).to_have_text("1\u202f320,90 EUR")

    # 3. An amount that reads no one way is refused on the form; nothing is logged.
    size = live.get("/.well-known/commonweal")["size"]
    income_form(bob, live, "86.40.5")
    refusal = bob.locator("[data-errors]")
    expect(refusal).to_contain_text("write it like 1\u202f234,56")
    expect(bob.get_by_label("Montant")).to_have_value("86.40.5")  # what he typed, kept
    shot(bob, "refused")
    assert live.get("/.well-known/commonweal")["size"] == size

    # 4. A gathering at 18:30 in Paris is logged at the same instant in UTC.
    local_start = (datetime.now(PARIS) + timedelta(days=3)).replace(
        hour=18, minute=30, second=0, microsecond=0
    )
    local_end = local_start + timedelta(hours=2)
    bob.goto(f"{live.url}/gatherings/new")
    zone_label = bob.locator('label[for="g-starts"]')
    expect(zone_label).to_have_text("Commence (heure : France)")
    bob.get_by_label("Titre").fill("Atelier vélo")
    bob.locator("#g-starts").fill(local_start.strftime("%Y-%m-%dT%H:%M"))
    bob.locator("#g-ends").fill(local_end.strftime("%Y-%m-%dT%H:%M"))
    bob.get_by_role("button", name="L'organiser").click()
    expect(bob.locator("#status .message.success")).to_be_visible()
    shot(bob, "gathering")
    (gathering,) = [
        g for g in live.get("/v1/gatherings")["gatherings"] if g["title"] == "Atelier vélo"
    ]
    assert gathering["starts"] == format_utc(local_start.astimezone(UTC))
    assert gathering["ends"] == format_utc(local_end.astimezone(UTC))

    assert errors == []
    context.close()
