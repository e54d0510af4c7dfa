"""A network vote and a recognition in the browser, on a member node of an alliance.

The served node belongs to an alliance (never served: its call is copied into the
node's precinct as the node's sync would copy it). Signed out, the open call is there
to read, with its question and weighting in words, and nothing to press. Carol, a
member who is not a steward, votes: the ballot is signed in her browser and kept in
the node's log; she sees the network but no act on it. Alice, a steward, recognises
a node the operator added, from its page; then asks the node to add a node by its
address (served here on 127.0.0.1), which the node does on its next sync round, and to
call a network vote in its alliance (which cannot be reached, so the request fails and
the page says so)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from commonweal.core.commitment import commitment, new_salt
from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey, load_key_file
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.federation import alliance, precincts
from commonweal.domain.federation.recognition import GRANTED
from commonweal.domain.membership.policy import DEFAULT_POLICY
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import init_node, write_key_file
from commonweal.node.services import membership
from tests.federation import DIRECT_RECOGNITION, alliance_constitution, as_node, recognition_body
from tests.web.browser.live import LiveNode, start_live_node
from tests.web.browser.steps import Shots, new_page, restore_key, signed_form, watch_errors
from tests.web.browser.test_network_journey import knows_seaside

QUESTION = "Pool a seed bank across the network"


def belongs_to_an_alliance(folder: Path, carol: SigningKey) -> Any:
    """A setup that makes the node a member node of a new alliance with one open call,
    its precinct open, and Carol a member (not a steward)."""

    def setup(node: Node) -> None:
        hub = init_node(
            folder / "alliance",
            name="River Alliance",
            url="http://127.0.0.1:9",
            founders=[node.identity.key_did],
            admission={"admission": "approval"},
            constitution=alliance_constitution("per_capita", voting_seconds=86_400),
        )
        call = alliance.call_for(hub.state, "network", QUESTION, "Kept by the orchard.", ["pool"])
        vote = as_node(node, hub, alliance.CALLED, call)
        record = hub.state.get(alliance.NETWORK_VOTES, vote.index)
        node.submit_as_node(GRANTED, recognition_body(hub, alliance=True, visitors=[]))
        body = {
            "alliance": hub.identity.did,
            "vote": vote.index,
            "call": record["call"],
            "voting_until": record["voting_until"],
        }
        node.submit_as_node(precincts.OPENED, body)
        hub.close()
        # Carol joins while admission is open for a moment: a member, not a steward.
        node.submit_as_node("membership.policy.set", {**DEFAULT_POLICY, "admission": "open"})
        profile = {"display_name": "Carol Diaz", "show_name": True}
        salt = new_salt()
        application = sign_event(
            carol,
            type="membership.application.submitted",
            node=node.identity.did,
            seq=1,
            at=format_utc(node.clock()),
            body={"commitment": commitment(profile, salt)},
        )
        membership.apply(node, application, profile, salt)
        node.submit_as_node("membership.policy.set", {**DEFAULT_POLICY, "admission": "vouch"})

    return setup


def identity_document(folder: Path, name: str) -> dict[str, str]:
    """A node never served, as its ``/.well-known/commonweal`` would describe it."""
    node = init_node(folder / name.lower(), name=name, url="http://127.0.0.1:9")
    identity = node.identity
    node.close()
    return {
        "protocol": "commonweal/v1",
        "did": identity.did,
        "name": name,
        "url": "http://127.0.0.1:9",
        "origin": identity.origin,
        "vkey": identity.vkey,
        "key": identity.key_did,
        "witness": identity.witness.vkey,
    }


@contextmanager
def serving_identity(document: dict[str, str]) -> Iterator[str]:
    """Serve ``document`` as ``/.well-known/commonweal`` on 127.0.0.1; yields the URL."""
    body = json.dumps(document).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/.well-known/commonweal"
            self.send_response(200 if found else 404)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body if found else b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def answered(live: LiveNode, request_id: int) -> dict[str, Any]:
    """The request once the node's sync round has carried it out."""
    for _ in range(100):
        listed = {r["id"]: r for r in live.get("/v1/federation/requests")["requests"]}
        if listed[request_id]["status"] != "pending":
            return listed[request_id]
        time.sleep(0.1)
    raise AssertionError(f"request {request_id} still waits")


@pytest.fixture(scope="module")
def member_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveNode, str, Path]]:
    folder = tmp_path_factory.mktemp("network-vote")
    carol = SigningKey.generate()
    carol_file = folder / "carol.key"
    write_key_file(carol_file, carol, None)
    seaside, knows = knows_seaside(folder)
    joins = belongs_to_an_alliance(folder, carol)

    def setup(node: Node) -> None:
        knows(node)  # type: ignore[operator]
        joins(node)

    live = start_live_node(folder, constitution=DIRECT_RECOGNITION, setup=setup)
    yield live, seaside, carol_file
    live.stop()


@pytest.mark.slow
def test_a_member_votes_and_a_steward_recognises_in_the_browser(
    browser: Browser, member_node: tuple[LiveNode, str, Path], artifacts: Path
) -> None:
    live, seaside, carol_file = member_node
    carol_key = load_key_file(carol_file.read_bytes(), None)
    base = live.url
    shot = Shots(artifacts)
    (precinct,) = live.get("/v1/federation/precincts")["precincts"]

    # Signed out: the call is on the home page and its page, with nothing to press.
    context, page = new_page(browser)
    errors = watch_errors(page)
    page.goto(f"{base}/")
    page.get_by_test_id("home-open-precincts").get_by_role("link", name=QUESTION).click()
    expect(page.get_by_role("heading", name=QUESTION, level=1)).to_be_visible()
    expect(page.get_by_test_id("precinct-question")).to_have_text(
        f"Do you agree with “{QUESTION}”?"
    )
    expect(page.get_by_test_id("precinct-weighting")).to_contain_text("counts once")
    expect(page.get_by_test_id("sign-in-to-vote")).to_be_visible()
    expect(page.locator("main form[data-event]")).to_have_count(0)
    shot(page, "signed-out")

    # Carol, a member, votes no from her node's page; her browser signs the ballot.
    restore_key(page, base, carol_file, "carol's passphrase")
    page.goto(f"{base}/network/precincts/{precinct['id']}")
    page.get_by_label("No").check()
    shot(page, "ballot-chosen")
    signed_form(page, "Cast my ballot")
    expect(page.get_by_test_id("my-network-vote")).to_contain_text("You voted: no")
    ballots = live.get(f"/v1/federation/precincts/{precinct['id']}")["ballots"]
    assert ballots == {did_key_from_public_key(carol_key.public_key): {"choice": "no"}}
    shot(page, "voted")
    # She sees the network and no act on it.
    page.goto(f"{base}/network/{seaside}")
    expect(page.get_by_role("heading", name="Seaside Collective", level=1)).to_be_visible()
    expect(page.get_by_test_id("steward-acts")).to_have_count(0)
    expect(page.locator("main form[data-event]")).to_have_count(0)
    page.goto(f"{base}/network")
    expect(page.get_by_test_id("nodes")).to_be_visible()
    expect(page.get_by_test_id("peer-request-form")).to_have_count(0)
    expect(page.locator("main form[data-event]")).to_have_count(0)
    context.close()

    # Alice, a steward, recognises Seaside from its page.
    context, page = new_page(browser)
    errors += watch_errors(page)
    restore_key(page, base, live.keys["alice"], "harbour passphrase")
    page.goto(f"{base}/network/{seaside}")
    expect(page.get_by_test_id("steward-acts")).to_be_visible()
    signed_form(page, "Recognise Seaside Collective")
    expect(page.get_by_test_id("standing")).to_contain_text("This node recognises it")
    shot(page, "recognised")
    # And a node this one does not know yet, from its identity document pasted in.
    lakeside = identity_document(live.data_dir.parent, "Lakeside Cooperative")
    page.goto(f"{base}/network")
    page.get_by_text("Recognise a node this node does not know yet").click()
    page.get_by_label("The other node's identity document").fill("not json")
    page.get_by_role("button", name="Recognise this node").click()
    expect(page.locator("[data-errors]").first).to_contain_text("is not JSON")
    page.get_by_label("The other node's identity document").fill(json.dumps(lakeside))
    page.locator("#new-mirror").uncheck()
    signed_form(page, "Recognise this node")
    expect(page.get_by_test_id("nodes")).to_contain_text("Lakeside Cooperative")
    shot(page, "recognised-by-document")
    recognitions = {r["node"]: r for r in live.get("/v1/federation/recognitions")["recognitions"]}
    assert seaside in recognitions
    assert recognitions[lakeside["did"]]["terms"]["mirror"] is False
    assert recognitions[lakeside["did"]]["origin"] == lakeside["origin"]

    # A node by its address: Alice asks, the node fetches its identity on its next round.
    riverside = identity_document(live.data_dir.parent, "Riverside Commons")
    with serving_identity(riverside) as riverside_url:
        page.goto(f"{base}/network")
        page.get_by_label("Add a node by its address").fill(riverside_url)
        signed_form(page, "Ask the node to add it")
        (request,) = [
            r for r in live.get("/v1/federation/requests")["requests"] if r["kind"] == "peer"
        ]
        assert request["body"] == {"url": riverside_url}
        done = answered(live, request["id"])
    assert done["outcome"]["node"] == riverside["did"], done
    page.reload()
    expect(page.get_by_test_id("request-list")).to_contain_text("added Riverside Commons")
    expect(page.get_by_test_id("nodes")).to_contain_text("Riverside Commons")
    shot(page, "added-by-address")
    page.get_by_test_id("nodes").get_by_role("link", name="Riverside Commons").click()
    expect(page.get_by_role("button", name="Recognise Riverside Commons")).to_be_visible()

    # A network vote in the alliance, asked of the node (the alliance is not served here).
    hub = next(r for r in recognitions.values() if r["terms"]["alliance"])
    page.goto(f"{base}/network/{hub['node']}")
    form = page.get_by_test_id("call-request-form")
    form.get_by_label("Question").fill("Share the tool library")
    form.get_by_label("Options").fill("share")
    signed_form(page, "Ask the node to call this network vote")
    (call,) = [r for r in live.get("/v1/federation/requests")["requests"] if r["kind"] == "call"]
    assert call["body"]["options"] == ["share"] and call["body"]["alliance"] == hub["node"]
    assert answered(live, call["id"])["status"] == "failed"
    page.goto(f"{base}/network")
    expect(page.get_by_test_id("request-list")).to_contain_text("failed")
    assert errors == []
    context.close()
