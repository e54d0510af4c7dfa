"""The ``abuse`` group: what rate limiting costs well-behaved clients, and what it saves
them under a flood (issue 14).

1. Single-event HTTP throughput, 8 clients, with the limiter on (every request charged
   to its address, route class and signing DID, headers on every answer, budgets set
   above the load so nothing is refused: the cost of the checks themselves) against the
   same run with ``--no-rate-limit``. Target: on ≥ 95 % of off.
2. A second client's p99 latency reading ``/.well-known/commonweal`` from 127.0.0.1,
   alone and then while one address (127.0.0.2: Linux routes all of 127.0.0.0/8 to the
   loopback) floods the node with four keep-alive connections under the default
   budgets. The flood is bounded (a count and a deadline) and stops by itself.
   Target: loaded p99 ≤ 5 × unloaded p99.
"""

from __future__ import annotations

import http.client
import multiprocessing
import statistics
import threading
import time
from pathlib import Path

import httpx

from bench.http_load import run_http_load, served

FLOOD_ADDRESS = "127.0.0.2"
FLOOD_CONNECTIONS = 4
PATH = "/.well-known/commonweal"


def throughput_ratio(workdir: Path, events: int, rounds: int = 2) -> tuple[float, float]:
    """Single events per second over HTTP with the limiter off and on, alternately
    ``rounds`` times each (the best of each: the machine is shared, and noise only ever
    slows a run down)."""
    generous = tuple(
        arg
        for name in ("write", "author", "anonymous")
        for arg in ("--rate-limit", f"{name}={events * 10}/60")
    )
    off, on = 0.0, 0.0
    for n in range(rounds):
        off = max(off, run_http_load(workdir / f"off{n}", events, batch=1))
        on = max(on, run_http_load(workdir / f"on{n}", events, batch=1, serve_args=generous))
    return off, on


def _flood(port: int, per_connection: int, deadline: float, counts: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def run() -> None:
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=30, source_address=(FLOOD_ADDRESS, 0)
        )
        for _ in range(per_connection):
            if time.monotonic() > deadline:
                break
            connection.request("GET", PATH)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=run) for _ in range(FLOOD_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts.put(statuses)


def _p99_ms(client: httpx.Client, url: str, requests: int) -> float:
    latencies = []
    for _ in range(requests):
        start = time.perf_counter()
        answer = client.get(url)
        latencies.append((time.perf_counter() - start) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"the well-behaved client was refused: {answer.status_code}")
        time.sleep(0.01)  # a person's pace, well within the read budget
    return statistics.quantiles(latencies, n=100)[98]


def flood_p99(
    workdir: Path, requests: int, flood_requests: int
) -> tuple[float, float, dict[int, int]]:
    """The second client's p99 (ms) alone and under the flood; the flood's status counts."""
    from bench.workload import WITHOUT_WRITE_POLICY
    from commonweal.node.kernel.setup import init_node

    data_dir = workdir / "flooded"
    init_node(data_dir, name="Flooded", constitution=WITHOUT_WRITE_POLICY).close()
    with served(data_dir, ()) as port:
        url = f"http://127.0.0.1:{port}{PATH}"
        with httpx.Client(timeout=30) as client:
            _p99_ms(client, url, 20)  # warm up
            alone = _p99_ms(client, url, requests)
            counts: multiprocessing.Queue = multiprocessing.get_context("fork").Queue()  # type: ignore[type-arg]
            deadline = time.monotonic() + 120
            flooder = multiprocessing.get_context("fork").Process(
                target=_flood, args=(port, flood_requests // FLOOD_CONNECTIONS, deadline, counts)
            )
            flooder.start()
            time.sleep(0.5)  # let the flood spend its budget and be refused
            loaded = _p99_ms(client, url, requests)
            statuses = counts.get(timeout=180)
            flooder.join(timeout=30)
    return alone, loaded, statuses
