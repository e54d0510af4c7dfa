"""``commonweal backup`` and ``restore-backup`` as an operator runs them, against a real
served node: a clean stop leaves the whole log in ``node.db``, and the restore drill
(writers running, backup, data directory destroyed, restore, verify) loses nothing
that was acknowledged before the backup began."""

from __future__ import annotations

import base64
import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from commonweal.cli.main import app
from commonweal.node.kernel.setup import init_node, open_store
from tests.builders import WITHOUT_WRITE_POLICY, EventFactory
from tests.cli.test_cli import run
from tests.server import ServerProcess

NO_LIMITS = ["--no-rate-limit"]
"""These tests post many anonymous events from one address: durability, not limits."""

runner = CliRunner()


class Writer(threading.Thread):
    """Posts signed events over HTTP, one per request, and records every receipt."""

    def __init__(self, url: str, node_did: str, name: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.factory = EventFactory(node_did, wall_clock)  # type: ignore[arg-type]
        self.name_ = name
        self.receipts: list[tuple[float, int, str]] = []
        """(when acknowledged, monotonic; leaf index; leaf hash, base64)."""
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with httpx.Client(timeout=30) as client:
                while not self.stop.is_set():
                    answer = client.post(
                        self.url + "/v1/events",
                        content=orjson.dumps(self.factory.event(self.name_)),
                        headers={"content-type": "application/json"},
                    )
                    assert answer.status_code in (200, 201), answer.text
                    receipt = answer.json()
                    self.receipts.append((time.monotonic(), receipt["index"], receipt["leaf_hash"]))
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error


def wall_clock() -> datetime:
    """The real time: events posted to a served node carry the node's own present."""
    return datetime.now(UTC)


@pytest.mark.slow  # a served node: several seconds to start
def test_a_clean_stop_leaves_the_whole_log_in_node_db(tmp_path: Path) -> None:
    """The defect: after SIGTERM the newest pages sat only in node.db-wal (the process
    died on uvicorn's re-raised signal before closing the node), so node.db alone was
    short of the acknowledged log."""
    data = tmp_path / "node"
    node = init_node(data, name="Clean Stop", constitution=WITHOUT_WRITE_POLICY)
    did = node.identity.did
    node.close()
    server = ServerProcess(data, args=NO_LIMITS).start()
    writer = Writer(server.url, did, "wren")
    try:
        writer.start()
        time.sleep(1.5)
        writer.stop.set()
        writer.join(timeout=30)
    finally:
        server.stop()
    assert writer.error is None, writer.error
    assert server.process is not None and server.process.returncode == 0
    assert not (data / "node.db-wal").exists() or (data / "node.db-wal").stat().st_size == 0
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("node.db", "node.json", "node.key"):
        shutil.copy(data / name, copy / name)
    store = open_store(str(copy))
    try:
        assert store.head()[0] == writer.receipts[-1][1] + 1 > 2
    finally:
        store.engine.dispose()


def test_backup_restore_and_verify_through_the_command(tmp_path: Path) -> None:
    data = tmp_path / "node"
    init_node(data, name="Command Commons", constitution=WITHOUT_WRITE_POLICY).close()
    backup = tmp_path / "node.tar"
    made = runner.invoke(app, ["backup", "--data-dir", str(data), "--output", str(backup)])
    assert made.exit_code == 0, made.output
    assert "Backed up 2 entries" in made.output
    again = runner.invoke(app, ["backup", "--data-dir", str(data), "--output", str(backup)])
    assert again.exit_code == 1 and "already exists" in again.output
    back = str(tmp_path / "back")
    restored = runner.invoke(app, ["restore-backup", str(backup), "--data-dir", back])
    assert restored.exit_code == 0, restored.output
    verified = runner.invoke(app, ["verify", back])
    assert verified.exit_code == 0, verified.output
    occupied = runner.invoke(app, ["restore-backup", str(backup), "--data-dir", back])
    assert occupied.exit_code == 1 and "not empty" in occupied.output
    cut = tmp_path / "cut.tar"
    cut.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    other = tmp_path / "other"
    refused = runner.invoke(app, ["restore-backup", str(cut), "--data-dir", str(other)])
    assert refused.exit_code == 1 and refused.exception is not None  # typer.Exit, no crash
    assert "truncated" in refused.output and "Traceback" not in refused.output
    assert not other.exists()


def test_backing_up_what_is_not_a_node_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    answer = runner.invoke(app, ["backup", "--data-dir", str(empty)])
    assert answer.exit_code == 1 and "not a node data directory" in answer.output
    assert list(empty.iterdir()) == []
    missing = runner.invoke(app, ["restore-backup", str(tmp_path / "no.tar"), "-d", str(empty)])
    assert missing.exit_code == 1 and "no backup file" in missing.output


@pytest.mark.slow
def test_the_restore_drill_loses_nothing_acknowledged_before_the_backup(tmp_path: Path) -> None:
    data = tmp_path / "node"
    node = init_node(data, name="Drill Commons", constitution=WITHOUT_WRITE_POLICY)
    did = node.identity.did
    node.close()
    server = ServerProcess(data, args=NO_LIMITS).start()
    writers = [Writer(server.url, did, f"writer-{n}") for n in range(3)]
    backup = tmp_path / "offsite" / "drill.tar"
    try:
        for writer in writers:
            writer.start()
        time.sleep(2)
        began = time.monotonic()
        made = run("backup", "--data-dir", str(data), "--output", str(backup))
        time.sleep(0.5)  # the writers go on after the backup too
    finally:
        for writer in writers:
            writer.stop.set()
        for writer in writers:
            writer.join(timeout=30)
        server.kill()  # the machine is lost: no clean stop
    assert made.returncode == 0, made.stderr
    assert all(w.error is None for w in writers), [w.error for w in writers]
    acknowledged = [r for w in writers for r in w.receipts if r[0] < began]
    after = [r for w in writers for r in w.receipts if r[0] >= began]
    assert len(acknowledged) > 20 and after, (len(acknowledged), len(after))

    shutil.rmtree(data)
    restored = run("restore-backup", str(backup), "--data-dir", str(data))
    assert restored.returncode == 0, restored.stderr
    verified = run("verify", str(data))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    store = open_store(str(data))
    try:
        size, _root = store.head()
        for _when, index, leaf_hash in acknowledged:
            entry = store.entry(index)
            assert entry is not None and base64.b64encode(entry.leaf_hash).decode() == leaf_hash
    finally:
        store.engine.dispose()
    assert size >= max(index for _w, index, _h in acknowledged) + 1
