"""Real node processes on 127.0.0.1 that recognise, witness and mirror each other."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from commonweal.core.keys import SigningKey
from commonweal.node.kernel.setup import init_node
from commonweal.node.services.federation.peer_client import Answer, PeerClient
from tests.builders import EventFactory
from tests.federation import DIRECT_RECOGNITION
from tests.server import ServerProcess

HTTP = httpx.Client(timeout=30)
"""One connection pool for every test request (a new client per request costs ~40 ms)."""


LoggedServer = ServerProcess
"""Every test server now logs its stderr to ``server.log`` in its data directory."""


class RealClock:
    """The wall clock, as events made for live nodes need."""

    def __call__(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class LiveNode:
    """A node served by its own process, and signed events for it."""

    name: str
    data_dir: Path
    server: ServerProcess
    key: SigningKey
    identity: dict[str, Any]
    events: EventFactory
    members: tuple[str, ...]

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def did(self) -> str:
        return str(self.identity["did"])

    @property
    def key_did(self) -> str:
        return str(self.identity["key"])

    @property
    def origin(self) -> str:
        return str(self.identity["origin"])

    @property
    def vkey(self) -> str:
        return str(self.identity["vkey"])

    def get(self, path: str, **params: Any) -> Any:
        response = HTTP.get(self.url + path, params=params or None)
        response.raise_for_status()
        return response.json()

    def text(self, path: str) -> str:
        response = HTTP.get(self.url + path)
        response.raise_for_status()
        return response.text

    def operator(self, path: str, document: Any) -> Answer:
        """A request signed with the node's own key (what ``commonweal peer …`` sends)."""
        with PeerClient(self.url, key=self.key, http=HTTP) as client:
            return client.post_signed_json(path, document)

    def submit(self, author: str, event_type: str = "notary.document.attested", **kw: Any) -> Any:
        event = self.events.event(author, type=event_type, **kw)
        response = HTTP.post(self.url + "/v1/events", content=orjson.dumps(event))
        if response.status_code >= 400:
            raise AssertionError(f"{self.name} refused {event_type}: {response.text}")
        return response.json()

    def attest(self, count: int, author: str | None = None) -> list[dict[str, Any]]:
        """``count`` attestations; returns the receipts."""
        author = author or self.members[0]
        return [self.submit(author) for _ in range(count)]

    def size(self) -> int:
        return int(self.get("/.well-known/commonweal")["size"])

    def checkpoint_now(self) -> dict[str, Any]:
        answer = self.operator("/v1/checkpoints", {})  # the operator's request, signed
        assert answer.status == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server.start()


def start_node(
    root: Path,
    name: str,
    *,
    constitution: dict[str, Any] | None = None,
    members: Sequence[str] = ("alice", "bob", "carol"),
    founders: Sequence[str] = (),
    sync_seconds: float = 0.25,
    checkpoint_seconds: float = 0.3,
    quorum: int = 1,
    args: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> LiveNode:
    """Create a node (its members are founders, keyed per node) and serve it (``args`` and
    ``env`` go to ``commonweal serve``, e.g. a test clock)."""
    factory = EventFactory("", RealClock())  # type: ignore[arg-type]
    names = tuple(f"{name}-{m}" for m in members)
    node = init_node(
        root / name,
        name=name.title(),
        constitution=constitution or DIRECT_RECOGNITION,
        founders=[*founders, *(factory.did(n) for n in names)],
        admission={"admission": "open"},
        checkpoint_every_seconds=checkpoint_seconds,
    )
    key = node.identity.key
    factory.node_did = node.identity.did
    node.close()
    settings_file = root / name / "node.json"
    settings = json.loads(settings_file.read_text())
    settings.update(
        federation_sync_seconds=sync_seconds,
        witness_quorum=quorum,
        status_list_max_age_seconds=1.0,
    )
    settings_file.write_text(json.dumps(settings, indent=2))
    server = LoggedServer(root / name, args=args, env=env).start()
    identity = HTTP.get(server.url + "/.well-known/commonweal").json()
    return LiveNode(name, root / name, server, key, identity, factory, names)


def recognize(node: LiveNode, other: LiveNode, **terms: Any) -> None:
    """``node``'s operator recognises ``other`` (directly: the test constitution allows it)."""
    answer = node.operator("/v1/federation/recognitions", {"url": other.url, "terms": terms})
    assert answer.status == 201, answer.text


def recognize_all(nodes: Sequence[LiveNode], **terms: Any) -> None:
    for node in nodes:
        for other in nodes:
            if other is not node:
                recognize(node, other, **terms)


def wait_for(
    check: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.1, what: str = ""
) -> Any:
    """Poll ``check`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (httpx.HTTPError, AssertionError, KeyError, StopIteration) as error:
            last = error
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what or check}: last saw {last!r}")


def cosigned_size(log: LiveNode, witness: LiveNode) -> int:
    """The largest checkpoint of ``log`` that ``witness`` cosigned, as ``log`` records it."""
    name = witness.identity["witness"].split("+", 1)[0]
    sizes = [
        c["size"]
        for c in log.get("/v1/federation/cosignatures")["checkpoints"]
        if any(s["witness"] == name for s in c["cosignatures"])
    ]
    return max(sizes, default=0)


def mirror_size(mirror: LiveNode, of: LiveNode) -> int:
    for row in mirror.get("/v1/federation/mirrors")["mirrors"]:
        if row["node"] == of.did:
            return int(row["size"])
    return 0


def latest_checkpoint_size(node: LiveNode) -> int:
    return int(node.text("/log/checkpoint").split("\n")[1])


def stop_all(nodes: Iterator[LiveNode] | Sequence[LiveNode]) -> None:
    for node in nodes:
        node.server.kill()
