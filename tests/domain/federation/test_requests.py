"""A steward's federation requests: signed events the node carries out on its next round.

Only a steward may ask (403 ``forbidden`` otherwise); only safe addresses are accepted;
only the node records what came of a request; a fetch goes out only through the
service, within its bounds. The alliance call is carried to a real alliance node
in-process, over an HTTP transport that hands each request to that node.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from commonweal.core.commitment import commitment, new_salt
from commonweal.domain.catalog import default_registry
from commonweal.domain.federation import alliance
from commonweal.domain.federation import requests as rules
from commonweal.domain.federation.recognition import GRANTED
from commonweal.domain.governance.constitution import current_constitution
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import membership
from commonweal.node.services.federation import requests
from commonweal.node.services.federation.service import Federation
from commonweal.node.services.federation.sync import sync_once
from tests.builders import Clock
from tests.federation import Place, alliance_constitution, make_place, recognition_body

LAKESIDE = {
    "did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    "key": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    "origin": "lakeside.example/log",
    "vkey": "lakeside.example/log+0123abcd+" + "A" * 43 + "=",
    "witness": "lakeside.example/witness+0123abcd+" + "B" * 43 + "=",
    "name": "Lakeside Cooperative",
}


@pytest.mark.parametrize(
    "url",
    [
        "https://node.example.org",
        "https://node.example.org:8443/commons",
        "https://93.184.216.34",
        "http://127.0.0.1:9401",
    ],
)
def test_safe_addresses_are_accepted(url: str) -> None:
    assert rules.check_peer_url(url + "/") == url


@pytest.mark.parametrize(
    "url",
    [
        "http://node.example.org",  # plain http off loopback
        "http://127.0.0.1",  # loopback needs an explicit port
        "http://localhost:9401",
        "https://localhost",
        "https://app.localhost",
        "https://10.0.0.5",
        "https://192.168.1.1:8443",
        "https://169.254.169.254",  # cloud metadata
        "https://[::1]",
        "https://127.0.0.1:5432",
        "https://user:pw@node.example.org",
        "https://node.example.org/?x=1",
        "https://node.example.org/#top",
        "ftp://node.example.org",
        "file:///etc/passwd",
        " https://node.example.org",
        "https://",
        42,
    ],
)
def test_unsafe_addresses_are_refused(url: Any) -> None:
    with pytest.raises(rules.InvalidBody):
        rules.check_peer_url(url)


@pytest.fixture
def harbour(tmp_path: Path, clock: Clock) -> Place:
    return make_place(tmp_path, "Harbour", clock, members=("alice", "bob"))


def _member(place: Place, name: str) -> None:
    """``name`` joins (admission is open): a member without the steward's permissions."""
    profile = {"display_name": name.title()}
    salt = new_salt()
    body = {"commitment": commitment(profile, salt)}
    event = place.events.event(name, type="membership.application.submitted", body=body)
    membership.apply(place.node, event, profile, salt)


def test_only_a_steward_may_ask(harbour: Place) -> None:
    _member(harbour, "carol")
    for event_type, body in [
        (rules.PEER_REQUESTED, {"url": "https://node.example.org"}),
        (rules.SYNC_REQUESTED, {}),
        (rules.CALL_REQUESTED, {"alliance": LAKESIDE["did"], "title": "T", "options": ["x"]}),
    ]:
        with pytest.raises(Rejected) as refused:
            harbour.act("carol", event_type, body)
        assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert requests.listing(Federation(harbour.node)) == []


def test_only_the_node_records_an_outcome_and_only_once(harbour: Place) -> None:
    asked = harbour.act("alice", rules.PEER_REQUESTED, {"url": "https://node.example.org"})
    with pytest.raises(Rejected) as refused:
        harbour.act("alice", rules.DONE, {"request": asked.index, "ok": True})
    assert refused.value.code == "forbidden"
    harbour.node.submit_as_node(rules.DONE, {"request": asked.index, "ok": False, "detail": "x"})
    with pytest.raises(Rejected) as again:
        harbour.node.submit_as_node(rules.DONE, {"request": asked.index, "ok": True})
    assert again.value.code == "conflict"


def test_requests_waiting_are_bounded(harbour: Place) -> None:
    for n in range(rules.MAX_PENDING):
        harbour.act("alice", rules.PEER_REQUESTED, {"url": f"https://n{n}.example.org"})
    with pytest.raises(Rejected) as refused:
        harbour.act("bob", rules.SYNC_REQUESTED, {})
    assert refused.value.code == "conflict"


def _serving(routes: dict[str, httpx.Response], seen: list[str]) -> httpx.Client:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return routes.get(str(request.url), httpx.Response(404))

    return httpx.Client(transport=httpx.MockTransport(handle))


def test_a_requested_peer_is_fetched_once_on_the_next_round_and_logged(harbour: Place) -> None:
    seen: list[str] = []
    big = {**LAKESIDE, "padding": "x" * (requests.MAX_IDENTITY_BYTES + 1)}
    routes = {
        "https://lakeside.example/.well-known/commonweal": httpx.Response(200, json=LAKESIDE),
        "https://huge.example/.well-known/commonweal": httpx.Response(200, json=big),
        "https://moved.example/.well-known/commonweal": httpx.Response(
            302, headers={"location": "http://169.254.169.254/"}
        ),
    }
    federation = Federation(harbour.node, http=_serving(routes, seen))
    for url in ("https://lakeside.example", "https://huge.example", "https://moved.example"):
        harbour.act("alice", rules.PEER_REQUESTED, {"url": url})
    harbour.act("alice", rules.PEER_REQUESTED, {"url": "http://127.0.0.1:9401"})
    assert seen == []  # nothing is fetched on the request itself
    harbour.act("bob", rules.SYNC_REQUESTED, {})

    report = sync_once(federation)

    assert [r["ok"] for r in report["requests"]] == [True, False, False, False]
    assert seen == [  # no redirect followed, loopback not fetched by a node served elsewhere
        "https://lakeside.example/.well-known/commonweal",
        "https://huge.example/.well-known/commonweal",
        "https://moved.example/.well-known/commonweal",
    ]
    assert [did for did, *_ in federation.store.peers()] == [LAKESIDE["did"]]
    listed = {r["body"].get("url", "sync"): r for r in requests.listing(federation)}
    assert listed["https://lakeside.example"]["outcome"]["node"] == LAKESIDE["did"]
    assert listed["https://huge.example"]["outcome"]["detail"] == requests.UNREACHABLE
    assert listed["http://127.0.0.1:9401"]["status"] == rules.FAILED
    assert listed["sync"]["status"] == rules.CARRIED_OUT
    assert requests.pending(federation) == []
    sync_once(federation)
    assert len(seen) == 3  # carried out once
    store = harbour.node.store
    assert verify_log(store, default_registry(), compare_with=store).ok


def _bridge(hub: Place) -> httpx.Client:
    """HTTP to the alliance node, answered by the node itself (what its API would say)."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/constitution":
            return httpx.Response(200, json={"constitution": current_constitution(hub.node.state)})
        if path == "/.well-known/commonweal":
            return httpx.Response(200, json={"did": hub.node.identity.did})
        if path.startswith("/v1/authors/"):
            seq = hub.node.state.get("log.authors", path.rsplit("/", 1)[1], 0)
            return httpx.Response(200, json={"last_seq": seq})
        if path == "/v1/events" and request.method == "POST":
            try:
                receipt = hub.node.submit(request.content)
            except Rejected as refused:
                return httpx.Response(422, json={"code": refused.code, "detail": str(refused)})
            return httpx.Response(201, json={"index": receipt.index})
        return httpx.Response(404)

    return httpx.Client(transport=httpx.MockTransport(handle))


def test_a_steward_asks_the_node_to_call_a_network_vote(tmp_path: Path, clock: Clock) -> None:
    aster = make_place(tmp_path, "Aster", clock, members=("alice",))
    hub = make_place(
        tmp_path,
        "Alliance",
        clock,
        members=(),
        founders=[aster.node.identity.key_did],
        constitution=alliance_constitution("per_capita"),
    )
    aster.act("alice", GRANTED, recognition_body(hub.node, alliance=True))
    federation = Federation(aster.node, http=_bridge(hub))
    ask = {"alliance": hub.did, "title": "Pool a seed bank", "options": ["pool"]}
    aster.act("alice", rules.CALL_REQUESTED, {**ask, "kind": "network"})
    aster.act("alice", rules.CALL_REQUESTED, {**ask, "kind": "no-such-kind"})
    aster.act("alice", rules.CALL_REQUESTED, {**ask, "alliance": LAKESIDE["did"]})

    outcomes = requests.carry_out(federation)

    assert [o["ok"] for o in outcomes] == [True, False, False]
    vote = hub.node.state.get(alliance.NETWORK_VOTES, outcomes[0]["vote"])
    assert vote["title"] == "Pool a seed bank" and vote["options"] == ["pool"]
    assert hub.node.state.get("log.authors", aster.node.identity.key_did, 0) == 1  # the node's
    assert "no-such-kind" in outcomes[1]["detail"]
    assert "not an alliance this node recognises" in outcomes[2]["detail"]
