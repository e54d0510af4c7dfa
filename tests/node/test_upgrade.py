"""Upgrading: a store the current release wrote (tests/fixtures/release-0.1.0, built by
tests/fixtures/release_store.py) is at this release's schema and verifies; the next
migration (a test-only one, in a copy of the migrations folder) is applied to it after a
backup, and it still verifies; ``serve`` refuses an old schema and says what to run."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from commonweal.cli.main import app
from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.backup.restore import restore_backup
from commonweal.node.kernel.setup import SetupError, init_node, open_store
from commonweal.node.kernel.upgrade import require_current_schema, schema_state, upgrade_node
from commonweal.node.kernel.verify import verify_log
from commonweal.store.database import MIGRATIONS, make_engine, sqlite_url
from tests.builders import WITHOUT_WRITE_POLICY, Clock
from tests.conftest import POSTGRES_URL, fresh_postgres_database
from tests.fixtures.release_store import FIXTURE
from tests.server import free_port

RELEASE_SCHEMA = "0006"
HEAD_SCHEMA = "0013"
"""This tree's newest migration (0007: the private_ballot_keys table of secret ballots;
0008: the census's private ``census_members``; 0009: the notifications' outbox,
preferences and cursor; 0010: the census's ``census_people``; 0011: community credentials'
``private_credential_claims``; 0012: Web Push subscriptions and the push outbox; 0013:
the translatable originals already logged, recorded in the projection)."""
runner = CliRunner()

PROBE_SCHEMA = f"{int(HEAD_SCHEMA) + 1:04d}"
NEXT_MIGRATION = f'''"""A test-only next migration: one new table.

Revision ID: {PROBE_SCHEMA}
Revises: {HEAD_SCHEMA}
"""

import sqlalchemy as sa
from alembic import op

revision = "{PROBE_SCHEMA}"
down_revision = "{HEAD_SCHEMA}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("upgrade_probe", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("upgrade_probe")
'''


def now() -> datetime:
    return datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


@pytest.fixture
def release_store(tmp_path: Path) -> Path:
    """A copy of the committed store (opening it writes beside it)."""
    copy = tmp_path / "node"
    shutil.copytree(FIXTURE, copy)
    return copy


def verifies(data_dir: Path) -> bool:
    store = open_store(str(data_dir))
    try:
        return verify_log(store, default_registry(), compare_with=store).ok
    finally:
        store.engine.dispose()


def test_the_release_store_is_at_this_releases_schema_and_verifies(release_store: Path) -> None:
    assert schema_state(release_store) == (RELEASE_SCHEMA, HEAD_SCHEMA)
    done = upgrade_node(release_store, now=now)
    assert (done.before, done.after) == (RELEASE_SCHEMA, HEAD_SCHEMA) and done.backup
    again = upgrade_node(release_store, now=now)
    assert (again.before, again.after, again.backup) == (HEAD_SCHEMA, HEAD_SCHEMA, None)
    assert verifies(release_store)


def test_the_next_migration_upgrades_the_release_store_after_a_backup(
    release_store: Path, tmp_path: Path
) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / f"{PROBE_SCHEMA}_upgrade_probe.py").write_text(NEXT_MIGRATION)
    store = open_store(str(release_store))
    size = store.head()[0]
    store.engine.dispose()

    done = upgrade_node(release_store, now=now, script_location=migrations)
    assert (done.before, done.after) == (RELEASE_SCHEMA, PROBE_SCHEMA)
    assert done.backup is not None and done.backup.size == size
    assert done.backup.path.parent == release_store / "backups"
    engine = make_engine(sqlite_url(release_store))
    try:
        assert inspect(engine).has_table("upgrade_probe")
    finally:
        engine.dispose()
    assert verifies(release_store)

    before = restore_backup(done.backup.path, tmp_path / "before")  # the way back
    assert before.size == size
    assert schema_state(tmp_path / "before") == (RELEASE_SCHEMA, HEAD_SCHEMA)


def _downgrade(data_dir: Path, revision: str, url: str | None = None) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(url or sqlite_url(data_dir))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def test_serve_and_scheduler_refuse_an_old_schema_and_upgrade_brings_it_current(
    release_store: Path,
) -> None:
    _downgrade(release_store, "0005")
    with pytest.raises(SetupError, match="commonweal upgrade"):
        require_current_schema(release_store)
    served = runner.invoke(
        app, ["serve", "--data-dir", str(release_store), "--port", str(free_port())]
    )
    assert served.exit_code == 1 and isinstance(served.exception, SystemExit)  # no traceback
    assert "run `commonweal upgrade" in served.output
    scheduled = runner.invoke(app, ["scheduler", "--data-dir", str(release_store)])
    assert scheduled.exit_code == 1 and isinstance(scheduled.exception, SystemExit)
    assert "run `commonweal upgrade" in scheduled.output  # and it migrated nothing:
    with pytest.raises(SetupError, match="commonweal upgrade"):
        require_current_schema(release_store)

    upgraded = runner.invoke(app, ["upgrade", "--data-dir", str(release_store)])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"from 0005 to {HEAD_SCHEMA}" in upgraded.output
    assert len(list((release_store / "backups").glob("*.tar"))) == 1
    require_current_schema(release_store)
    assert verifies(release_store)


def test_a_schema_from_a_newer_release_is_refused(release_store: Path) -> None:
    engine = make_engine(sqlite_url(release_store))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(SetupError, match="newer release"):
        require_current_schema(release_store)
    with pytest.raises(SetupError, match="newer release"):
        upgrade_node(release_store, now=now)


@pytest.mark.postgres
def test_an_upgrade_on_postgresql_takes_a_pg_dump_first(tmp_path: Path, clock: Clock) -> None:
    if not POSTGRES_URL:
        pytest.skip("set COMMONWEAL_TEST_POSTGRES_URL to run against PostgreSQL")
    for url in fresh_postgres_database():
        data_dir = tmp_path / "node"
        init_node(
            data_dir,
            name="Upgraded on PostgreSQL",
            database_url=url,
            clock=clock,
            constitution=WITHOUT_WRITE_POLICY,
        ).close()
        _downgrade(data_dir, "0005", url)
        with pytest.raises(SetupError, match="commonweal upgrade"):
            require_current_schema(data_dir)
        done = upgrade_node(data_dir, now=now)
        assert (done.before, done.after) == ("0005", HEAD_SCHEMA)
        assert done.backup is not None and done.backup.database == "postgresql"
        require_current_schema(data_dir)
        assert verifies(data_dir)
