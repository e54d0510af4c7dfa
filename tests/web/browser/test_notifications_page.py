"""The notifications page in a browser: a member sets their address, level, digest and quiet
hours with a request the page signs with their key, and reads them back signed the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.web.browser.live import LiveNode, start_live_node
from tests.web.browser.steps import Shots, new_page, restore_key, watch_errors


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNode]:
    node = start_live_node(tmp_path_factory.mktemp("notifications"))
    yield node
    node.stop()


@pytest.mark.slow
def test_a_member_sets_their_notifications_signed_in_the_page(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    base = live.url
    context, page = new_page(browser)
    errors = watch_errors(page)
    restore_key(page, base, live.keys["alice"], "unused passphrase")
    page.goto(f"{base}/me")
    page.get_by_role("link", name="Your notifications").click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.locator("[data-notification-list]")).to_contain_text("None yet", timeout=15_000)
    page.get_by_label("Mail address").fill("alice@example.org")
    page.get_by_label("What to hear about").select_option("decisions")
    page.get_by_label("How often").select_option("daily")
    page.get_by_label("Quiet hours from").fill("22:00")
    page.get_by_label("to", exact=True).fill("07:00")
    page.get_by_label("Time zone").fill("Asia/Dubai")
    page.get_by_role("button", name="Save, signed with your key").click()
    expect(page.locator("[data-status]")).to_have_text("Saved.", timeout=15_000)
    shot(page, "saved")

    page.reload()
    expect(page.get_by_label("Mail address")).to_have_value("alice@example.org", timeout=15_000)
    expect(page.get_by_label("What to hear about")).to_have_value("decisions")
    expect(page.get_by_label("How often")).to_have_value("daily")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Dubai")

    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Save, signed with your key").click()
    expect(page.locator("[data-status]")).to_contain_text("time zone", timeout=15_000)

    # pushes: the node's own service worker is registered for the whole node, with the
    # button to subscribe (the browser's push service itself is out of the tests' reach)
    expect(page.get_by_role("button", name="Receive pushes on this device")).to_be_visible()
    registered = page.evaluate(
        "navigator.serviceWorker.ready.then((r) => r.active && r.active.scriptURL)"
    )
    assert registered == f"{base}/push-worker.js"
    assert page.locator("[data-vapid-key]").get_attribute("data-vapid-key")
    assert errors == []
    context.close()
