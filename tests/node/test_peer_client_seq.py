"""A key that signs for a peer's log from two places at once: the peer client signs again
with the next free seq instead of failing (the node's sync round beside an operator's
command, both with the node key)."""

from __future__ import annotations

import httpx
import orjson
import pytest

from commonweal.core.keys import SigningKey
from commonweal.node.services.federation.peer_client import PeerClient, PeerError

NODE = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"


def _peer(taken_until: int, always_taken: bool = False) -> tuple[httpx.MockTransport, list[int]]:
    """A peer whose author record says seq 0 first, then ``taken_until``: the first
    submission finds its seq taken (unless all are)."""
    reads: list[int] = [0, taken_until]
    posted: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/commonweal":
            return httpx.Response(200, json={"did": NODE})
        if request.url.path.startswith("/v1/authors/"):
            return httpx.Response(200, json={"last_seq": reads.pop(0) if reads else taken_until})
        event = orjson.loads(request.content)
        posted.append(event["seq"])
        if always_taken or event["seq"] <= taken_until:
            problem = {"code": "seq_replayed", "status": 409, "detail": "seq used"}
            return httpx.Response(409, json=problem)
        return httpx.Response(201, json={"index": 7})

    return httpx.MockTransport(handle), posted


def test_a_seq_taken_meanwhile_is_read_again_and_signed_anew() -> None:
    transport, posted = _peer(taken_until=1)
    with httpx.Client(transport=transport) as http:
        client = PeerClient("http://peer.test", http=http)
        receipt = client.submit_as(SigningKey.generate(), "notary.document.attested", {})
    assert receipt == {"index": 7}
    assert posted == [1, 2]


def test_a_seq_always_taken_is_refused_after_a_few_attempts() -> None:
    transport, posted = _peer(taken_until=1, always_taken=True)
    with httpx.Client(transport=transport) as http:
        client = PeerClient("http://peer.test", http=http)
        with pytest.raises(PeerError, match="seq_replayed"):
            client.submit_as(SigningKey.generate(), "notary.document.attested", {})
    assert len(posted) == 3
