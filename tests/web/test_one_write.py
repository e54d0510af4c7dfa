"""One socket write per response: the status line, headers and body of a response with a
Content-Length go out together (web.connections.OneWrite), counted on a real uvicorn
server on 127.0.0.1 whose transport records every write. Plain uvicorn, the control,
writes twice."""

from __future__ import annotations

import asyncio
import http.client
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from commonweal.node.kernel.setup import init_node
from commonweal.web.app import create_app
from commonweal.web.connections import ConnectionLimits, guarded_protocol
from tests.server import free_port

WRITES: list[bytes] = []


class CountedTransport:
    """A transport that records what is written through it."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport

    def write(self, data: bytes) -> None:
        WRITES.append(bytes(data))
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def counted(protocol: type[HttpToolsProtocol]) -> type[HttpToolsProtocol]:
    def connection_made(self: HttpToolsProtocol, transport: asyncio.Transport) -> None:
        protocol.connection_made(self, CountedTransport(transport))  # type: ignore[arg-type]

    return type("Counted", (protocol,), {"connection_made": connection_made})


@pytest.fixture(scope="module")
def node_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    node = init_node(Path(tmp_path_factory.mktemp("one-write")) / "node", name="One Write")
    yield create_app(node, background_checkpoints=False)
    node.close()


def serve(app: Any, protocol: type[HttpToolsProtocol]) -> tuple[uvicorn.Server, int]:
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=protocol, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    return server, port


def writes_per_response(app: Any, protocol: type[HttpToolsProtocol]) -> list[int]:
    """Writes for each of a few requests on one kept-alive connection."""
    server, port = serve(app, counted(protocol))
    counts = []
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for method, path, body in (
            ("GET", "/.well-known/commonweal", None),
            ("GET", "/v1/events?limit=2", None),
            ("POST", "/v1/events", b"{not json"),  # a refusal is a response too
            ("HEAD", "/healthz", None),
        ):
            WRITES.clear()
            connection.request(method, path, body=body)
            response = connection.getresponse()
            payload = response.read()
            assert response.status in (200, 400, 405, 422), payload
            if method != "HEAD":
                assert WRITES and WRITES[-1].endswith(payload)
            counts.append(len(WRITES))
        connection.close()
    finally:
        server.should_exit = True
    return counts


def test_each_response_is_one_write(node_app: Any) -> None:
    assert writes_per_response(node_app, guarded_protocol(ConnectionLimits())) == [1, 1, 1, 1]


def test_plain_uvicorn_writes_head_and_body_apart(node_app: Any) -> None:
    """The control: the same server without OneWrite writes twice (so the count above
    could fail)."""
    assert writes_per_response(node_app, HttpToolsProtocol)[:3] == [2, 2, 2]
