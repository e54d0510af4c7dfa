"""axe-core on every page of the demo node, at a desktop's and a phone's width, signed out
and signed in as a steward: no serious or critical violation, and no page scrolls sideways.

The pages are found by following the node's own links from its home (at most two of a
kind: ``/proposals/3`` stands for every proposal). axe-core comes from npm
(web/package.json's devDependency, ``cd web && npm ci``), read from web/node_modules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from commonweal.demo.seed import create_demo
from tests.ci import skip_outside_ci
from tests.server import ServerProcess
from tests.web.browser.accessibility import AXE, overflow, run_axe, walk, with_axe
from tests.web.browser.steps import new_page, restore_key


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


def walk_with_axe(
    browser: Browser, demo: tuple[ServerProcess, Path], *, signed_in: bool, width: int
) -> list[str]:
    """Every page reached from the home, at ``width``: what axe and the overflow check find."""
    server, data_dir = demo
    context, page = new_page(browser, viewport={"width": width, "height": 900})
    with_axe(context)
    if signed_in:
        restore_key(page, server.url, data_dir / "members" / "amara.key", "river garden key")
    pages = walk(page, server.url, ["/"])
    # the demo's areas are all reached: a walk that stopped early would prove nothing
    for area in ("/proposals", "/treasury", "/commons", "/aid", "/rounds", "/network"):
        assert area in pages, f"{area} was not reached from the home page"
    assert len(pages) > 50
    found = []
    for path in pages:
        page.goto(server.url + path)
        found += [f"{width} px {path}: {problem}" for problem in run_axe(page) + overflow(page)]
    context.close()
    return found


# Each walk is its own class, so the suite's workers (pytest-xdist, one scope each) share
# the four walks instead of one worker taking all of them.
@pytest.mark.slow
class TestSignedOutDesktop:
    def test_no_serious_violation_on_any_page(
        self, browser: Browser, demo: tuple[ServerProcess, Path]
    ) -> None:
        found = walk_with_axe(browser, demo, signed_in=False, width=1280)
        assert found == [], "\n".join(found)


@pytest.mark.slow
class TestSignedOutPhone:
    def test_no_serious_violation_on_any_page(
        self, browser: Browser, demo: tuple[ServerProcess, Path]
    ) -> None:
        found = walk_with_axe(browser, demo, signed_in=False, width=390)
        assert found == [], "\n".join(found)


@pytest.mark.slow
class TestSignedInDesktop:
    def test_no_serious_violation_on_any_page(
        self, browser: Browser, demo: tuple[ServerProcess, Path]
    ) -> None:
        found = walk_with_axe(browser, demo, signed_in=True, width=1280)
        assert found == [], "\n".join(found)


@pytest.mark.slow
class TestSignedInPhone:
    def test_no_serious_violation_on_any_page(
        self, browser: Browser, demo: tuple[ServerProcess, Path]
    ) -> None:
        found = walk_with_axe(browser, demo, signed_in=True, width=390)
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


def test_the_menu_folds_behind_a_button_on_a_phone(
    browser: Browser, demo: tuple[ServerProcess, Path]
) -> None:
    server, _data_dir = demo
    context, page = new_page(browser, viewport={"width": 390, "height": 800})
    page.goto(server.url + "/")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    header = page.locator("header.site").bounding_box()
    assert header and header["height"] < 140, header  # folded: a line or two, not five
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Treasury")).to_be_visible()
    nav.get_by_role("link", name="Treasury").click()
    expect(page).to_have_url(server.url + "/treasury")
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()  # a desktop shows the links
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    context.close()


def test_the_menu_shows_every_link_without_scripts(
    browser: Browser, demo: tuple[ServerProcess, Path]
) -> None:
    server, _data_dir = demo
    context, page = new_page(
        browser, viewport={"width": 390, "height": 800}, java_script_enabled=False
    )
    page.goto(server.url + "/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log")
    ).to_be_visible()
    context.close()


def test_the_aid_form_checks_its_fields_in_the_browser(
    browser: Browser, demo: tuple[ServerProcess, Path]
) -> None:
    """The category's and the area's patterns are in force (valid under the ``v`` flag), and
    a place name typed into the area is kept whole and explained, not cut to five letters."""
    server, data_dir = demo
    context, page = new_page(browser)
    restore_key(page, server.url, data_dir / "members" / "amara.key", "river garden key")
    page.goto(server.url + "/aid/new?kind=offer")
    category = page.get_by_label("Category")
    category.fill("Garden Tools!")
    assert category.evaluate("el => el.validity.patternMismatch") is True
    category.fill("garden-tools")
    assert category.evaluate("el => el.validity.valid") is True
    area = page.get_by_label("Roughly where (optional)")
    area.fill("Riverside barn")
    assert area.input_value() == "Riverside barn"
    assert area.evaluate("el => el.validity.patternMismatch") is True
    # why, in the field's description (read with it) and in the tooltip of the browser's refusal
    expect(area).to_have_accessible_description(re.compile("Not a place name or an address"))
    assert "not a place name" in (area.get_attribute("title") or "")
    area.fill("u4pru")
    assert area.evaluate("el => el.validity.valid") is True
    context.close()
