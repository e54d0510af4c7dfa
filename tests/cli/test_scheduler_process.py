"""``commonweal scheduler`` as its own process beside ``commonweal serve --no-scheduler``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from commonweal.cli.main import app
from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.setup import open_store
from commonweal.node.kernel.verify import verify_log
from tests.builders import Clock
from tests.community import Community
from tests.governance import admit, draft, phase, rules, submit, vote
from tests.server import ServerProcess


@pytest.fixture
def clock() -> Clock:
    """A month ago: whatever the test's community schedules is due by the real clock now."""
    return Clock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=30))


def _vote_waiting_to_close(community: Community) -> int:
    """A decision whose vote ended (by the real clock) but that nobody closed yet."""
    admit(community, "dana")
    proposal = draft(community, title="Open the library on Sundays")
    submit(community, proposal)
    community.clock.advance(seconds=rules(community, proposal)["discussion_seconds"])
    from commonweal.node.services import governance

    governance.run_due(community.node)
    for name in ("alice", "bob", "carol"):
        vote(community, name, proposal, {"choice": "yes"})
    assert phase(community, proposal) == "voting"
    return proposal


def _wait(check, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {check}")


@pytest.fixture
def scheduler_process(
    tmp_path: Path, database_url: str | None
) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)


def _start_scheduler(data_dir: Path, database_url: str | None) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).parent / "commonweal"), "scheduler", "--data-dir"]
    command.append(str(data_dir))
    if database_url:
        command += ["--database-url", database_url]
    with (data_dir / "scheduler.log").open("ab") as log:
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, env=os.environ)


@pytest.mark.slow
def test_a_separate_scheduler_closes_a_vote_while_serve_without_one_serves(
    community: Community,
    tmp_path: Path,
    database_url: str | None,
    scheduler_process: list[subprocess.Popen[bytes]],
) -> None:
    proposal = _vote_waiting_to_close(community)
    data_dir = tmp_path / "node"
    args = ["--no-scheduler", *(["--database-url", database_url] if database_url else [])]
    server = ServerProcess(data_dir, args=args).start()
    try:
        url = server.url
        time.sleep(2.5)  # more than two ticks: serve itself closes nothing
        shown = httpx.get(f"{url}/v1/proposals/{proposal}").json()
        assert shown["phase"] == "voting"
        ready = httpx.get(f"{url}/readyz").json()
        assert ready["failing"] == ["scheduler"]
        assert ready["checks"]["scheduler"] == "the scheduler has not run yet"

        scheduler_process.append(_start_scheduler(data_dir, database_url))
        # The scheduler process closes the vote; serve catches up and shows it.
        _wait(lambda: httpx.get(f"{url}/v1/proposals/{proposal}").json()["phase"] == "closed")
        # Meanwhile serve takes submissions: neither process refuses the other's writes.
        for _ in range(5):
            answer = httpx.post(f"{url}/v1/events", content=community.events.raw("alice"))
            assert answer.status_code == 201, answer.text
        assert httpx.get(f"{url}/readyz").status_code == 200
        metrics = httpx.get(f"{url}/metrics").text
        assert 'commonweal_scheduler_job_runs_total{job="governance"}' in metrics
        assert 'commonweal_scheduler_job_failures_total{job="governance"} 0.0' in metrics
        size = httpx.get(f"{url}/.well-known/commonweal").json()["size"]
    finally:
        server.stop()
    stopping = scheduler_process[0]
    stopping.send_signal(signal.SIGTERM)
    assert stopping.wait(timeout=20) == 0
    heartbeat = orjson.loads((data_dir / "scheduler.json").read_bytes())
    assert heartbeat["jobs"]["governance"]["failures"] == 0
    store = open_store(database_url or str(data_dir))
    try:
        assert store.head()[0] == size
        types = [e.type for e in store.entries(0, size)]
        assert types.count("governance.proposal.closed") == 1
        report = verify_log(store, default_registry(), compare_with=store)
        assert report.ok, report.failures
    finally:
        store.engine.dispose()
    log_lines = [orjson.loads(x) for x in (data_dir / "scheduler.log").read_text().splitlines()]
    events = [line["event"] for line in log_lines]  # JSON logs when not on a terminal
    assert events[0] == "scheduler started" and events[-1] == "scheduler stopped"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--log-format", "xml"], "--log-format must be json, console or auto, not 'xml'"),
        (["--log-level", "loud"], "--log-level must be one of debug, info, warning, error"),
    ],
)
@pytest.mark.parametrize("command", ["serve", "scheduler"])
def test_a_bad_log_option_is_refused_plainly(
    tmp_path: Path, command: str, option: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, [command, "--data-dir", str(tmp_path), *option])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # nothing was opened or written


def test_the_scheduler_of_a_missing_node_is_refused_plainly(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["scheduler", "--data-dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "error:" in result.output and "Traceback" not in result.output
