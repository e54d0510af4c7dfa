"""A rolled-back node is caught by the nodes that saw more of its log (issue 14).

On a crash copy one flipped byte in ``node.db-wal`` left 554 of 804 entries and
"verified", because the checkpoints went back with the database. Here two real
nodes on 127.0.0.1 witness and mirror each other; Ash's database is replaced by a
copy taken (with SQLite's backup API) before more events were appended and
cosigned. At start Ash asks Birch, refuses writes (503 ``rolled_back``) and says
how to restore; ``verify`` fails with the same finding; ``commonweal restore``
brings back the missing range from Birch's mirror, and then everything passes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from commonweal.cli.main import app
from tests.network import (
    HTTP,
    LiveNode,
    cosigned_size,
    latest_checkpoint_size,
    mirror_size,
    recognize_all,
    start_node,
    stop_all,
    wait_for,
)

runner = CliRunner()


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[LiveNode, LiveNode]]:
    nodes = [start_node(tmp_path, name) for name in ("ash", "birch")]
    recognize_all(nodes)
    try:
        yield nodes[0], nodes[1]
    finally:
        stop_all(nodes)


def seen_everywhere(log: LiveNode, other: LiveNode) -> int:
    """Wait until ``other`` cosigned and mirrored ``log``'s latest size; return it."""
    wait_for(lambda: latest_checkpoint_size(log) == log.size(), what="checkpointed")
    size = log.size()
    wait_for(lambda: cosigned_size(log, other) >= size, what=f"cosigned at {size}")
    wait_for(lambda: mirror_size(other, log) >= size, what=f"mirrored at {size}")
    return size


def backup(database: Path, to: Path) -> None:
    """A consistent copy of a live SQLite database (the backup API, as an operator would)."""
    source, target = sqlite3.connect(database), sqlite3.connect(to)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def put_back(copy: Path, data_dir: Path) -> None:
    for suffix in ("-wal", "-shm"):
        (data_dir / f"node.db{suffix}").unlink(missing_ok=True)
    (data_dir / "node.db").write_bytes(copy.read_bytes())


def post_event(node: LiveNode, author: str) -> tuple[int, dict[str, object]]:
    """Submit an attestation; a refused one gives its ``seq`` back to the factory."""
    event = node.events.event(author)
    response = HTTP.post(node.url + "/v1/events", content=orjson.dumps(event))
    if response.status_code >= 400:
        node.events.seqs[author] -= 1
    return response.status_code, response.json()


@pytest.mark.slow
def test_a_rolled_back_node_is_caught_refuses_writes_and_is_restored(
    pair: tuple[LiveNode, LiveNode], tmp_path: Path
) -> None:
    ash, birch = pair
    author = ash.members[0]
    ash.attest(3)
    old_size = seen_everywhere(ash, birch)
    old_copy = tmp_path / "ash-old.db"
    backup(ash.data_dir / "node.db", old_copy)
    ash.attest(12)
    full_size = seen_everywhere(ash, birch)
    assert full_size == old_size + 12

    ash.stop()
    put_back(old_copy, ash.data_dir)
    ash.start()
    assert ash.size() == old_size

    # caught at start: writes refused with a clear problem that names the way back
    status, problem = post_event(ash, author)
    assert status == 503, problem
    assert problem["code"] == "rolled_back"
    assert f"holds this node's signed checkpoint of {full_size}" in str(problem["detail"])
    assert f"commonweal restore --from {birch.url} --data-dir" in str(problem["detail"])
    summary = ash.get("/v1/federation")["rollback"]
    assert summary["ready"] is False and "rolled back" in summary["detail"]
    assert ash.size() == old_size

    # and by verify, which asks the witnesses by default when the node has any
    verified = runner.invoke(app, ["verify", str(ash.data_dir)])
    assert verified.exit_code == 1, verified.output
    assert "the store was rolled back and 12 entries are missing" in verified.output
    assert f"commonweal restore --from {birch.url} --data-dir {ash.data_dir}" in verified.output
    local_only = runner.invoke(app, ["verify", "--no-witnesses", str(ash.data_dir)])
    assert local_only.exit_code == 0, "locally the shorter log is consistent: only peers know"

    # the missing range comes back from Birch's mirror, in place
    ash.stop()
    restored = runner.invoke(app, ["restore", "--from", birch.url, "--data-dir", str(ash.data_dir)])
    assert restored.exit_code == 0, restored.output
    assert f"Restored {full_size} entries (the first {old_size} were in the database" in (
        restored.output
    )
    verified = runner.invoke(app, ["verify", "--witnesses", str(ash.data_dir)])
    assert verified.exit_code == 0, verified.output
    assert f"largest checkpoint seen: {full_size}" in verified.output

    ash.start()
    assert ash.size() == full_size
    assert ash.get("/v1/federation")["rollback"]["ready"] is True
    status, receipt = post_event(ash, author)
    assert status == 201, receipt
    assert receipt["index"] == full_size
    seen_everywhere(ash, birch)  # Birch cosigns the continued log: no fork


@pytest.mark.slow
def test_a_log_that_diverged_after_the_rollback_is_not_patched_over(
    pair: tuple[LiveNode, LiveNode], tmp_path: Path
) -> None:
    ash, birch = pair
    ash.attest(2)
    seen_everywhere(ash, birch)
    old_copy = tmp_path / "ash-old.db"
    backup(ash.data_dir / "node.db", old_copy)
    ash.attest(4)
    seen_everywhere(ash, birch)
    ash.stop()
    put_back(old_copy, ash.data_dir)
    # a different history on top of the old copy, written without the server
    from commonweal.node.kernel.setup import open_node

    node = open_node(ash.data_dir)
    try:
        node.submit(orjson.dumps(ash.events.event(ash.members[1])))
        node.checkpoint()
    finally:
        node.close()
    restored = runner.invoke(app, ["restore", "--from", birch.url, "--data-dir", str(ash.data_dir)])
    assert restored.exit_code == 1
    assert "not a prefix of the mirror's" in restored.output
