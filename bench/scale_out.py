"""Scale-out on PostgreSQL: ``commonweal serve --workers N`` under a short mixed load.

For each worker count, a fresh PostgreSQL database and node, served by ``serve --workers N``
(N web processes on one port, one scheduler). A client process runs ``CLIENTS`` members;
each member in turn writes a signed event (one keep-alive connection), then reads its own
``last_seq`` back through another connection (opened again every few reads, so the kernel
hands it to any worker) until the write shows — the read-your-writes lag, from the write's
acknowledgement to the first read that shows it — then reads a page of the log; beside them
``READERS`` clients only read. Reported:
acknowledged writes per second, reads per second, 503 answers, stale-``seq`` refusals
(409 ``seq_out_of_order`` / ``seq_replayed``) and the p99 read-your-writes lag.

``BENCH_SCALE_OUT_SECONDS`` sets the load's duration per worker count (default 5; the
issue's figure is 60), ``BENCH_POSTGRES_URL`` the server (default
``COMMONWEAL_TEST_POSTGRES_URL``, else postgres@127.0.0.1:5432); a database is created
and dropped for each run.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson
from sqlalchemy import create_engine, text

from bench.workload import WITHOUT_WRITE_POLICY, signed_events

CLIENTS = 8
"""Members writing and reading their writes back."""
READERS = 4
"""Clients that only read, beside them."""
READ_CONNECTION_REUSE = 5
"""Reads a member sends on one connection before opening another (and so, maybe, reaching
another worker)."""
SECONDS = float(os.environ.get("BENCH_SCALE_OUT_SECONDS", "5"))
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL",
    os.environ.get(
        "COMMONWEAL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    ),
)
GIVE_UP = 10.0
"""Seconds after which a write never read back is recorded with this lag and left."""
STALE_SEQ = frozenset({"seq_out_of_order", "seq_replayed"})


@dataclass
class Load:
    """What one mixed load measured."""

    workers: int
    seconds: float
    writes: int = 0
    reads: int = 0
    unavailable: int = 0
    stale_seq: int = 0
    other_errors: int = 0
    lags: list[float] = field(default_factory=list)

    @property
    def p99_lag_ms(self) -> float:
        if not self.lags:
            return float("nan")
        ordered = sorted(self.lags)
        return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


@contextmanager
def fresh_database() -> Iterator[str]:
    """A throw-away PostgreSQL database on the bench's server."""
    name = f"cw_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_URL.rpartition('/')[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@contextmanager
def served(
    data_dir: Path, database_url: str, workers: int, *, read_barrier: bool = True
) -> Iterator[int]:
    """``serve --workers N`` on a free port until the block ends."""
    from bench.http_load import _free_port

    port = _free_port()
    command = [str(Path(sys.executable).parent / "commonweal"), "serve", "--data-dir"]
    command += [str(data_dir), "--port", str(port), "--database-url", database_url]
    command += ["--workers", str(workers), "--no-rate-limit"]
    command += [] if read_barrier else ["--no-read-barrier"]
    log = (data_dir / "serve.log").open("wb")
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/.well-known/commonweal", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        time.sleep(1.0 * workers)  # every worker up and listening, not just the first
        yield port
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def _member(port: int, did: str, raws: list[bytes], until: float, out: Load) -> None:
    writer = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    reader: http.client.HTTPConnection | None = None
    reads_on_reader = 0
    local = Load(out.workers, out.seconds)
    for seq, raw in enumerate(raws, start=1):
        if time.monotonic() >= until:
            break
        writer.request("POST", "/v1/events", body=raw, headers={"Content-Type": "application/json"})
        response = writer.getresponse()
        payload = response.read()
        if response.status != 201:
            code = orjson.loads(payload).get("code") if payload else None
            local.unavailable += response.status == 503
            local.stale_seq += code in STALE_SEQ
            local.other_errors += response.status != 503 and code not in STALE_SEQ
            break  # this member's next seq would be out of order
        acknowledged = time.perf_counter()
        local.writes += 1
        while True:  # read it back, through a connection that may reach another worker
            if reader is None or reads_on_reader >= READ_CONNECTION_REUSE:
                if reader is not None:
                    reader.close()
                reader = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                reads_on_reader = 0
            reader.request("GET", f"/v1/authors/{did}")
            answer = reader.getresponse()
            body = answer.read()
            reads_on_reader += 1
            local.reads += 1
            lag = time.perf_counter() - acknowledged
            if (answer.status == 200 and orjson.loads(body)["last_seq"] >= seq) or lag > GIVE_UP:
                local.lags.append(lag)
                break
            local.unavailable += answer.status == 503
        reader.request("GET", f"/v1/events?start={max(0, seq - 10)}&limit=10")
        reader.getresponse().read()
        reads_on_reader += 1
        local.reads += 1
    with _LOCK:
        out.writes += local.writes
        out.reads += local.reads
        out.unavailable += local.unavailable
        out.stale_seq += local.stale_seq
        out.other_errors += local.other_errors
        out.lags += local.lags


_LOCK = threading.Lock()


def _reader(port: int, dids: list[str], until: float, out: Load) -> None:
    """Reads only: members' seqs and pages of the log, on one keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    reads = unavailable = 0
    while time.monotonic() < until:
        did = dids[reads % len(dids)]
        path = f"/v1/authors/{did}" if reads % 2 else f"/v1/events?start={reads % 50}&limit=10"
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        reads += 1
        unavailable += response.status == 503
    with _LOCK:
        out.reads += reads
        out.unavailable += unavailable


def _client(port: int, work: list[tuple[str, list[bytes]]], load: Load, queue: object) -> None:
    until = time.monotonic() + load.seconds
    threads = [
        threading.Thread(target=_member, args=(port, did, raws, until, load)) for did, raws in work
    ]
    dids = [did for did, _raws in work]
    threads += [
        threading.Thread(target=_reader, args=(port, dids, until, load)) for _ in range(READERS)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - started
    queue.put(load)  # type: ignore[attr-defined]


def mixed_load(workers: int, seconds: float = SECONDS, *, read_barrier: bool = True) -> Load:
    """Serve a fresh node with ``workers`` processes and measure a mixed load on it."""
    import tempfile

    from commonweal.node.kernel.setup import init_node

    per_member = int(max(200, 150 * seconds))
    with fresh_database() as url, tempfile.TemporaryDirectory(prefix="cw-scale-") as tmp:
        data_dir = Path(tmp) / "node"
        node = init_node(
            data_dir, name="Scale-out", database_url=url, constitution=WITHOUT_WRITE_POLICY
        )
        node_did = node.identity.did
        node.close()
        raws = signed_events(node_did, per_member * CLIENTS, authors=CLIENTS)
        work = [(orjson.loads(raws[m])["author"], raws[m::CLIENTS]) for m in range(CLIENTS)]
        with served(data_dir, url, workers, read_barrier=read_barrier) as port:
            queue: multiprocessing.Queue[Load] = multiprocessing.get_context("fork").Queue()
            process = multiprocessing.get_context("fork").Process(
                target=_client, args=(port, work, Load(workers, seconds), queue)
            )
            process.start()
            load = queue.get(timeout=seconds + 300)
            process.join()
        return load
