"""Consistent copies of a node's database taken while the node writes to it.

- SQLite: the online backup API (``sqlite3.Connection.backup``), never a file copy.
  The copying connection first opens a read transaction, so every step reads the same
  snapshot: in WAL mode the node's writers go on committing meanwhile, and the copy
  never restarts because of them. It copies ``pages`` pages a step and pauses between
  steps, so the copy's disk writes leave room for the node's own fsyncs.
- PostgreSQL: ``pg_dump`` in the custom format, run on a snapshot exported from a
  repeatable-read transaction in which the log's head is read too, so the dump and
  the head it is said to hold are the same instant. ``pg_restore`` brings it back in
  one transaction.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, select, text
from sqlalchemy.engine import URL

from commonweal.store.schema import log_entries, metadata

PAGES_PER_STEP = 1024
PAUSE_SECONDS = 0.02


class SnapshotError(Exception):
    """The database could not be copied, dumped or loaded (the message says why)."""


@dataclass(frozen=True)
class Facts:
    """What a snapshot holds, read from the snapshot itself."""

    size: int
    root: bytes
    meta: dict[str, str]
    revision: str | None


def copy_sqlite(
    source: Path,
    target: Path,
    *,
    pages: int = PAGES_PER_STEP,
    pause: float = PAUSE_SECONDS,
) -> Facts:
    """Copy the SQLite database ``source`` to ``target`` online; the copy's facts."""
    reader = sqlite3.connect(source, isolation_level=None, timeout=30)
    try:
        reader.execute("BEGIN")
        facts = _sqlite_facts(reader)  # opens the read transaction: the snapshot copied
        writer = sqlite3.connect(target)
        # a scratch copy (the archive that holds it is synced): no flush of its own
        writer.execute("PRAGMA synchronous=OFF")
        try:
            reader.backup(writer, pages=pages, progress=lambda *_: time.sleep(pause))
        finally:
            writer.close()
        reader.execute("COMMIT")
    except sqlite3.Error as error:
        raise SnapshotError(f"cannot copy {source}: {error}") from None
    finally:
        reader.close()
    return facts


def sqlite_integrity(path: Path) -> str | None:
    """None when SQLite's quick check finds ``path`` sound, else what it found."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:
        return str(error)
    found = [str(row[0]) for row in rows]
    return None if found == ["ok"] else "; ".join(found[:5])


def _sqlite_facts(connection: sqlite3.Connection) -> Facts:
    size, root = connection.execute("SELECT size, root FROM log_head WHERE id = 1").fetchone()
    meta = dict(connection.execute("SELECT key, value FROM node_meta").fetchall())
    (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return Facts(int(size), bytes(root), meta, revision)


def libpq_url(url: str) -> tuple[str, dict[str, str]]:
    """A SQLAlchemy PostgreSQL URL as libpq takes it, and the environment for its password."""
    parsed = make_url(url)
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    plain: URL = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def dump_postgres(url: str, target: Path) -> Facts:
    """``pg_dump`` the database at ``url`` into ``target``; the dump's facts."""
    engine = create_engine(url)
    dsn, env = libpq_url(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            size, root = connection.execute(text("SELECT size, root FROM log_head")).one()
            rows = connection.execute(text("SELECT key, value FROM node_meta")).all()
            meta = {str(key): str(value) for key, value in rows}
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    dsn,
                ],
                env,
            )
            connection.rollback()
    finally:
        engine.dispose()
    return Facts(int(size), bytes(root), meta, revision)


def load_postgres(url: str, dump: Path) -> None:
    """``pg_restore`` ``dump`` into the (empty) database at ``url``, in one transaction."""
    dsn, env = libpq_url(url)
    _run(
        [
            "pg_restore",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={dsn}",
            str(dump),
        ],
        env,
    )


def drop_node_tables(engine: Engine) -> None:
    """Remove a node's tables again (a PostgreSQL restore that was then refused)."""
    with engine.begin() as connection:
        for table in [*reversed(metadata.sorted_tables)]:
            connection.execute(text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE'))
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def leaf_hashes(engine: Engine, chunk: int = 20_000) -> Iterator[bytes]:
    """Every stored leaf hash, in log order."""
    start = 0
    with engine.connect() as connection:
        while True:
            rows = connection.execute(
                select(log_entries.c.idx, log_entries.c.leaf_hash)
                .where(log_entries.c.idx >= start)
                .order_by(log_entries.c.idx)
                .limit(chunk)
            ).all()
            for _idx, digest in rows:
                yield bytes(digest)
            if len(rows) < chunk:
                return
            start = int(rows[-1][0]) + 1


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(
            command, env={**os.environ, **env}, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise SnapshotError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        ) from None
    if done.returncode != 0:
        raise SnapshotError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")
