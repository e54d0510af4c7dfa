"""Backups of a whole node and their restore: the node comes back whole, a damaged backup
or a non-empty directory is refused with nothing written, and a log behind (or beside)
what its witnesses cosigned is refused unless the operator overrides it."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.backup.make import take_backup
from commonweal.node.kernel.backup.restore import RestoreRefused, restore_backup
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import init_node, open_node, open_store
from commonweal.node.kernel.verify import verify_log
from commonweal.store.database import is_initialised, make_engine
from commonweal.store.federation_store import FederationStore
from commonweal.store.messages import MessageStore, StoredMessage
from tests.builders import WITHOUT_WRITE_POLICY, Clock, EventFactory
from tests.conftest import fresh_postgres_database

PROFILE = {"display_name": "Amara", "contact": "amara@example.org"}


def now() -> datetime:
    return datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def restore_url(database_url: str | None) -> Iterator[str | None]:
    """Where a PostgreSQL backup is restored: a second, empty database."""
    if database_url is None:
        yield None
        return
    yield from fresh_postgres_database()


@pytest.fixture
def source(tmp_path: Path, database_url: str | None, clock: Clock) -> Iterator[Node]:
    """A node with a founder's private profile, a relayed message and some attestations."""
    factory = EventFactory("", clock)
    founder = factory.did("amara")
    node = init_node(
        tmp_path / "source",
        name="Backed-up Commons",
        clock=clock,
        founders=[founder],
        founder_profiles={founder: PROFILE},
        database_url=database_url,
        constitution=WITHOUT_WRITE_POLICY,
    )
    factory.node_did = node.identity.did
    for _ in range(40):
        node.submit(orjson.dumps(factory.event("amara")))
    MessageStore(node.store).put(
        StoredMessage("sha256:" + "ab" * 32, 7, founder, founder, "the keys are under the mat"),
        salt="salt",
    )
    node.checkpoint()
    yield node
    node.close()


def test_a_backup_taken_while_the_node_runs_brings_the_whole_node_back(
    source: Node, tmp_path: Path, restore_url: str | None
) -> None:
    """Key, settings, log, projections, private profiles and messages all come back."""
    source_dir = tmp_path / "source"
    backup = tmp_path / "kept" / "node.tar"
    made = take_backup(source_dir, backup, now=now)
    assert made.size == source.size and made.root == source.store.head()[1]
    source.submit(orjson.dumps(EventFactory(source.identity.did, source.clock).event("late")))

    restored_dir = tmp_path / "restored"
    done = restore_backup(backup, restored_dir, database_url=restore_url)
    assert done.size == made.size and done.did == source.identity.did
    assert (restored_dir / "node.key").read_bytes() == (source_dir / "node.key").read_bytes()
    assert sorted(p.name for p in restored_dir.iterdir()) == sorted(
        ["node.key", "node.json"] + ([] if restore_url else ["node.db"])
    )
    store = open_store(str(restored_dir))
    try:
        assert store.head() == (made.size, made.root)  # the late event is not in it
        assert verify_log(store, default_registry(), compare_with=store).ok
        assert store.profile_commitments() == source.store.profile_commitments() != set()
        with store.engine.connect() as conn:
            messages = conn.execute(text("SELECT message FROM private_messages")).scalars().all()
        assert messages == ["the keys are under the mat"]
    finally:
        store.engine.dispose()
    reopened = open_node(restored_dir)
    try:
        assert reopened.size == made.size
    finally:
        reopened.close()


def test_restore_refuses_a_directory_that_is_not_empty(source: Node, tmp_path: Path) -> None:
    backup = tmp_path / "node.tar"
    take_backup(tmp_path / "source", backup, now=now)
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine")
    with pytest.raises(RestoreRefused, match="not empty"):
        restore_backup(backup, occupied)
    assert [p.name for p in occupied.iterdir()] == ["notes.txt"]


def _member_offsets(backup: Path) -> dict[str, tuple[int, int]]:
    with tarfile.open(backup) as tar:
        return {m.name: (m.offset_data, m.size) for m in tar.getmembers()}


def _damaged_copies(backup: Path) -> Iterator[tuple[str, bytes]]:
    data = backup.read_bytes()
    members = _member_offsets(backup)
    hash_start, _ = members["manifest.sha256"]
    for cut in (300, len(data) // 3, len(data) // 2, hash_start + 10, hash_start - 700):
        yield f"truncated at {cut}", data[:cut]
    for name, shift in (
        ("node.db", 5000),
        ("node.key", 20),
        ("node.json", 3),
        ("manifest.json", 40),
    ):
        start, size = members[name]
        at = start + min(shift, size - 1)
        yield f"a byte of {name} flipped", data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_a_truncated_or_altered_backup_is_refused_and_nothing_is_written(
    tmp_path: Path, clock: Clock
) -> None:
    node = init_node(
        tmp_path / "source", name="Damaged", clock=clock, constitution=WITHOUT_WRITE_POLICY
    )
    factory = EventFactory(node.identity.did, clock)
    for _ in range(30):
        node.submit(orjson.dumps(factory.event("bo")))
    node.close()
    backup = tmp_path / "node.tar"
    take_backup(tmp_path / "source", backup, now=now)
    for label, damaged in _damaged_copies(backup):
        copy = tmp_path / "damaged.tar"
        copy.write_bytes(damaged)
        target = tmp_path / "target"
        with pytest.raises(RestoreRefused, match=r"truncated|altered|damaged") as refused:
            restore_backup(copy, target)
        assert "nothing was restored" in str(refused.value) or "damaged" in str(refused.value), (
            label
        )
        assert not target.exists(), label
        assert not [p for p in tmp_path.iterdir() if "restoring" in p.name], label
    assert restore_backup(backup, tmp_path / "target").size == 30 + 2


def test_a_log_behind_its_own_cosignatures_is_refused_unless_overridden(
    source: Node, tmp_path: Path, restore_url: str | None
) -> None:
    """The backup keeps a witness's cosignature of more entries than its log holds."""
    FederationStore(source.store.engine).add_cosignature(
        source.size + 25, "witness.example/w", "— witness.example/w AAAA\n", 1
    )
    backup = tmp_path / "node.tar"
    take_backup(tmp_path / "source", backup, now=now)
    with pytest.raises(RestoreRefused, match="roll back 25 entries") as refused:
        restore_backup(backup, tmp_path / "restored", database_url=restore_url)
    assert "--accept-rollback" in str(refused.value)
    assert not (tmp_path / "restored").exists()
    if restore_url:  # what was loaded into PostgreSQL is gone again
        engine = make_engine(restore_url)
        assert not is_initialised(engine)
        engine.dispose()
    done = restore_backup(
        backup, tmp_path / "restored", database_url=restore_url, accept_rollback=True
    )
    assert any(w.startswith("ROLLBACK ACCEPTED") and "25" in w for w in done.warnings)


def test_a_log_consistent_with_its_cosignatures_is_restored(
    source: Node, tmp_path: Path, restore_url: str | None
) -> None:
    checkpoint = source.store.latest_checkpoint()
    assert checkpoint is not None
    FederationStore(source.store.engine).add_cosignature(
        checkpoint.size, "witness.example/w", "— witness.example/w AAAA\n", 1
    )
    take_backup(tmp_path / "source", tmp_path / "node.tar", now=now)
    done = restore_backup(tmp_path / "node.tar", tmp_path / "restored", database_url=restore_url)
    assert any("consistent" in line for line in done.consistent)
