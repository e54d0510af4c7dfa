"""Browser tests: Playwright driving Debian's Chromium against a real ``commonweal serve``.

Never ``playwright install``: the browser is /usr/bin/chromium (``make install`` puts it
there as root on Debian). Screenshots of every step land in test-artifacts/web/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ci import skip_outside_ci
from tests.web.browser.live import LiveNode, start_live_node

CHROMIUM = Path(os.environ.get("COMMONWEAL_CHROMIUM", "/usr/bin/chromium"))
"""Debian's Chromium; COMMONWEAL_CHROMIUM names another build of it."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run."""
    if not CHROMIUM.exists():
        skip_outside_ci(f"browser tests need Debian's Chromium at {CHROMIUM} (make install)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    """A folder for this test's screenshots and downloads."""
    folder = ARTIFACTS / request.node.name.replace("[", "-").replace("]", "")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNode]:
    """A node with two founding stewards (alice, bob), served on 127.0.0.1 with a test clock."""
    node = start_live_node(tmp_path_factory.mktemp("live"))
    yield node
    node.stop()
