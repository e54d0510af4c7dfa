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
    per_client = split_among_clients(raws)
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
        elapsed = drive(port, bodies, path)
        size = orjson.loads(httpx.get(f"http://127.0.0.1:{port}/.well-known/commonweal").content)[
            "size"
        ]
        expected = genesis + events
        assert size == expected, f"expected {expected} entries, found {size}"
    return events / elapsed


def drive(port: int, bodies: list[list[bytes]], path: str) -> float:
    """Seconds for one client thread per list in ``bodies`` (in another process) to POST
    each of its bodies to ``path`` in turn, each on its own kept-alive connection."""
    queue: multiprocessing.Queue = multiprocessing.get_context("fork").Queue()  # type: ignore[type-arg]
    client = multiprocessing.get_context("fork").Process(
        target=_client_process, args=(port, bodies, path, queue)
    )
    client.start()
    elapsed, errors = queue.get(timeout=600)
    client.join()
    if errors:
        raise SystemExit(f"the server refused bench requests: {errors[:2]}")
    return float(elapsed)


def split_among_clients(raws: list[bytes]) -> list[list[bytes]]:
    """Event n to client n % 8 (author n % 8 is that client's, so each stays in seq order)."""
    per_client: list[list[bytes]] = [[] for _ in range(CLIENTS)]
    for n, raw in enumerate(raws):
        per_client[n % CLIENTS].append(raw)
    return per_client


@contextmanager
def served_command(command: Sequence[str], probe: str) -> Iterator[int]:
    """``command`` (given ``--port``) on a free port, answering ``probe`` before this
    yields its port; stopped with SIGTERM when the block ends."""
    port = _free_port()
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


@contextmanager
def served(data_dir: Path, serve_args: Sequence[str] = ()) -> Iterator[int]:
    """``commonweal serve`` on a free port, answering before this yields its port; stopped
    (SIGTERM, a clean stop) when the block ends."""
    program = str(Path(sys.executable).parent / "commonweal")
    command = [program, "serve", "--data-dir", str(data_dir), *serve_args]
    with served_command(command, "/.well-known/commonweal") as port:
        yield port
