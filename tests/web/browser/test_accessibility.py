"""axe-core on every page of the demo node, at a desktop's and a phone's width, signed out
and signed in as a steward: no serious or critical violation, and no page scrolls sideways.

The pages are found by following the node's own links from its home (at most two of a
kind: ``/proposals/3`` stands for every proposal). axe-core comes from npm
(web/package.json's devDependency, ``cd web && npm ci``), read from web/node_modules.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from commonweal.demo.seed import create_demo
from tests.ci import skip_outside_ci
from tests.server import ServerProcess
from tests.web.browser.accessibility import AXE, overflow, run_axe, walk, with_axe
from tests.web.browser.steps import new_page, restore_key

WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Path]]:
    if not AXE.exists():
        skip_outside_ci(f"the accessibility test needs axe-core at {AXE} (cd web && npm ci)")
    data_dir = tmp_path_factory.mktemp("demo") / "demo-data"
    server = ServerProcess(data_dir)
    create_demo(data_dir, server.url).close()
    server.start()
    yield server, data_dir
    server.stop()


@pytest.mark.slow
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_no_serious_violation_on_any_page(
    browser: Browser, demo: tuple[ServerProcess, Path], signed_in: bool
) -> None:
    server, data_dir = demo
    context, page = new_page(browser, viewport={"width": WIDTHS[0], "height": 900})
    with_axe(context)
    if signed_in:
        restore_key(page, server.url, data_dir / "members" / "amara.key", "river garden key")
    pages = walk(page, server.url, ["/"])
    # the demo's areas are all reached: a walk that stopped early would prove nothing
    for area in ("/proposals", "/treasury", "/commons", "/aid", "/rounds", "/network"):
        assert area in pages, f"{area} was not reached from the home page"
    assert len(pages) > 50
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages:
            page.goto(server.url + path)
            found += [f"{width} px {path}: {problem}" for problem in run_axe(page) + overflow(page)]
    context.close()
    assert found == [], "\n".join(found)


def test_axe_finds_what_it_should(browser: Browser, demo: tuple[ServerProcess, Path]) -> None:
    """The check itself can fail: a page made to break two rules is caught on both."""
    server, _data_dir = demo
    context, page = new_page(browser, viewport={"width": 390, "height": 900})
    with_axe(context)
    page.goto(server.url + "/members")
    page.evaluate(
        """() => {
            const wide = document.createElement('div');
            wide.style.width = '900px';
            wide.innerHTML = '<img src="data:,">';
            document.querySelector('main').append(wide);
        }"""
    )
    problems = run_axe(page) + overflow(page)
    context.close()
    assert any("image-alt" in p for p in problems), problems
    assert any("overflows by" in p for p in problems), problems
