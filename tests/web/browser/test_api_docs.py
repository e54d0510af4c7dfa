"""/docs and /redoc in a real browser: the operations render from the node's own copies of
Swagger UI and Redoc, no request leaves 127.0.0.1, and the strict CSP is never violated."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from commonweal.web.api_docs import assets_installed
from tests.web.browser.live import LiveNode
from tests.web.browser.steps import new_page, watch_errors

pytestmark = pytest.mark.skipif(
    not (assets_installed("swagger") and assets_installed("redoc")),
    reason="the API docs' assets are not installed (make vendor)",
)

VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def _open(browser: Browser, live: LiveNode, path: str) -> tuple[Page, list[str], list[str]]:
    context, page = new_page(browser)
    context.add_init_script(VIOLATIONS)
    requests: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.goto(live.url + path)
    return page, requests, console


def _assert_stayed_home(
    page: Page, live: LiveNode, requests: list[str], console: list[str]
) -> None:
    elsewhere = [
        url for url in requests if not url.startswith((live.url + "/", "data:", "blob:" + live.url))
    ]
    assert elsewhere == []
    assert page.evaluate("window.__violations") == []
    assert [line for line in console if "Content Security Policy" in line] == []
    assert [line for line in console if "Permissions-Policy" in line] == []


@pytest.mark.slow
def test_swagger_ui_renders_the_operations_from_the_nodes_own_origin(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    page, requests, console = _open(browser, live, "/docs")
    errors = watch_errors(page)
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/v1/events/batch").first).to_be_visible()
    expect(page.locator(".opblock").nth(20)).to_be_attached()  # many operations, not one
    page.locator(".opblock-summary-path", has_text="/v1/events/batch").first.click()
    page.screenshot(path=str(artifacts / "swagger-ui.png"))
    _assert_stayed_home(page, live, requests, console)
    assert errors == []
    assert any(url.endswith("/static/vendor/swagger-ui/swagger-ui-bundle.js") for url in requests)
    page.context.close()


@pytest.mark.slow
def test_redoc_renders_the_operations_from_the_nodes_own_origin(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    page, requests, console = _open(browser, live, "/redoc")
    errors = watch_errors(page)
    expect(page.get_by_role("heading", name="Commonweal node").first).to_be_visible()
    expect(page.locator("[data-section-id^='operation/']").nth(20)).to_be_attached()
    page.get_by_placeholder("Search...").fill("checkpoint")  # the search worker runs
    expect(page.locator("[role='search'] li, [data-role='search:result']").first).to_be_visible()
    page.screenshot(path=str(artifacts / "redoc.png"))
    _assert_stayed_home(page, live, requests, console)
    assert errors == []
    page.context.close()
