"""Upgrading a node's database schema to this release's, with a backup taken first.

``commonweal serve`` does not migrate: a node whose schema is older than the
release refuses to start and says to run ``commonweal upgrade``, which backs the
node up (``node.backup``) and then applies the Alembic migrations
(``store/migrations``). An upgrade is then a step the operator takes and can undo
(``commonweal restore-backup``), never a side effect of a restart; with several
web processes on PostgreSQL, none races another to migrate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from commonweal.node.kernel.backup.make import BackupMade, default_backup_path, take_backup
from commonweal.node.kernel.setup import SetupError, database_engine, read_settings
from commonweal.store.database import (
    MIGRATIONS,
    is_initialised,
    known_revisions,
    migrate,
    newest_revision,
    schema_revision,
    sqlite_url,
)


@dataclass(frozen=True)
class Upgraded:
    """What an upgrade did: from which revision to which, and the backup it took first."""

    before: str | None
    after: str
    backup: BackupMade | None


def schema_state(
    data_dir: Path, database_url: str | None = None, script_location: Path = MIGRATIONS
) -> tuple[str | None, str]:
    """(the database's schema revision, this release's newest)."""
    url = database_url or read_settings(data_dir).database_url or sqlite_url(data_dir)
    engine = database_engine(url)
    try:
        if not is_initialised(engine):
            raise SetupError(f"{data_dir} holds no Commonweal node")
        return schema_revision(engine), newest_revision(script_location)
    finally:
        engine.dispose()


def require_current_schema(data_dir: Path, database_url: str | None = None) -> None:
    """Refuse (SetupError) a database whose schema is not this release's."""
    current, newest = schema_state(data_dir, database_url)
    if current == newest:
        return
    if current is not None and current not in known_revisions():
        raise SetupError(
            f"the database's schema is at revision {current}, which this release does not "
            f"know (it knows up to {newest}): it was written by a newer release of Commonweal"
        )
    raise SetupError(
        f"the database's schema is at revision {current}, this release needs {newest}: "
        f"run `commonweal upgrade --data-dir {data_dir}` (it takes a backup first)"
    )


def upgrade_node(
    data_dir: Path,
    *,
    now: Callable[[], datetime],
    backup_to: Path | None = None,
    database_url: str | None = None,
    script_location: Path = MIGRATIONS,
) -> Upgraded:
    """Back the node up, then bring its schema to the newest migration."""
    current, newest = schema_state(data_dir, database_url, script_location)
    if current == newest:
        return Upgraded(current, newest, None)
    if current is not None and current not in known_revisions(script_location):
        raise SetupError(
            f"the database's schema is at revision {current}, which this release does not "
            "know: it was written by a newer release; upgrade Commonweal itself instead"
        )
    made = take_backup(
        data_dir,
        backup_to or default_backup_path(data_dir, now()),
        now=now,
        database_url=database_url,
    )
    url = database_url or read_settings(data_dir).database_url or sqlite_url(data_dir)
    engine = database_engine(url)
    try:
        migrate(engine, script_location)
        after = schema_revision(engine)
    finally:
        engine.dispose()
    assert after is not None
    return Upgraded(current, after, made)
