"""Engines and migrations: SQLite in a data directory by default, PostgreSQL given a URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
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


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (and set SQLite's WAL mode once)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_initialised(engine: Engine) -> bool:
    """Whether the database holds a node (its tables exist)."""
    return inspect(engine).has_table("node_meta")
