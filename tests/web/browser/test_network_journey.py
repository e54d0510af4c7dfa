"""A steward recognises another node from the network page, in the browser: the node is
known (the operator added it), she chooses the treaty's terms, signs the recognition with
the key in her browser, and the page then shows it recognised on those terms. A visitor
who is signed out sees the same network and no button. The page fits a phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from playwright.sync_api import Browser, expect

from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import init_node
from commonweal.node.services.federation.service import Federation
from tests.federation import DIRECT_RECOGNITION
from tests.web.browser.live import LiveNode, start_live_node
from tests.web.browser.steps import Shots, new_page, restore_key, signed_form, watch_errors

PEER_URL = "http://127.0.0.1:9"
"""The other node's address: nothing listens there, so the sync after recognising it
fails quietly and nothing leaves the machine."""


def knows_seaside(folder: Path) -> tuple[str, object]:
    """A second node (never served), and a setup that makes the live node know it."""
    seaside = init_node(folder / "seaside", name="Seaside Collective")
    identity = seaside.identity
    document = {
        "did": identity.did,
        "key": identity.key_did,
        "origin": identity.origin,
        "vkey": identity.vkey,
        "witness": identity.witness.vkey,
        "name": "Seaside Collective",
    }
    seaside.close()

    def setup(node: Node) -> None:
        federation = Federation(node)
        federation.store.put_peer(
            identity.did, PEER_URL, orjson.dumps(document).decode(), federation.stamp()
        )
        federation.close()

    return identity.did, setup


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveNode, str]]:
    folder = tmp_path_factory.mktemp("network")
    did, setup = knows_seaside(folder)
    node = start_live_node(folder, constitution=DIRECT_RECOGNITION, setup=setup)  # type: ignore[arg-type]
    yield node, did
    node.stop()


@pytest.mark.slow
def test_a_steward_recognises_a_node_from_the_network_page(
    browser: Browser, network: tuple[LiveNode, str], artifacts: Path
) -> None:
    live, seaside = network
    shot = Shots(artifacts)
    base = live.url

    # Signed out: the network is there to read, with nothing to press.
    context, page = new_page(browser)
    errors = watch_errors(page)
    page.goto(f"{base}/network")
    expect(page.get_by_role("heading", name="The network", level=1)).to_be_visible()
    expect(page.get_by_test_id("network-summary")).to_contain_text("recognises no other node yet")
    expect(page.get_by_test_id("nodes")).to_contain_text("known, not recognised")
    page.goto(f"{base}/network/{seaside}")
    expect(page.get_by_test_id("steward-acts")).to_have_count(0)
    shot(page, "signed-out")

    # Alice, a steward, signs in with her key and recognises Seaside without a mirror.
    restore_key(page, base, live.keys["alice"], "harbour passphrase")
    page.goto(f"{base}/network")
    page.get_by_role("link", name="Seaside Collective").click()
    expect(page.get_by_role("heading", name="Seaside Collective", level=1)).to_be_visible()
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter(el => !el.labels.length).map(el => el.id || el.name)"""
    )
    assert unlabeled == [], unlabeled
    page.get_by_label("Keep a verified mirror of its log").uncheck()
    page.get_by_label("Book shared resources").uncheck()
    shot(page, "terms-chosen")
    signed_form(page, "Recognise Seaside Collective")
    expect(page.get_by_test_id("standing")).to_contain_text("This node recognises it")
    terms = page.get_by_test_id("terms")
    expect(terms).to_contain_text("We witness its log.")
    expect(terms).to_contain_text("We keep no mirror of its log.")
    expect(terms).to_contain_text("Its members may visit and attend gatherings and comment")
    expect(page.get_by_role("button", name="Withdraw the recognition")).to_be_visible()
    shot(page, "recognised")
    recognition = live.get("/v1/federation/recognitions")["recognitions"][0]
    assert recognition["node"] == seaside and recognition["terms"]["mirror"] is False
    assert recognition["terms"]["visitors"] == ["attend", "comment"]

    # She adds the mirror after all (new terms: the same event again), then withdraws.
    page.get_by_label("Keep a verified mirror of its log").check()
    signed_form(page, "Sign the new terms")
    expect(page.get_by_test_id("terms")).to_contain_text("We keep a verified mirror of its log.")
    expect(page.get_by_test_id("standing")).to_contain_text("This node recognises it")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_label("Why (optional, public)").fill("A test of withdrawing")
    signed_form(page, "Withdraw the recognition")
    expect(page.get_by_test_id("standing")).to_contain_text("This node withdrew its recognition.")
    expect(page.get_by_role("button", name="Recognise Seaside Collective")).to_be_visible()
    shot(page, "withdrawn")
    (withdrawn,) = live.get("/v1/federation/recognitions")["recognitions"]
    assert withdrawn["revision"] == 1 and withdrawn["terms"]["mirror"] is True
    assert withdrawn["withdrawn"]["reason"] == "A test of withdrawing"
    signed_form(page, "Recognise Seaside Collective")
    expect(page.get_by_test_id("standing")).to_contain_text("This node recognises it")

    # The network page says so, and fits a 390-pixel phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/network")
    expect(page.get_by_test_id("network-summary")).to_contain_text("recognises 1 other node")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the network page is {width} px wide on a phone"
    shot(page, "network-on-a-phone")
    assert errors == []
    context.close()
