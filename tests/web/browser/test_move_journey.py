"""A member moves to another node from their own page, signing the move in the browser:
the page offers the nodes this node recognises, and afterwards says they moved."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from commonweal.node.kernel.setup import init_node
from tests.federation import DIRECT_RECOGNITION
from tests.web.browser.live import LiveNode, start_live_node
from tests.web.browser.steps import new_page, restore_key, signed_form, watch_errors

PEER_URL = "http://127.0.0.1:9"
"""Seaside's address: nothing listens there, so nothing leaves the machine."""


@pytest.fixture(scope="module")
def harbour(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveNode, str]]:
    folder = tmp_path_factory.mktemp("moves")
    seaside = init_node(folder / "seaside", name="Seaside Collective")
    identity = seaside.identity
    recognition = {
        "node": identity.did,
        "key": identity.key_did,
        "origin": identity.origin,
        "vkey": identity.vkey,
        "url": PEER_URL,
        "name": "Seaside Collective",
    }
    seaside.close()
    node = start_live_node(folder, constitution=DIRECT_RECOGNITION)
    node.act("alice", "federation.recognition.granted", recognition)
    yield node, identity.did
    node.stop()


@pytest.mark.slow
def test_a_member_moves_from_their_page(browser: Browser, harbour: tuple[LiveNode, str]) -> None:
    live, seaside = harbour
    context, page = new_page(browser)
    errors = watch_errors(page)
    restore_key(page, live.url, live.keys["bob"], "harbour passphrase")
    page.goto(f"{live.url}/me")
    expect(page.get_by_role("heading", name="Move to another node")).to_be_visible()
    page.get_by_label("Move to", exact=True).select_option(label="Seaside Collective")
    page.get_by_label("Why (optional, public in the log)").fill("Moving to the coast")
    page.once("dialog", lambda dialog: dialog.accept())
    signed_form(page, "Move to this node")
    member = live.get(f"/v1/members/{live.dids['bob']}")
    assert (member["status"], member["moved_to"]) == ("moved", seaside)
    page.goto(f"{live.url}/members/{live.dids['bob']}")
    expect(page.get_by_test_id("member-status")).to_have_text("moved to another node")
    expect(page.get_by_role("heading", name="Move to another node")).to_have_count(0)
    assert errors == []
    context.close()
