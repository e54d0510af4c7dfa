"""The Alembic migrations create exactly the schema the code declares, on both databases."""

from __future__ import annotations

import warnings
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from commonweal.domain.state import Change
from commonweal.store.database import is_initialised, make_engine, migrate, sqlite_url
from commonweal.store.schema import EXPRESSION_INDEXES, metadata
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
        with engine.connect() as conn, warnings.catch_warnings():
            # SQLite's reflection skips an index on an expression, and says so
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        # the expression indexes are written per database by their migration: by name
        assert [d for d in diff if not _expression_index(d)] == []
        assert set(inspect(engine).get_table_names()) >= set(metadata.tables)
        with engine.connect() as conn:
            names = conn.exec_driver_sql(INDEX_NAMES[engine.dialect.name]).scalars().all()
        assert set(names) >= EXPRESSION_INDEXES
    finally:
        engine.dispose()


INDEX_NAMES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index'",
    "postgresql": "SELECT indexname FROM pg_indexes WHERE tablename = 'projection_rows'",
}


def _expression_index(difference: object) -> bool:
    return (
        isinstance(difference, tuple)
        and difference[0] == "remove_index"
        and difference[1].name in EXPRESSION_INDEXES
    )


def test_the_electorate_is_read_from_the_standing_index(tmp_path: Path) -> None:
    """SQLite answers ``members_in_standing`` from the partial index, not by decoding
    every member record, and the answer is the electorate's."""
    from commonweal.store.log_store import LogStore

    engine = engine_for(tmp_path, None)
    try:
        migrate(engine)
        store = LogStore(engine)
        store.write_projection(
            [
                Change("membership.members", "did:key:z6MkA", {"status": "member", "roles": []}),
                Change("membership.members", "did:key:z6MkB", {"status": "left", "roles": []}),
                Change("membership.members", "did:key:z6MkC", {"status": "member", "roles": ["x"]}),
                Change("other.table", "did:key:z6MkD", {"status": "member"}),
            ]
        )
        assert store.members_in_standing("member") == {"did:key:z6MkA", "did:key:z6MkC"}
        assert store.members_in_standing("member", "x") == {"did:key:z6MkC"}
        query = (
            "EXPLAIN QUERY PLAN SELECT p.key FROM projection_rows AS p WHERE "
            "p.tbl = 'membership.members' AND p.value ->> '$.status' = 'member'"
        )
        with engine.connect() as conn:
            plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(query))
        assert "ix_projection_members_standing" in plan
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
    from commonweal.node.kernel.setup import init_node, open_store
    from commonweal.node.kernel.verify import verify_log
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
