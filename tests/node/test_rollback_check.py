"""What the rollback check believes (``node/services/federation/rollback.py``), against a real HTTP
server on 127.0.0.1 that answers as a witness and a mirror would — or as a liar would.

Only a note signed by the node's own key counts: a peer cannot make a node refuse
writes by claiming a larger size, and a checkpoint of a size the log holds with
another root is reported as a divergence, not as a rollback.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import orjson
import pytest

from commonweal.core.checkpoint import Checkpoint, sign_checkpoint
from commonweal.core.keys import SigningKey
from commonweal.core.note import NoteSigner
from commonweal.node.kernel.identity import NodeIdentity
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import init_node
from commonweal.node.services.federation import rollback
from tests.builders import WITHOUT_WRITE_POLICY, Clock


class Answers:
    """What the fake peer serves of ``origin``: a witnessed note and a mirror note."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.witnessed: str | None = None
        self.mirrored: str | None = None


@pytest.fixture
def node(tmp_path: Path, clock: Clock) -> Iterator[Node]:
    created = init_node(
        tmp_path / "node", name="Checked Commons", clock=clock, constitution=WITHOUT_WRITE_POLICY
    )
    yield created
    created.close()


@pytest.fixture
def peer(node: Node) -> Iterator[tuple[str, Answers]]:
    answers = Answers(node.identity.origin)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/v1/federation/witnessed":
                logs = [{"origin": answers.origin, "checkpoint": answers.witnessed}]
                self._send(200, orjson.dumps({"logs": logs if answers.witnessed else []}))
            elif self.path.startswith("/mirror/") and answers.mirrored:
                self._send(200, answers.mirrored.encode())
            else:
                self._send(404, b"{}")

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", answers
    finally:
        server.shutdown()
        server.server_close()


def note_of(identity: NodeIdentity, size: int, root: bytes, key: SigningKey | None = None) -> str:
    signer = NoteSigner(identity.origin, key or identity.key)
    return sign_checkpoint(Checkpoint(identity.origin, size, root), signer)


def status_of(node: Node, url: str) -> rollback.RollbackStatus:
    with httpx.Client(timeout=5) as http:
        return rollback.ask(
            [url],
            did=node.identity.did,
            origin=node.identity.origin,
            vkey=node.identity.vkey,
            local_size=node.size,
            root_at=lambda size: node.proofs.root(size) if size <= node.size else None,
            http=http,
        )


def test_a_larger_checkpoint_signed_by_the_node_means_a_rollback(
    node: Node, peer: tuple[str, Answers]
) -> None:
    url, answers = peer
    answers.witnessed = note_of(node.identity, node.size + 40, bytes(32))
    answers.mirrored = note_of(node.identity, node.size, node.proofs.root(node.size))
    status = status_of(node, url)
    assert status.rolled_back and not status.ok
    assert status.largest is not None and status.largest.kind == "witness"
    assert "40 entries are missing" in status.explain()
    assert status.restore_command("guild") == f"commonweal restore --from {url} --data-dir guild"


def test_a_peer_cannot_claim_a_larger_size_without_the_nodes_key(
    node: Node, peer: tuple[str, Answers]
) -> None:
    url, answers = peer
    forger = SigningKey(bytes(range(32)))
    answers.witnessed = note_of(node.identity, node.size + 40, bytes(32), key=forger)
    answers.mirrored = "not a note at all\n"
    status = status_of(node, url)
    assert status.ok and status.sightings == () and status.unreachable == ()


def test_a_checkpoint_of_a_held_size_with_another_root_is_a_divergence(
    node: Node, peer: tuple[str, Answers]
) -> None:
    url, answers = peer
    answers.mirrored = note_of(node.identity, node.size, bytes(32))
    status = status_of(node, url)
    assert not status.rolled_back and not status.ok
    assert "diverged" in status.explain()


def test_a_peer_that_does_not_answer_is_unreachable_not_a_verdict(node: Node) -> None:
    from tests.server import free_port

    url = f"http://127.0.0.1:{free_port()}"
    status = status_of(node, url)
    assert status.ok and status.unreachable == (url,)


def test_writes_are_refused_while_rolled_back_and_accepted_once_restored(
    node: Node, peer: tuple[str, Answers]
) -> None:
    from commonweal.node.kernel.errors import Rejected
    from commonweal.node.services.federation.service import Federation
    from tests.builders import EventFactory

    url, answers = peer
    answers.witnessed = note_of(node.identity, node.size + 3, bytes(32))
    federation = Federation(node)
    try:
        status = status_of(node, url)
        rollback.record(federation, status)
        assert rollback.readiness(federation)[0] is False
        events = EventFactory(node.identity.did, Clock(node.clock()))
        size = node.size
        with pytest.raises(Rejected) as refused:
            node.submit(events.raw("alice"))
        assert refused.value.code == "rolled_back"
        assert "commonweal restore --from" in refused.value.message
        assert node.size == size
        answers.witnessed = note_of(node.identity, node.size, node.proofs.root(node.size))
        rollback.record(federation, status_of(node, url))
        assert rollback.readiness(federation)[0] is True
        node.submit(events.raw("alice", seq=1))
        assert node.size == size + 1
    finally:
        federation.close()
