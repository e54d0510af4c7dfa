"""HTTP load: a real server process, and 8 client threads in another process."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson

from bench.workload import signed_events

CLIENTS = 8


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _client_process(
    port: int, bodies: list[list[bytes]], path: str, result: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    errors: list[str] = []
    barrier = threading.Barrier(len(bodies) + 1)

    def run(mine: list[bytes]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        for body in mine:
            connection.request(
                "POST", path, body=body, headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            payload = response.read()
            if response.status not in (200, 201):
                errors.append(payload.decode()[:200])
                return
        connection.close()

    threads = [threading.Thread(target=run, args=(mine,)) for mine in bodies]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    result.put((time.perf_counter() - start, errors))


def run_http_load(
    data_dir: Path,
    events: int,
    *,
    batch: int,
    serve_args: Sequence[str] = ("--no-rate-limit",),
) -> float:
    """Events per second accepted over HTTP by one server with 8 concurrent clients
    (``serve_args`` go to ``commonweal serve``).

    The server runs without rate limits unless ``serve_args`` says otherwise: all 8
    clients share one address, which is a flood by any budget (bench/ratelimit.py
    measures the limiter itself)."""
    from bench.workload import WITHOUT_WRITE_POLICY
    from commonweal.node.kernel.setup import init_node

    node = init_node(data_dir, name="HTTP bench", constitution=WITHOUT_WRITE_POLICY)
    did = node.identity.did
    genesis = node.size  # node.created and the adopted constitution
    node.close()
    raws = signed_events(did, events, authors=CLIENTS)
    per_client: list[list[bytes]] = [[] for _ in range(CLIENTS)]
    for n, raw in enumerate(raws):  # author n % 8 belongs to client n % 8, in seq order
        per_client[n % CLIENTS].append(raw)
    if batch == 1:
        bodies, path = per_client, "/v1/events"
    else:
        bodies = [
            [
                b'{"events":[' + b",".join(mine[i : i + batch]) + b"]}"
                for i in range(0, len(mine), batch)
            ]
            for mine in per_client
        ]
        path = "/v1/events/batch"
    with served(data_dir, serve_args) as port:
        queue: multiprocessing.Queue = multiprocessing.get_context("fork").Queue()  # type: ignore[type-arg]
        client = multiprocessing.get_context("fork").Process(
            target=_client_process, args=(port, bodies, path, queue)
        )
        client.start()
        elapsed, errors = queue.get(timeout=600)
        client.join()
        if errors:
            raise SystemExit(f"the server refused bench events: {errors[:2]}")
        size = orjson.loads(httpx.get(f"http://127.0.0.1:{port}/.well-known/commonweal").content)[
            "size"
        ]
        expected = genesis + events
        assert size == expected, f"expected {expected} entries, found {size}"
    return events / elapsed


@contextmanager
def served(data_dir: Path, serve_args: Sequence[str] = ()) -> Iterator[int]:
    """``commonweal serve`` on a free port, answering before this yields its port; stopped
    (SIGTERM, a clean stop) when the block ends."""
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "commonweal"),
            "serve",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            *serve_args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{port}/.well-known/commonweal", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)
