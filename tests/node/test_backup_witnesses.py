"""A restore asks the node's witnesses, over real HTTP, what they cosigned of its log: a
backup behind their cosigned checkpoint (a rollback) or beside it (a fork) is refused,
unless the operator overrides it, and then loudly."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from commonweal.core.checkpoint import Checkpoint, sign_checkpoint
from commonweal.node.kernel.backup.make import take_backup
from commonweal.node.kernel.backup.restore import RestoreRefused, restore_backup
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import init_node
from commonweal.store.federation_store import FederationStore
from tests.builders import WITHOUT_WRITE_POLICY, Clock, EventFactory
from tests.server import ServerProcess, free_port


def now() -> datetime:
    return datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@dataclass
class Scene:
    """Ash (backed up at ``backed_up`` entries, then grown) and Birch, its witness, served."""

    ash: Node
    backup: Path
    backed_up: int
    birch: FederationStore
    birch_url: str

    def witness_says(self, size: int, root: bytes, note: str) -> None:
        """What Birch answers it last cosigned of Ash's log."""
        origin = self.ash.identity.origin
        recorded = self.birch.witnessed(origin)
        expected = recorded.size if recorded else None
        self.birch.advance_witness(origin, expected, size, root, note, "2026-12-01T10:00:00Z")

    def signed(self, size: int) -> tuple[int, bytes, str]:
        """Ash's own signed checkpoint of ``size``."""
        row = self.ash.store.checkpoint_at(size)
        assert row is not None
        return size, row.root, row.note


pytestmark = pytest.mark.slow  # one served witness for the module: a few seconds to start


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    tmp_path = tmp_path_factory.mktemp("witnessed")
    clock = Clock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    birch = init_node(
        tmp_path / "birch", name="Birch", clock=clock, constitution=WITHOUT_WRITE_POLICY
    )
    birch_did = birch.identity.did
    birch.close()
    server = ServerProcess(tmp_path / "birch", free_port())
    ash = init_node(tmp_path / "ash", name="Ash", clock=clock, constitution=WITHOUT_WRITE_POLICY)
    factory = EventFactory(ash.identity.did, clock)
    FederationStore(ash.store.engine).put_peer(birch_did, server.url, "{}", "2026-12-01T09:00:00Z")
    for _ in range(20):
        ash.submit(orjson.dumps(factory.event("ash-member")))
    ash.checkpoint()
    backup = tmp_path / "ash.tar"
    take_backup(tmp_path / "ash", backup, now=now)
    backed_up = ash.size
    for _ in range(15):
        ash.submit(orjson.dumps(factory.event("ash-member")))
    ash.checkpoint()
    server.start()
    from commonweal.node.kernel.setup import open_store

    birch_store = open_store(str(tmp_path / "birch"))
    try:
        yield Scene(ash, backup, backed_up, FederationStore(birch_store.engine), server.url)
    finally:
        server.stop()
        birch_store.engine.dispose()
        ash.close()


def test_a_backup_behind_what_a_witness_cosigned_is_refused_unless_overridden(
    scene: Scene, tmp_path: Path
) -> None:
    latest = scene.ash.store.latest_checkpoint()
    assert latest is not None and latest.size == scene.backed_up + 15
    scene.witness_says(*scene.signed(latest.size))
    with pytest.raises(RestoreRefused, match="roll back 15 entries") as refused:
        restore_backup(scene.backup, tmp_path / "restored")
    assert scene.birch_url in str(refused.value)
    assert not (tmp_path / "restored").exists()
    done = restore_backup(scene.backup, tmp_path / "restored", accept_rollback=True)
    assert done.size == scene.backed_up
    assert [w for w in done.warnings if w.startswith("ROLLBACK ACCEPTED")]


def test_a_backup_beside_what_a_witness_cosigned_is_refused_as_a_fork(
    scene: Scene, tmp_path: Path
) -> None:
    size = scene.backed_up - 3
    forged = Checkpoint(scene.ash.identity.origin, size, b"\x07" * 32)
    scene.witness_says(size, forged.root, sign_checkpoint(forged, scene.ash.identity.signer))
    with pytest.raises(RestoreRefused, match="fork"):
        restore_backup(scene.backup, tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


def test_a_backup_consistent_with_the_witness_is_restored(scene: Scene, tmp_path: Path) -> None:
    scene.witness_says(*scene.signed(scene.backed_up))
    done = restore_backup(scene.backup, tmp_path / "restored")
    assert any(scene.birch_url in line and "consistent" in line for line in done.consistent)
    assert done.warnings == []
