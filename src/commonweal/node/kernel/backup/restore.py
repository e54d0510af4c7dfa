"""Bringing a backup back into an empty data directory.

Nothing is written into the data directory until everything is checked: the files
are unpacked into a folder beside it (``.<name>.restoring-…``), and only once the
archive is whole, the database sound and matching its manifest, and the log
consistent with every checkpoint the node's witnesses cosigned, is that folder
renamed into place. On PostgreSQL the dump is loaded into the (empty) database in
one transaction after the archive checks, and its tables are dropped again if a
later check refuses it.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from commonweal.node.kernel.backup.archive import BackupDamaged, read_archive
from commonweal.node.kernel.backup.cosigned import asked_cosigned, held_cosigned, judge
from commonweal.node.kernel.backup.make import PGDUMP_FILE
from commonweal.node.kernel.setup import SETTINGS_FILE, SetupError, database_engine
from commonweal.store.database import SQLITE_FILE, is_initialised, make_engine, sqlite_url
from commonweal.store.log_store import LogStore
from commonweal.store.snapshots import (
    SnapshotError,
    drop_node_tables,
    load_postgres,
    sqlite_integrity,
)


class RestoreRefused(SetupError):
    """The backup cannot be restored as asked; nothing was written."""


@dataclass
class RestoreDone:
    """What came back, and what the operator must read."""

    size: int
    did: str
    database: str
    consistent: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def restore_backup(
    backup: Path,
    data_dir: Path,
    *,
    database_url: str | None = None,
    accept_rollback: bool = False,
) -> RestoreDone:
    """Restore ``backup`` into the empty (or absent) ``data_dir``."""
    _require_empty(data_dir)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restoring-", dir=data_dir.parent))
    restored_into: Any = None
    try:
        try:
            manifest = read_archive(backup, staging)
        except BackupDamaged as error:
            raise RestoreRefused(f"{error}; nothing was restored") from None
        if _settings(staging).get("origin") != manifest["node"]["origin"]:
            raise RestoreRefused("the backup's node.json is another node's than its manifest names")
        kind = manifest["database"]["kind"]
        if kind == "postgresql":
            url = database_url or _settings(staging).get("database_url")
            if not url:
                raise RestoreRefused("a PostgreSQL backup needs --database-url to restore into")
            restored_into = _load_postgres(url, staging / PGDUMP_FILE)
            engine = restored_into
            _point_settings_at(staging, url)
        elif kind == "sqlite":
            problem = sqlite_integrity(staging / SQLITE_FILE)
            if problem is not None:
                raise RestoreRefused(f"the backup's database is damaged: {problem}")
            engine = make_engine(sqlite_url(staging))
        else:
            raise RestoreRefused(f"the backup's database is of an unknown kind {kind!r}")
        try:
            done = _check(LogStore(engine), manifest, accept_rollback)
        except SQLAlchemyError as error:
            raise RestoreRefused(f"the backup's database cannot be read: {error}") from None
        finally:
            engine.dispose()
        (staging / PGDUMP_FILE).unlink(missing_ok=True)  # loaded into the database
        (staging / f"{SQLITE_FILE}-wal").unlink(missing_ok=True)
        (staging / f"{SQLITE_FILE}-shm").unlink(missing_ok=True)
        if data_dir.exists():
            data_dir.rmdir()
        os.replace(staging, data_dir)
        restored_into = None
        return done
    finally:
        if restored_into is not None:
            drop_node_tables(restored_into)
            restored_into.dispose()
        shutil.rmtree(staging, ignore_errors=True)


def _require_empty(data_dir: Path) -> None:
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise RestoreRefused(
            f"{data_dir} is not empty: restore only into a new or empty data directory"
        )


def _settings(folder: Path) -> dict[str, Any]:
    try:
        settings = json.loads((folder / SETTINGS_FILE).read_text())
    except (OSError, ValueError) as error:
        raise RestoreRefused(f"the backup's node.json cannot be read: {error}") from None
    if not isinstance(settings, dict):
        raise RestoreRefused("the backup's node.json is not a settings object")
    return settings


def _point_settings_at(folder: Path, url: str) -> None:
    settings = _settings(folder)
    if settings.get("database_url") != url:
        settings["database_url"] = url
        (folder / SETTINGS_FILE).write_text(json.dumps(settings, indent=2) + "\n")


def _load_postgres(url: str, dump: Path) -> Any:
    engine = database_engine(url)
    if is_initialised(engine):
        engine.dispose()
        raise RestoreRefused(
            f"the database at {url} already holds a node: restore into an empty one"
        )
    try:
        load_postgres(url, dump)
    except SnapshotError as error:
        engine.dispose()
        raise RestoreRefused(f"{error}; nothing was restored") from None
    return engine


def _check(
    store: LogStore,
    manifest: dict[str, Any],
    accept_rollback: bool,
) -> RestoreDone:
    size, root = store.head()
    meta = store.read_meta()
    node = manifest["node"]
    expected_root = manifest["log"]["root"]
    if size != manifest["log"]["size"] or base64.b64encode(root).decode() != expected_root:
        raise RestoreRefused(
            f"the backup's database holds a log of {size} entries, its manifest says "
            f"{manifest['log']['size']}: it is not the snapshot the manifest describes"
        )
    if any(meta.get(name) != node[name] for name in ("did", "origin", "vkey")):
        raise RestoreRefused("the backup's database is another node's than its manifest names")
    cosigned = held_cosigned(store)
    asked, unanswered = asked_cosigned(store, node)
    judgement = judge(store, [*cosigned, *asked])
    done = RestoreDone(size, node["did"], manifest["database"]["kind"], judgement.notes)
    done.warnings.extend(unanswered)
    if judgement.conflicts and not accept_rollback:
        raise RestoreRefused(
            "; ".join(judgement.conflicts)
            + ". Nothing was restored. Restore a newer backup, or fetch the missing entries "
            "from a mirror (`commonweal restore`); only if you know this is what you want, "
            "pass --accept-rollback"
        )
    done.warnings.extend(f"ROLLBACK ACCEPTED: {conflict}" for conflict in judgement.conflicts)
    return done
