"""``commonweal serve --workers N``: refused on SQLite with the reason; the arguments each
worker is started with."""

from __future__ import annotations

from pathlib import Path

import httpx
from typer.testing import CliRunner

from commonweal.cli.main import app
from commonweal.cli.workers import worker_arguments
from commonweal.node.kernel.setup import init_node
from tests.scale_out import Member, Tally, open_to_attest
from tests.server import ServerProcess

runner = CliRunner()


def test_more_than_one_worker_on_sqlite_is_refused_saying_why(tmp_path: Path) -> None:
    init_node(tmp_path / "node", name="Guild").close()
    result = runner.invoke(app, ["serve", "--data-dir", str(tmp_path / "node"), "--workers", "2"])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "PostgreSQL" in text and "one writer at a time" in text
    assert not (tmp_path / "node" / "scheduler.json").exists()  # nothing was started


def test_each_worker_serves_without_a_scheduler_and_only_the_first_syncs() -> None:
    argv = ["serve", "--data-dir", "d", "--workers", "3", "--port", "80", "--workers=3"]
    first = worker_arguments(argv, fd=7, index=0)
    assert first == [
        "serve",
        "--data-dir",
        "d",
        "--port",
        "80",
        "--no-scheduler",
        "--listen-fd",
        "7",
    ]
    assert worker_arguments(argv, fd=7, index=2) == [*first, "--no-federation-sync"]


def test_two_processes_on_one_sqlite_store_read_each_others_writes_at_once(
    tmp_path: Path,
) -> None:
    """SQLite serves one process well; a second (a scheduler, or a mistaken second serve)
    still never refuses or hides the other's writes: the poll of the head, and the
    barrier before reads."""
    data_dir = tmp_path / "node"
    node_did = open_to_attest(data_dir, None)
    servers = [ServerProcess(data_dir, args=["--no-rate-limit"]) for _ in range(2)]
    tally = Tally()
    alice = Member("alice", node_did, tally)
    try:
        for server in servers:
            server.start(timeout=120)
        with httpx.Client(timeout=30) as client:
            for turn in range(10):
                seq = alice.write(client, servers[turn % 2].url)
                assert seq is not None
                assert alice.read_back(client, servers[(turn + 1) % 2].url, seq)
    finally:
        for server in servers:
            server.stop()
    assert tally.codes == {} and tally.stale_reads == 0
