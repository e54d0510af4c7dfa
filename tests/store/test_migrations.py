"""The Alembic migrations create exactly the schema the code declares, on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from commonweal.store.database import is_initialised, make_engine, migrate, sqlite_url
from commonweal.store.schema import metadata


def engine_for(tmp_path: Path, database_url: str | None):  # type: ignore[no-untyped-def]
    tmp_path.mkdir(exist_ok=True)
    return make_engine(database_url or sqlite_url(tmp_path))


def test_migrations_match_the_declared_schema(tmp_path: Path, database_url: str | None) -> None:
    engine = engine_for(tmp_path, database_url)
    try:
        assert not is_initialised(engine)
        migrate(engine)
        migrate(engine)  # idempotent
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
        assert set(inspect(engine).get_table_names()) >= set(metadata.tables)
    finally:
        engine.dispose()


def test_sqlite_is_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, None)
    try:
        migrate(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        engine.dispose()
