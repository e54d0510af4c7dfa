"""Several real ``serve`` processes on one PostgreSQL database, under load (docs/operations.md,
"Several processes"): no refusal for another process's write, reads of one's own write at
once from any process, nothing acknowledged lost to kill -9, and a process cut off from
the database refuses writes with Retry-After and marks its reads stale."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.setup import open_node
from commonweal.node.kernel.verify import verify_log
from tests.ci import skip_outside_ci
from tests.conftest import POSTGRES_URL, fresh_postgres_database
from tests.scale_out import Member, Relay, Tally, child_pids, command_line, open_to_attest, size_of
from tests.server import ServerProcess

pytestmark = pytest.mark.postgres

START_SECONDS = 120
"""Generous: several processes load at once on a busy machine."""


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not POSTGRES_URL:
        skip_outside_ci("set COMMONWEAL_TEST_POSTGRES_URL to run against PostgreSQL")
    yield from fresh_postgres_database()


def _verified(data_dir: Path, url: str) -> int:
    node = open_node(data_dir, database_url=url)
    try:
        report = verify_log(node.store, default_registry(), compare_with=node.store)
        assert report.ok, report.failures
        return node.size
    finally:
        node.close()


def _wait_for_acknowledged(tally: Tally, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(tally.acknowledged) < count:
        assert time.monotonic() < deadline, f"only {len(tally.acknowledged)} acknowledged"
        time.sleep(0.1)


def _serving_children(supervisor: int, count: int, timeout: float = 60) -> list[int]:
    """The supervisor's serve processes, once there are ``count`` of them (or the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [p for p in child_pids(supervisor) if "serve" in command_line(p)]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def test_three_processes_under_mixed_load_refuse_nothing_and_read_every_write_back(
    tmp_path: Path, pg_url: str
) -> None:
    data_dir = tmp_path / "node"
    node_did = open_to_attest(data_dir, pg_url)
    servers = [
        ServerProcess(data_dir, args=["--no-rate-limit", "--database-url", pg_url])
        for _ in range(3)
    ]
    urls = [server.url for server in servers]
    tally = Tally()
    rounds = 25

    def member(number: int) -> None:
        person = Member(f"member {number}", node_did, tally)
        with httpx.Client(timeout=30) as client:
            for turn in range(rounds):
                # each write through the next process, read back at once through another
                writer = urls[(number + turn) % 3]
                reader = urls[(number + turn + 1) % 3]
                seq = person.write(client, writer)
                assert seq is not None
                person.read_back(client, reader, seq)
                client.get(urls[turn % 3] + "/v1/events", params={"start": 0, "limit": 5})

    try:
        for server in servers:
            server.start(timeout=START_SECONDS)
        _run([threading.Thread(target=member, args=(n,)) for n in range(6)])
        sizes = {size_of(url) for url in urls}
    finally:
        for server in servers:
            server.stop()
    assert tally.codes == {}
    assert set(tally.statuses) == {200, 201}, tally.statuses
    assert tally.statuses[201] == 6 * rounds
    assert tally.stale_reads == 0
    assert sizes == {2 + 6 * rounds}
    assert _verified(data_dir, pg_url) == 2 + 6 * rounds
    for server in servers:
        assert "reloading" not in server.log_path.read_text()


def test_kill_9_of_a_worker_under_load_loses_no_acknowledged_event(
    tmp_path: Path, pg_url: str
) -> None:
    data_dir = tmp_path / "node"
    node_did = open_to_attest(data_dir, pg_url)
    supervisor = ServerProcess(
        data_dir, args=["--workers", "3", "--no-rate-limit", "--database-url", pg_url]
    )
    tally = Tally()
    stop = threading.Event()

    def member(number: int) -> None:
        person = Member(f"member {number}", node_did, tally)
        while not stop.is_set():
            with httpx.Client(timeout=30) as client:  # a new connection: any worker
                person.write(client, supervisor.url, retries=20)

    threads = [threading.Thread(target=member, args=(n,)) for n in range(6)]
    try:
        supervisor.start(timeout=START_SECONDS)
        assert supervisor.process is not None
        workers = [p for p in child_pids(supervisor.process.pid) if "serve" in command_line(p)]
        assert len(workers) == 3
        for thread in threads:
            thread.start()
        _wait_for_acknowledged(tally, 20)
        os.kill(workers[0], signal.SIGKILL)
        at_kill = len(tally.acknowledged)
        _wait_for_acknowledged(tally, at_kill + 20)  # the other workers go on
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        respawned = _serving_children(supervisor.process.pid, 3)
        after = size_of(supervisor.url)
        with httpx.Client(timeout=30) as client:
            logged = {
                index: client.get(f"{supervisor.url}/v1/events/{index}").json()
                for index, _hash in tally.acknowledged.values()
            }
    finally:
        stop.set()
        supervisor.stop()
    assert workers[0] not in respawned and len(respawned) == 3  # the dead one started again
    assert tally.codes == {}
    assert len(tally.acknowledged) >= at_kill + 20
    for (author, seq), (index, leaf_hash) in tally.acknowledged.items():
        entry = logged[index]
        assert (entry["event"]["author"], entry["event"]["seq"]) == (author, seq)
        assert entry["leaf_hash"] == leaf_hash
    assert after == _verified(data_dir, pg_url) == 2 + len(tally.acknowledged)


def test_a_process_cut_off_from_the_database_refuses_writes_and_marks_reads_stale(
    tmp_path: Path, pg_url: str
) -> None:
    data_dir = tmp_path / "node"
    node_did = open_to_attest(data_dir, pg_url)
    host, _, rest = pg_url.rpartition("@")[2].partition(":")
    relay = Relay(int(rest.split("/")[0])).start()
    relayed_url = pg_url.replace(f"{host}:{rest.split('/')[0]}", f"127.0.0.1:{relay.port}")
    args = ["--no-rate-limit", "--no-scheduler"]
    healthy = ServerProcess(data_dir, args=[*args, "--database-url", pg_url])
    cut_off = ServerProcess(data_dir, args=[*args, "--database-url", relayed_url])
    tally = Tally()
    alice = Member("alice", node_did, tally)
    try:
        healthy.start(timeout=START_SECONDS)
        cut_off.start(timeout=START_SECONDS)
        with httpx.Client(timeout=30) as client:
            seq = alice.write(client, healthy.url)
            assert seq is not None and alice.read_back(client, cut_off.url, seq)
            relay.cut()
            seq = alice.write(client, healthy.url)  # the cut-off process cannot see this one
            assert seq is not None
            refused = client.post(cut_off.url + "/v1/events", content=alice.events.raw("alice"))
            time.sleep(1.2)
            stale = client.get(f"{cut_off.url}/v1/authors/{alice.did}")
            ready = client.get(cut_off.url + "/readyz")
            relay.start()  # the database is back on the same address
            time.sleep(2)
            caught_up = client.get(f"{cut_off.url}/v1/authors/{alice.did}")
    finally:
        relay.cut()
        healthy.stop()
        cut_off.stop()
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["code"] == "unavailable"
    assert stale.status_code == 200
    assert float(stale.headers["commonweal-log-lag"]) >= 1.0  # not served as current
    assert stale.headers["commonweal-log-size"] == "3"  # what it held: the first write only
    assert stale.json()["last_seq"] == 1
    assert ready.status_code == 503 and "log_follow" in ready.text
    assert caught_up.headers["commonweal-log-lag"] == "0"
    assert caught_up.json()["last_seq"] == 2
    assert caught_up.headers["commonweal-log-size"] == "4"


def test_workers_stop_when_their_supervisor_is_killed(tmp_path: Path, pg_url: str) -> None:
    data_dir = tmp_path / "node"
    open_to_attest(data_dir, pg_url)
    supervisor = ServerProcess(data_dir, args=["--workers", "2", "--database-url", pg_url])
    try:
        supervisor.start(timeout=START_SECONDS)
        assert supervisor.process is not None
        children = child_pids(supervisor.process.pid)
        assert len(children) == 3  # two workers and the scheduler
    finally:
        supervisor.kill()
    deadline = time.monotonic() + 20
    while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
