"""The network pages in-process over a real federated pair: Birch and Ash recognise each
other, Ash witnesses Birch's log, Birch mirrors Ash's, and a member of Birch visits Ash;
Cedar is known to Birch and not recognised. And an alliance's pages show its votes."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.core.commitment import commitment, new_salt
from commonweal.core.did import did_key_from_public_key
from commonweal.core.http_signatures import sign_peer_request
from commonweal.core.vc.verify import create_presentation
from commonweal.domain.federation.recognition import GRANTED
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.domain.membership.records import ACTIVE
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services import credentials, membership
from commonweal.node.services.federation import mirror, peers, visitors, visits_abroad, witness
from commonweal.node.services.federation.peer_client import Answer
from commonweal.node.services.federation.service import Federation
from commonweal.web.app import create_app
from tests.builders import Clock
from tests.domain.federation.test_alliance import Network
from tests.federation import Place, make_place, recognition_body
from tests.web.pages import page, sign_in

WITNESS_URL = "http://ash.example/witness/add-checkpoint"


class Bridge:
    """What ``PeerClient`` asks of a peer, answered in-process by ``peer``'s node and its
    federation (the witness included), signed by ``caller``'s node key."""

    def __init__(self, peer: Place, peer_federation: Federation, caller: Place) -> None:
        self.peer = peer
        self.federation = peer_federation
        self.caller = caller

    def identity(self) -> dict[str, Any]:
        identity = self.peer.node.identity
        return {
            "did": identity.did,
            "key": identity.key_did,
            "origin": identity.origin,
            "vkey": identity.vkey,
            "witness": identity.witness.vkey,
            "name": self.peer.node.identity.did[-6:],
        }

    def checkpoint(self, prefix: str = "/log") -> str:
        row = self.peer.node.store.latest_checkpoint()
        assert row is not None
        return row.note

    def entry_bundle(self, index: int, width: int, prefix: str = "/log") -> bytes:
        return self.peer.node.proofs.entry_bundle(index, width)

    def get_json(self, path: str, **_params: Any) -> Any:
        if path == credentials.STATUS_LIST_PATH:
            return credentials.status_list(self.peer.node)
        if path == "/v1/federation/recognitions":
            return {"recognitions": self.federation.recognitions(in_force=False)}
        return {"evidence": []}

    def add_checkpoint(self, body: str) -> Answer:
        raw = body.encode()
        key = self.caller.node.identity.key
        now = int(self.caller.node.clock().timestamp())
        keyid = did_key_from_public_key(key.public_key)
        headers = sign_peer_request("POST", WITNESS_URL, raw, key, keyid, now=now)
        reply = witness.handle(
            self.federation, url=WITNESS_URL, headers=list(headers.items()), body=raw
        )
        return Answer(reply.status, reply.content_type, reply.body)

    def __enter__(self) -> Bridge:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


@dataclass
class Pair:
    birch: Place
    ash: Place
    cedar: Place
    app: TestClient
    visitor: str


def _visit(home: Place, host_federation: Federation) -> str:
    """Carol of ``home`` presents her membership credential and is admitted as a visitor."""
    holder = home.events.key("carol")
    did = home.member("carol")
    vc = credentials.credential(
        home.node, credentials.owed(home.node, did, {"MembershipCredential"})
    )
    presentation = create_presentation(
        holder,
        [vc],
        challenge=host_federation.new_challenge(),
        domain=host_federation.node.identity.did,
        created="2026-11-23T12:00:00Z",
    )
    visitors.admit(host_federation, presentation)
    return did


@pytest.fixture
def pair(tmp_path: Path, clock: Clock, database_url: str | None) -> Iterator[Pair]:
    """Birch (on SQLite, and on PostgreSQL when asked) with Ash and Cedar."""
    birch = make_place(tmp_path, "Birch", clock, database_url=database_url)
    ash = make_place(tmp_path, "Ash", clock)
    cedar = make_place(tmp_path, "Cedar", clock)
    birch.act("alice", GRANTED, recognition_body(ash.node, mirror=True, witness=True))
    ash.act("alice", GRANTED, recognition_body(birch.node))
    on_birch, on_ash = Federation(birch.node), Federation(ash.node)
    to_ash, to_birch = Bridge(ash, on_ash, birch), Bridge(birch, on_birch, ash)
    on_birch.client = lambda url, signed=True: to_ash  # type: ignore[method-assign,assignment,misc]
    on_ash.client = lambda url, signed=True: to_birch  # type: ignore[method-assign,assignment,misc]
    visitor = _visit(birch, on_ash)  # a member of Birch visits Ash
    ash.node.checkpoint()
    (ash_peer,) = on_birch.recognitions()
    mirror.sync(on_birch, ash_peer)
    peers.refresh_treaty(on_birch, ash_peer)
    birch.node.checkpoint()
    assert witness.request_cosignatures(on_birch, ash_peer) == birch.node.size
    # Ash moves on past Birch's mirror, and asks Birch (its witness) to cosign that.
    ash.attest("alice", 3)
    ash.node.checkpoint()
    (birch_peer,) = on_ash.recognitions()
    assert witness.request_cosignatures(on_ash, birch_peer) == ash.node.size
    on_birch.store.put_peer(
        cedar.did,
        "http://cedar.example",
        orjson.dumps({**Bridge(cedar, on_birch, birch).identity(), "name": "Cedar"}).decode(),
        on_birch.stamp(),
    )
    with TestClient(create_app(birch.node, background_checkpoints=False)) as client:
        yield Pair(birch, ash, cedar, client, visitor)
    for federation in (on_birch, on_ash):
        federation.close()
    for place in (birch, ash, cedar):
        place.node.close()


def test_the_network_page_shows_peers_terms_witnessing_mirrors_and_visits(pair: Pair) -> None:
    text = page(pair.app, "/network")
    assert "recognises 1 other node" in text and "1 recognises it back" in text
    nodes = text[text.index('data-testid="nodes"') :]
    assert f"/network/{pair.ash.did}" in nodes and "treaty" in nodes
    assert "known, not recognised" in nodes and "Cedar" in nodes
    assert "We witness its log." in text and "We keep a verified mirror of its log." in text
    witnesses = text[text.index('data-testid="witnesses"') :]
    size = pair.birch.node.size
    assert re.search(rf"<td>{size} <span class=\"tag good\">up to date", witnesses)
    assert "Quorum met" in text
    mirrors = text[text.index('data-testid="mirrors"') :]
    assert f"<td>{pair.ash.node.size - 3}</td>" in mirrors and "3 entries" in mirrors
    assert f"{pair.ash.node.identity.origin}</code>: cosigned up to {pair.ash.node.size}" in text
    elsewhere = text[text.index('data-testid="visiting-elsewhere"') :]
    assert f"/members/{pair.visitor}" in elsewhere
    assert "None: no log this node knows has shown two histories." in text
    one = page(pair.app, f"/network/{pair.ash.did}")
    assert "A treaty: this node recognises it and it recognises this node." in one
    assert f"it last cosigned {size} entries" in one
    assert f"{pair.ash.node.size - 3} entries verified, 3 behind" in one
    assert "1 of ours visited there" in one
    assert page(pair.app, "/network/did:key:z6MkNobody", 404)


def test_a_page_reads_a_bounded_part_of_the_mirrors_and_the_sync_round_the_rest(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node back from a restart does not read every mirror while drawing a page: the
    page reads a few entries and says which mirrors it is still reading; the sync
    round's scan reads on from there, and finds the visit."""
    monkeypatch.setattr(visits_abroad, "START_BUDGET", 0)  # as if the mirrors were huge
    monkeypatch.setattr(visits_abroad, "PAGE_BUDGET", 2)
    with TestClient(create_app(pair.birch.node, background_checkpoints=False)) as app:
        text = page(app, "/network")
        assert 'data-testid="visiting-elsewhere"' not in text
        assert "Still reading the mirrors of" in text
        federation: Federation = app.app.state.federation  # type: ignore[attr-defined]
        (origin,) = federation.visit_scans
        assert federation.visit_scans[origin].size == 2
        assert visits_abroad.scan(federation) == []
        text = page(app, "/network")
        elsewhere = text[text.index('data-testid="visiting-elsewhere"') :]
        assert f"/members/{pair.visitor}" in elsewhere
        assert "Still reading" not in text


def test_a_visitor_or_a_non_steward_sees_the_network_but_no_acts(pair: Pair) -> None:
    signed_out = [page(pair.app, p) for p in ("/network", f"/network/{pair.cedar.did}")]
    # A newcomer joins Birch (open admission): a member in good standing, not a steward.
    profile = {"display_name": "Dora", "contact": "dora@example.org"}
    salt = new_salt()
    event = pair.birch.events.event(
        "dora",
        type="membership.application.submitted",
        body={"commitment": commitment(profile, salt)},
    )
    membership.apply(pair.birch.node, event, profile, salt)
    dora = pair.birch.member("dora")
    assert pair.birch.node.state.get("membership.members", dora)["status"] == ACTIVE
    sign_in(pair.app, dora)
    member_view = [page(pair.app, p) for p in ("/network", f"/network/{pair.ash.did}")]
    for text in signed_out + member_view:
        assert "data-event" not in text.split("<main", 1)[1], "an act offered to a non-steward"
        assert 'data-testid="steward-acts"' not in text
    assert "We witness its log." in member_view[0] and pair.ash.did in member_view[1]
    # And the API refuses the act anyway.
    with pytest.raises(Rejected) as refused:
        pair.birch.act("dora", GRANTED, recognition_body(pair.cedar.node))
    assert refused.value.code == "forbidden"


def _hidden_identity(text: str) -> dict[str, Any]:
    value = re.search(r"name=\"identity\" value='([^']*)'", text)
    assert value is not None
    identity: dict[str, Any] = orjson.loads(html.unescape(value.group(1)))
    return identity


def test_a_steward_is_offered_the_acts_and_what_the_form_signs_is_accepted(pair: Pair) -> None:
    sign_in(pair.app, pair.birch.member("alice"))
    treaty = page(pair.app, f"/network/{pair.ash.did}")
    assert 'data-event="federation.recognition.granted"' in treaty  # new terms
    assert 'data-event="federation.recognition.withdrawn"' in treaty
    assert "commonweal peer add https://OTHER-NODE --node" in treaty
    # What the federation CLI does that a browser key cannot sign is told, command by command.
    told = page(pair.app, "/network")
    for command in (
        "commonweal peer add ",
        "commonweal peer sync ",
        "commonweal restore ",
        "commonweal witness verify-evidence ",
        "commonweal alliance create ",
        "commonweal alliance call ",
    ):
        assert command in told, command
    cedar = page(pair.app, f"/network/{pair.cedar.did}")
    assert 'data-body="recognition"' in cedar and "Recognise Cedar" in cedar
    # The body network.js builds: the page's identity and the terms checked.
    body = {**_hidden_identity(cedar), "terms": {"witness": True, "mirror": False}}
    pair.birch.act("alice", GRANTED, body)
    after = page(pair.app, "/network")
    assert "recognises 2 other nodes" in after
    assert "We keep no mirror of its log." in page(pair.app, f"/network/{pair.cedar.did}")


def test_a_constitution_that_reserves_recognition_gets_proposal_forms(
    tmp_path: Path, clock: Clock
) -> None:
    reserved = make_place(tmp_path, "Reserved", clock, constitution=DEFAULT_CONSTITUTION)
    other = make_place(tmp_path, "Other", clock)
    federation = Federation(reserved.node)
    identity = {**Bridge(other, federation, reserved).identity(), "name": "Other"}
    federation.store.put_peer(
        other.did, "http://other.example", orjson.dumps(identity).decode(), federation.stamp()
    )
    with TestClient(create_app(reserved.node, background_checkpoints=False)) as client:
        text = page(client, "/network")
        assert "recognises no other node yet: it is not part of a network" in text
        assert "recognises no other node yet" in page(client, "/")
        sign_in(client, reserved.member("alice"))
        one = page(client, f"/network/{other.did}")
        assert 'data-body="recognition-proposal"' in one and "Propose recognising Other" in one
        assert 'data-event="federation.recognition.granted"' not in one
        # What network.js builds from that form: a recognition proposal, which is accepted.
        action = {"type": "federation.recognize", **_hidden_identity(one), "terms": {}}
        body = {
            "kind": "recognition",
            "topic": "general",
            "title": "Recognise Other",
            "text": "Recognise the node at http://other.example on the terms stated.",
            "actions": [action],
        }
        receipt = reserved.act("alice", "governance.proposal.drafted", body)
        listed = page(client, "/network")
        assert f'href="/proposals/{receipt.index}"' in listed
    federation.close()
    reserved.node.close()
    other.node.close()


def test_the_old_addresses_lead_to_the_network_page(pair: Pair) -> None:
    for old in ("/peers", "/federation"):
        answer = pair.app.get(old, follow_redirects=False)
        assert answer.status_code == 308 and answer.headers["location"] == "/network"
        assert pair.app.get(old).status_code == 200


def test_the_home_page_names_the_nodes_it_really_recognises(pair: Pair) -> None:
    home = page(pair.app, "/")
    standing = home[home.index('data-testid="network-standing"') :]
    assert f'<a href="/network/{pair.ash.did}">' in standing.split("</p>")[0]


def test_the_demo_no_longer_claims_a_network_it_is_not_in(client: TestClient) -> None:
    home = page(client, "/")
    assert "Part of the Commonweal network" not in home
    assert "recognises no other node yet" in home


@pytest.fixture
def voted(tmp_path: Path, clock: Clock) -> Iterator[tuple[Network, int]]:
    network = Network(tmp_path, clock, "per_capita")
    vote = network.call("network", ["adopt"])
    network.open(vote)
    for node, members in (("Aster", 5), ("Birch", 3), ("Cedar", 4)):
        for n, member in enumerate(("alice", "bob", "carol", "dan", "eve")[:members]):
            network.ballot(node, member, {"choice": "yes" if n % 3 else "no"})
    network.clock.advance(seconds=3600)
    network.close_and_report(vote)
    network.close(vote)
    yield network, vote
    network.close_nodes()


def test_the_alliance_pages_show_its_network_votes(voted: tuple[Network, int]) -> None:
    network, vote = voted
    with TestClient(create_app(network.alliance.node, background_checkpoints=False)) as client:
        home = page(client, "/")
        assert re.search(r'data-testid="figure-network-votes"><a href="/network/votes">1<', home)
        assert "Join the seed bank" in home and "12 ballots in 3 precincts" in home
        standing = home[home.index('data-testid="network-standing"') :].split("</p>")[0]
        assert "is an alliance of 3 member nodes." in standing
        assert "not part of a network" not in standing
        proposals = page(client, "/proposals")
        assert "network votes" in proposals and "0 open, 1 closed" in proposals
        network_page = page(client, "/network")
        assert "it is an alliance of 3 member nodes" in network_page
        assert "not part of a network" not in network_page
        listing = page(client, "/network/votes")
        assert f'href="/network/votes/{vote}"' in listing
        one = page(client, f"/network/votes/{vote}")
        precincts = one[one.index('data-testid="precincts"') :]
        assert precincts.count("<tr>") == 4  # a heading and three member nodes
        assert "3 of 3 member nodes reported; 12 ballots in all." in one
        assert "Decided: <strong>adopt</strong> (passed)" in one
        assert "Across the network: 7 yes, 5 no, 0 abstaining." in one
        assert f"commonweal alliance audit {vote} --node" in one
        assert page(client, "/network/votes/99999", 404)
