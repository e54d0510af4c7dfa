"""The census page in a browser: the charts over time, and a member checking, with the page's
own JavaScript, that they are counted — and a root that does not match caught."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.node.kernel.service import Node
from commonweal.node.services import census
from tests.web.browser.live import LiveNode, start_live_node
from tests.web.browser.steps import Shots, new_page, restore_key, watch_errors

DAILY_CENSUS = copy.deepcopy(DEFAULT_CONSTITUTION) | {"census": {"every_seconds": 86_400}}


def first_census(node: Node) -> None:
    census.run_due(node)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNode]:
    node = start_live_node(
        tmp_path_factory.mktemp("census"), constitution=DAILY_CENSUS, setup=first_census
    )
    yield node
    node.stop()


@pytest.mark.slow
def test_a_member_checks_in_the_browser_that_they_are_counted(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    base = live.url
    context, page = new_page(browser)
    errors = watch_errors(page)

    page.goto(f"{base}/census")
    expect(page.get_by_role("heading", name="Census", level=1)).to_be_visible()
    expect(page.locator('[data-figure="members"]')).to_have_text("2")
    expect(page.locator('figure[data-chart="population"] svg')).to_be_visible()
    proof = page.locator("[data-census-proof]")
    expect(proof.get_by_role("link", name="Sign in")).to_be_visible()  # nothing to press yet
    expect(page.get_by_role("button", name="Check that I am counted")).to_have_count(0)
    shot(page, "signed-out")

    restore_key(page, base, live.keys["alice"], "census passphrase")
    page.goto(f"{base}/census")
    page.get_by_role("button", name="Check that I am counted").click()
    result = page.locator("[data-proof-result]")
    expect(result).to_have_attribute("data-verdict", "counted", timeout=15_000)
    expect(result).to_contain_text("you are counted")
    shot(page, "counted")

    # The check is the page's own: against a root the log does not hold, it fails.
    page.evaluate(
        """() => { document.querySelector('[data-census-proof]').dataset.root =
                   'sha256:' + '0'.repeat(64); }"""
    )
    page.get_by_role("button", name="Check that I am counted").click()
    expect(result).to_have_attribute("data-verdict", "not-proven", timeout=15_000)
    shot(page, "wrong-root")
    assert errors == []
    context.close()
