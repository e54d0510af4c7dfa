"""The hot path against its same-run baselines: single events over HTTP as a share of a
bare ASGI endpoint's rate, batches of 100 as a share of bare Ed25519 verification.

Each figure is measured three times (``BENCH_HOTPATH_RUNS``), each run beside its own
baselines, because on a shared two-core machine a baseline measured once drifts.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.http_load import drive, run_http_load, served_command, split_among_clients
from bench.workload import signed_events

RUNS = int(os.environ.get("BENCH_HOTPATH_RUNS", "3"))


@dataclass(frozen=True)
class HotPathRun:
    """One run's figures: rates in requests or events per second."""

    bare_asgi: float
    single: float
    bare_verify: float
    batched: float

    @property
    def single_share(self) -> float:
        """Single-event HTTP as a % of the bare ASGI endpoint (target >= 40 %)."""
        return 100 * self.single / self.bare_asgi

    @property
    def batched_share(self) -> float:
        """Batches of 100 as a % of bare Ed25519 verify on one core (target >= 60 %)."""
        return 100 * self.batched / self.bare_verify


def bare_asgi_rate(requests: int) -> float:
    """Requests per second a do-nothing ASGI endpoint answers under uvicorn with httptools,
    driven by the same 8 clients with the same signed-event bodies as the node."""
    bodies = split_among_clients(signed_events("did:web:bare.example", requests, authors=8))
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.bare_asgi:app",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
        "--host",
        "127.0.0.1",
    ]
    with served_command(command, "/") as port:
        elapsed = drive(port, bodies, "/v1/events")
    return requests / elapsed


def one_run(workdir: Path, singles: int, batched: int, bare_verify: float) -> HotPathRun:
    """Bare ASGI, then single events, then batches of 100, one after the other."""
    bare = bare_asgi_rate(singles)
    single = run_http_load(workdir / "single", singles, batch=1)
    batches = run_http_load(workdir / "batched", batched, batch=100)
    return HotPathRun(bare, single, bare_verify, batches)
