"""A peer's places as the sync round keeps them: checked member by member, a bad answer
refused with the last good one kept, nothing ever taken on trust (no HTTP leaves the test:
the peer is an httpx mock)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest

from commonweal.node.services.federation import network_places
from commonweal.node.services.federation.peer_client import PeerError
from commonweal.node.services.federation.service import Federation
from tests.community import Community
from tests.places import place_body

PEER = {"node": "did:key:z6MkPeer", "url": "http://127.0.0.1:9", "name": "Peer"}


def federation_answering(community: Community, answer: Callable[[], httpx.Response]) -> Federation:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/places" and "signature" not in request.headers
        return answer()

    return Federation(community.node, http=httpx.Client(transport=httpx.MockTransport(handle)))


def listing(*places: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, content=orjson.dumps({"places": list(places)}))


def test_a_peers_places_are_kept_checked_and_a_bad_answer_keeps_the_last_good_one(
    community: Community,
) -> None:
    answers = [listing({"id": 7, **place_body(name="Good")})]
    federation = federation_answering(community, lambda: answers[0])
    try:
        assert network_places.refresh(federation, PEER) == 1
        kept = federation.peer_places[PEER["node"]]
        assert [p["name"] for p in kept["places"]] == ["Good"] and kept["error"] is None
        for bad in (
            listing({"id": 8, **place_body(location={"lat": "91", "lon": "0"})}),
            listing({"id": 9, **place_body(area_m2=-1)}),
            httpx.Response(200, content=b'{"places": [{"id": 1, "area_m2": 1.5}]}'),
            httpx.Response(200, content=b"not json"),
            httpx.Response(500, content=b"{}"),
        ):
            answers[0] = bad
            with pytest.raises(PeerError):
                network_places.refresh(federation, PEER)
            kept = federation.peer_places[PEER["node"]]
            assert [p["name"] for p in kept["places"]] == ["Good"] and kept["error"]
    finally:
        federation.close()


def test_a_peers_words_are_bounded_and_unknown_kinds_shown_as_other(community: Community) -> None:
    odd = {"id": 3, **place_body(name="x" * 1000, kind="castle", tenure="feudal")}
    federation = federation_answering(community, lambda: listing(odd))
    try:
        network_places.refresh(federation, PEER)
        [kept] = federation.peer_places[PEER["node"]]["places"]
        assert len(kept["name"]) == network_places.MAX_TEXT
        assert (kept["kind"], kept["tenure"]) == ("other", "shared")
        assert set(kept) == {
            "id", "name", "kind", "location", "area_m2", "capacity", "tenure", "since"
        }  # fmt: skip
    finally:
        federation.close()
