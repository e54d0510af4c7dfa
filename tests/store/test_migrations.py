"""The Alembic migrations create exactly the schema the code declares, on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from commonweal.store.database import is_initialised, make_engine, migrate, sqlite_url
from commonweal.store.schema import metadata
from tests.builders import GENESIS


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


def test_0002_moves_author_seqs_out_of_the_projection(tmp_path: Path) -> None:
    """A node written before 0002 stored log.authors rows; after upgrading it verifies."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from commonweal.domain.catalog import default_registry
    from commonweal.node.setup import init_node, open_store
    from commonweal.node.verify import verify_log
    from commonweal.store.database import MIGRATIONS

    node = init_node(tmp_path / "n", name="Old")
    node.close()
    engine = make_engine(sqlite_url(tmp_path / "n"))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT key, value FROM projection_rows WHERE tbl = 'log.authors'")
        )
        assert [tuple(r) for r in rows] == [(f'"{node.identity.did}"', str(GENESIS))]
    migrate(engine)
    with engine.connect() as conn:
        count = "SELECT count(*) FROM projection_rows WHERE tbl = 'log.authors'"
        assert conn.execute(text(count)).scalar() == 0
    engine.dispose()
    store = open_store(str(tmp_path / "n"))
    assert verify_log(store, default_registry(), compare_with=store).ok
    store.engine.dispose()
