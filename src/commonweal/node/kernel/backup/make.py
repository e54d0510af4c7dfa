"""Taking a backup of a node while it serves.

Everything needed to bring the node back goes in one file (``archive``): its key
file as it is on disk (sealed stays sealed), ``node.json``, and a consistent
snapshot of its database — the log, the projections, the private tables (members'
profiles, relayed messages) and the federation tables. The snapshot is taken with
SQLite's online backup API or ``pg_dump`` (``store.snapshots``), never by copying
files, and the log's size and root in the manifest are read from the snapshot.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from commonweal import __version__
from commonweal.core.rfc3339 import format_utc
from commonweal.node.kernel.backup.archive import FORMAT, VERSION, file_member, write_archive
from commonweal.node.kernel.setup import KEY_FILE, SETTINGS_FILE, SetupError, read_settings
from commonweal.store.database import SQLITE_FILE
from commonweal.store.snapshots import (
    PAGES_PER_STEP,
    PAUSE_SECONDS,
    Facts,
    SnapshotError,
    copy_sqlite,
    dump_postgres,
)

PGDUMP_FILE = "database.pgdump"
BACKUPS_FOLDER = "backups"


@dataclass(frozen=True)
class BackupMade:
    """A backup written: where, of how much log, how big, and how long it took."""

    path: Path
    size: int
    root: bytes
    bytes: int
    seconds: float
    database: str


def default_backup_path(data_dir: Path, at: datetime) -> Path:
    """``DIR/backups/commonweal-<UTC time>.tar``."""
    return data_dir / BACKUPS_FOLDER / f"commonweal-{at.strftime('%Y%m%dT%H%M%SZ')}.tar"


def take_backup(
    data_dir: Path,
    output: Path,
    *,
    now: Callable[[], datetime],
    database_url: str | None = None,
    pages: int = PAGES_PER_STEP,
    pause: float = PAUSE_SECONDS,
) -> BackupMade:
    """Back up the node in ``data_dir`` into the new file ``output``."""
    started = time.monotonic()
    settings = read_settings(data_dir)
    if output.exists():
        raise SetupError(f"{output} already exists: choose a new name for the backup")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".backup-", dir=output.parent))
    try:
        url = database_url or settings.database_url
        try:
            if url:
                facts = dump_postgres(url, staging / PGDUMP_FILE)
                database, kind = staging / PGDUMP_FILE, "postgresql"
            else:
                if not (data_dir / SQLITE_FILE).exists():
                    raise SetupError(f"{data_dir} holds no {SQLITE_FILE}")
                facts = copy_sqlite(
                    data_dir / SQLITE_FILE, staging / SQLITE_FILE, pages=pages, pause=pause
                )
                database, kind = staging / SQLITE_FILE, "sqlite"
        except SnapshotError as error:
            raise SetupError(str(error)) from None
        files = [data_dir / KEY_FILE, data_dir / SETTINGS_FILE, database]
        for path in files[:2]:
            if not path.exists():
                raise SetupError(
                    f"{data_dir} has no {path.name}: it is not a node's data directory"
                )
        manifest = _manifest(facts, kind, database.name, files, now())
        write_archive(output, manifest, files, pause=pause)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupMade(
        output, facts.size, facts.root, output.stat().st_size, time.monotonic() - started, kind
    )


def _manifest(
    facts: Facts, kind: str, database_file: str, files: list[Path], at: datetime
) -> dict[str, object]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": format_utc(at),
        "commonweal": __version__,
        "node": {
            "did": facts.meta.get("did", ""),
            "origin": facts.meta.get("origin", ""),
            "vkey": facts.meta.get("vkey", ""),
        },
        "database": {"kind": kind, "file": database_file, "schema": facts.revision},
        "log": {"size": facts.size, "root": base64.b64encode(facts.root).decode()},
        "files": [file_member(path).__dict__ for path in files],
    }
