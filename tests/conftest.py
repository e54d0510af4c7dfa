"""Shared fixtures: the vectors folder, real databases (SQLite; PostgreSQL when asked), nodes."""

from __future__ import annotations

import atexit
import functools
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from tests.builders import Clock, EventFactory
from tests.ci import skip_outside_ci
from tests.community import community  # a shared fixture: registered by importing it
from tests.credential_kinds import kinds_community  # shared too (community credentials)
from tests.vectors import find_vectors

POSTGRES_URL = os.environ.get("COMMONWEAL_TEST_POSTGRES_URL")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules with slow tests first (each module's tests in their order): the suite's
    workers (pytest-xdist, whole modules each) start the long ones first and fill in with
    the quick ones, instead of ending on one long module while the other worker waits."""
    slow = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in slow)


@pytest.fixture(scope="session")
def vectors_dir() -> Path:
    """shared/vectors, beside the repository (or COMMONWEAL_VECTORS)."""
    return find_vectors()


@pytest.fixture
def clock() -> Clock:
    """A clock the test moves by hand."""
    return Clock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    """None for SQLite in the node's data directory, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
        return
    if not POSTGRES_URL:
        skip_outside_ci("set COMMONWEAL_TEST_POSTGRES_URL to run against PostgreSQL")
    yield from fresh_postgres_database(migrated=True)


def fresh_postgres_database(*, migrated: bool = False) -> Iterator[str]:
    """Create a throw-away database next to the configured one; drop it afterwards.

    ``migrated``: a copy of this test process's template database, already brought to the
    newest migration (PostgreSQL copies it file by file, far faster than running every
    migration again for each test); otherwise an empty database."""
    assert POSTGRES_URL is not None
    name = f"cw_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    template = f' TEMPLATE "{_migrated_template()}"' if migrated else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
    try:
        yield _url_of(name)
    finally:
        _drop(name)


def _url_of(name: str) -> str:
    assert POSTGRES_URL is not None
    base, _, _old = POSTGRES_URL.rpartition("/")
    return f"{base}/{name}"


@functools.cache
def _admin_engine() -> Engine:
    return create_engine(POSTGRES_URL or "", isolation_level="AUTOCOMMIT")


def _drop(name: str) -> None:
    with _admin_engine().connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))


@functools.cache
def _migrated_template() -> str:
    """This process's template: an empty database brought to the newest migration by the
    node's own ``migrate``, dropped when the process ends."""
    from commonweal.store.database import migrate

    name = f"cw_template_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with _admin_engine().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    atexit.register(_drop, name)
    engine = create_engine(_url_of(name))
    try:
        migrate(engine)
    finally:
        engine.dispose()  # a template must have no connection while it is copied
    return name


@pytest.fixture
def node(tmp_path: Path, database_url: str | None, clock: Clock):  # type: ignore[no-untyped-def]
    """A freshly created node (node.created and its constitution already logged), with no
    write policy (``WITHOUT_WRITE_POLICY``), so tests may attest from any number of keys."""
    from commonweal.node.kernel.setup import init_node
    from tests.builders import WITHOUT_WRITE_POLICY

    created = init_node(
        tmp_path / "node",
        name="Test Commons",
        database_url=database_url,
        clock=clock,
        constitution=WITHOUT_WRITE_POLICY,
    )
    yield created
    created.close()


@pytest.fixture
def events(node, clock: Clock) -> EventFactory:  # type: ignore[no-untyped-def]
    """Signs events for the test node as any number of authors."""
    return EventFactory(node.identity.did, clock)


__all__ = ["Clock", "EventFactory", "community", "kinds_community", "timedelta"]
