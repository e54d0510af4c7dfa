"""The node's service worker in a real browser: Chromium's own push service is Google's and
out of the tests' reach, so DevTools delivers the push (``ServiceWorker.deliverPushMessage``)
to the worker the push page registered, with the payload the node sends
(node/services/push.py: ``{title, body, url, kind, urgent}``). The test reads the
notification the worker shows, and where a click on it goes: the page it names, on the
node's own origin only."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, expect

from tests.web.browser.live import LiveNode
from tests.web.browser.steps import Shots, new_page, restore_key, watch_errors

SHOWN = """async () => (await navigator.serviceWorker.ready).getNotifications().then((all) =>
  all.map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url,
                    requireInteraction: n.requireInteraction })))"""

# In the worker: click the notification (a NotificationEvent, as the browser dispatches one)
# and note the window the worker opens, instead of opening it.
CLICK = """async (tag) => {
  const [notification] = await self.registration.getNotifications({ tag });
  const opened = [];
  self.clients.openWindow = async (url) => { opened.push(url); return null; };
  try {
    self.dispatchEvent(new NotificationEvent("notificationclick", { notification }));
  } catch {}
  const left = await self.registration.getNotifications({ tag });
  return { opened, left: left.length };
}"""


def registration_of(cdp: CDPSession, page: Page, scope: str) -> str:
    """The DevTools id of the service worker registration for ``scope``."""
    seen: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: seen.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for registration in seen:
            if registration["scopeURL"] == scope and not registration.get("isDeleted"):
                return str(registration["registrationId"])
        page.wait_for_timeout(100)
    raise AssertionError(f"no service worker registration for {scope}: {seen}")


def shown(page: Page, count: int) -> list[dict[str, Any]]:
    """The notifications the worker shows, once there are ``count`` of them."""
    deadline = time.monotonic() + 15
    while True:
        notices: list[dict[str, Any]] = page.evaluate(SHOWN)
        if len(notices) >= count or time.monotonic() > deadline:
            return notices
        page.wait_for_timeout(100)


def push(cdp: CDPSession, origin: str, registration: str, data: str) -> None:
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": registration, "data": data},
    )


def worker_of(context: BrowserContext, page: Page, url: str) -> Any:
    """Playwright's handle on the running service worker at ``url``."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for worker in context.service_workers:
            if worker.url == url:
                return worker
        page.wait_for_timeout(100)
    raise AssertionError(f"no service worker {url}")


@pytest.mark.slow
def test_a_push_is_shown_and_its_click_opens_the_page_it_names(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    base = live.url
    context, page = new_page(browser)
    context.grant_permissions(["notifications"], origin=base)
    errors = watch_errors(page)
    restore_key(page, base, live.keys["alice"], "unused passphrase")
    page.goto(f"{base}/notifications")
    expect(page.get_by_role("button", name="Receive pushes on this device")).to_be_visible()
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{base}/"
    cdp = context.new_cdp_session(page)
    registration = registration_of(cdp, page, scope)

    notice = {
        "title": "Voting is open: Quiet hours",
        "body": "Cast your ballot before 9 December.",
        "url": "https://elsewhere.example/proposals/7?from=push",  # another origin's page
        "kind": "governance.voting.opened",
        "urgent": True,
    }
    push(cdp, base, registration, json.dumps(notice))
    assert shown(page, 1) == [
        {
            "title": "Voting is open: Quiet hours",
            "body": "Cast your ballot before 9 December.",
            "tag": "governance.voting.opened",
            "url": "https://elsewhere.example/proposals/7?from=push",
            "requireInteraction": True,
        }
    ]
    shot(page, "shown")
    worker = worker_of(context, page, f"{base}/push-worker.js")
    clicked = worker.evaluate(CLICK, "governance.voting.opened")
    assert clicked == {"opened": [f"{base}/proposals/7?from=push"], "left": 0}

    # a push that is not JSON is shown as text under the node's name, and opens /notifications
    push(cdp, base, registration, "A plain message")
    plain = [n for n in shown(page, 1) if n["tag"] == "notice"]
    assert plain == [
        {
            "title": "Commonweal",
            "body": "A plain message",
            "tag": "notice",
            "url": "/notifications",
            "requireInteraction": False,
        }
    ]
    assert worker.evaluate(CLICK, "notice") == {"opened": [f"{base}/notifications"], "left": 0}
    assert errors == []
    context.close()
