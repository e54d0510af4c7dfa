"""Engines and migrations: SQLite in a data directory by default, PostgreSQL given a URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_FILE = "node.db"


def sqlite_url(data_dir: Path) -> str:
    """The URL of the node database inside a data directory."""
    return f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"


class DriverMissing(Exception):
    """The database URL needs a driver this installation lacks (PostgreSQL without psycopg)."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets durable settings on every connection.

    WAL mode is a property of the database file and is set once by :func:`migrate`;
    ``synchronous=FULL`` is per connection, so every commit is on disk when it returns.
    A PostgreSQL URL without the ``postgres`` extra installed raises :class:`DriverMissing`.
    """
    try:
        return _engine(url)
    except ModuleNotFoundError as missing:
        if url.startswith("postgres"):
            raise DriverMissing(
                f"{url.split(':', 1)[0]} URLs need PostgreSQL support, which is not installed "
                f"(no module {missing.name!r}): pip install 'commonweal[postgres]'"
            ) from None
        raise DriverMissing(
            f"the database driver {missing.name!r} for this URL is not installed"
        ) from None


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=8
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True)


def scratch_engine() -> Engine:
    """A private in-memory SQLite database: a scratch store that needs no durability."""
    return create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Freed space is zeroed, so erased personal data leaves the file (see erase_profiles).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def migrate(engine: Engine, script_location: Path = MIGRATIONS) -> None:
    """Bring the schema up to the newest migration (and set SQLite's WAL mode once)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    config = Config()
    config.set_main_option("script_location", str(script_location))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def schema_revision(engine: Engine) -> str | None:
    """The migration the database was last brought to (None: no migration has run)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def newest_revision(script_location: Path = MIGRATIONS) -> str:
    """The newest migration this release knows."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "the migrations folder holds no migration"
    return head


def known_revisions(script_location: Path = MIGRATIONS) -> set[str]:
    """Every migration this release knows."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def close_engine(engine: Engine) -> None:
    """Close every connection; SQLite first folds its write-ahead log into the database.

    After a clean stop ``node.db`` alone then holds the whole log (without this, the
    newest pages stay in ``node.db-wal`` until the next open). It is still no backup
    while the node runs: ``commonweal backup`` is (docs/operations.md).
    """
    if engine.dialect.name == "sqlite":
        try:
            with engine.connect() as connection:
                # a reader still open elsewhere must not hold the stop up for the full 30 s
                connection.exec_driver_sql("PRAGMA busy_timeout=2000")
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except DBAPIError:
            pass  # best effort: the database is whole either way, the WAL is replayed on open
    engine.dispose()


def is_initialised(engine: Engine) -> bool:
    """Whether the database holds a node: its identity is recorded. A schema brought to the
    newest migration in advance, with no node in it yet, holds none."""
    if not inspect(engine).has_table("node_meta"):
        return False
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT 1 FROM node_meta LIMIT 1").first() is not None
