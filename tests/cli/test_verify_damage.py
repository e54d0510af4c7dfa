"""``commonweal verify`` on a damaged store: every failure located, never a traceback.

A small real store (attestations, applications, founders, a constitution,
checkpoints) is damaged the way a failing disk damages it: bytes flipped and the
file cut short, in ``node.db`` and in the ``node.db-wal`` of a crash copy. The
oracle is honest about what damage can be invisible: a flipped byte in a free
page or a private table changes no committed log content, so ``verify`` may pass
only if every leaf still reads back as it was written; a WAL cut or corrupted at
any byte loses whole commits from the end (SQLite ignores every frame from the
first bad checksum on), which leaves a consistent shorter log that only the
witnesses can tell apart from the real one (``test_rollback.py``), so there
``verify`` may pass only if the leaves left are a prefix of those written.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from commonweal.cli.main import app
from commonweal.core.commitment import commitment
from commonweal.node.kernel.setup import init_node
from tests.builders import WITHOUT_WRITE_POLICY, Clock, EventFactory

runner = CliRunner()


@dataclass(frozen=True)
class Built:
    """A data directory and the leaves its log holds."""

    data: Path
    leaves: list[bytes]


def _fill(data: Path, clock: Clock, *, rounds: int) -> tuple[object, EventFactory]:
    factory = EventFactory("", clock)
    node = init_node(
        data,
        name="Damaged Commons",
        clock=clock,
        founders=[factory.did(name) for name in ("alice", "bob")],
        checkpoint_every_events=7,
        constitution=WITHOUT_WRITE_POLICY,
    )
    factory.node_did = node.identity.did
    _add(node, factory, clock, rounds, first=0)
    return node, factory


def _add(node, factory: EventFactory, clock: Clock, rounds: int, *, first: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(first, first + rounds):
        clock.advance(seconds=1)
        node.submit(factory.raw(f"author{n % 4}"))
        profile = {"display_name": f"Applicant {n}"}
        body = {"commitment": commitment(profile, f"salt-{n:04d}-0123456789abcdef")}
        node.submit(
            orjson.dumps(
                factory.event(f"applicant{n}", type="membership.application.submitted", body=body)
            )
        )
        if n % 5 == 4:
            node.checkpoint()


def _leaves(db: Path) -> list[bytes]:
    connection = sqlite3.connect(db)
    try:
        return [
            bytes(r[0]) for r in connection.execute("SELECT leaf FROM log_entries ORDER BY idx")
        ]
    finally:
        connection.close()


@pytest.fixture(scope="module")
def settled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """A store whose every commit is in ``node.db`` (the WAL checkpointed away)."""
    data = tmp_path_factory.mktemp("settled") / "node"
    node, _factory = _fill(data, Clock(datetime(2026, 11, 23, tzinfo=UTC)), rounds=15)
    node.close()  # type: ignore[attr-defined]
    engine = create_engine(f"sqlite:///{data / 'node.db'}")
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    yield Built(data, _leaves(data / "node.db"))


@pytest.fixture(scope="module")
def crash_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """A copy of ``node.db`` and ``node.db-wal`` taken while the node runs, as after a crash."""
    base = tmp_path_factory.mktemp("crash")
    data = base / "node"
    clock = Clock(datetime(2026, 11, 23, tzinfo=UTC))
    node, factory = _fill(data, clock, rounds=6)
    with node.store.engine.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    _add(node, factory, clock, 9, first=6)  # these commits are only in the WAL
    copy = base / "copy"
    shutil.copytree(data, copy)
    leaves = _leaves(data / "node.db")
    node.close()  # type: ignore[attr-defined]
    assert (copy / "node.db-wal").stat().st_size > 0
    yield Built(copy, leaves)


def _damaged_copy(built: Built, workdir: Path) -> Path:
    target = workdir / "node"
    shutil.copytree(built.data, target)
    return target


def _flip(path: Path, flips: list[tuple[float, int]]) -> None:
    data = bytearray(path.read_bytes())
    for where, bit in flips:
        position = min(int(where * len(data)), len(data) - 1)
        data[position] ^= 1 << bit
    path.write_bytes(bytes(data))


def _truncate(path: Path, fraction: float) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(int(size * fraction))


def _run_verify(data: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["verify", str(data)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"verify crashed: {result.exception!r}\n{result.output}"
    )
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert (
            "FAILED" in result.output
            or "unreadable" in result.output
            or ("holds no Commonweal node" in result.output)
        ), result.output
        assert "could not be read" not in result.output, "a read escaped the checked store"
    return result.exit_code, result.output


def _readable_leaves(db: Path) -> list[bytes] | None:
    try:
        return _leaves(db)
    except sqlite3.Error:
        return None


Damage = st.one_of(
    st.tuples(
        st.just("flip"),
        st.lists(
            st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 7)), min_size=1, max_size=4
        ),
    ),
    st.tuples(st.just("cut"), st.floats(0, 1, exclude_max=True)),
)


def _apply(path: Path, damage: tuple[str, object]) -> None:
    kind, how = damage
    if kind == "flip":
        _flip(path, how)  # type: ignore[arg-type]
    else:
        _truncate(path, how)  # type: ignore[arg-type]


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(damage=Damage)
def test_damaged_database_is_located_never_a_traceback(
    settled: Built, damage: tuple[str, object]
) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        data = _damaged_copy(settled, Path(workdir))
        _apply(data / "node.db", damage)
        code, output = _run_verify(data)
        if code == 0:
            assert _readable_leaves(data / "node.db") == settled.leaves, (
                f"verify passed a store whose log changed ({damage})\n{output}"
            )


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(damage=Damage)
def test_damaged_wal_of_a_crash_copy_never_passes_changed_content(
    crash_copy: Built, damage: tuple[str, object]
) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        data = _damaged_copy(crash_copy, Path(workdir))
        _apply(data / "node.db-wal", damage)
        code, output = _run_verify(data)
        if code == 0:
            left = _readable_leaves(data / "node.db")
            assert left is not None and left == crash_copy.leaves[: len(left)], (
                f"verify passed a log that is not a prefix of the one written ({damage})\n{output}"
            )


# -- the defects seen, one by one ------------------------------------------------------------


def _page_of_table(db: Path, table: str) -> tuple[int, int]:
    connection = sqlite3.connect(db)
    try:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        (page,) = connection.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' LIMIT 1", (table,)
        ).fetchone()
        return page, page_size
    finally:
        connection.close()


def test_database_cut_in_half_is_reported(settled: Built, tmp_path: Path) -> None:
    data = _damaged_copy(settled, tmp_path)
    _truncate(data / "node.db", 0.5)
    code, output = _run_verify(data)
    assert code == 1
    assert "node.db: the file holds" in output and "cut short" in output, output


@pytest.mark.parametrize("offset", [0, 3], ids=["page type", "cell count"])
def test_flipped_leaf_page_header_is_located(settled: Built, tmp_path: Path, offset: int) -> None:
    data = _damaged_copy(settled, tmp_path)
    page, page_size = _page_of_table(data / "node.db", "log_entries")
    path = data / "node.db"
    raw = bytearray(path.read_bytes())
    raw[(page - 1) * page_size + offset] ^= 0xFF
    path.write_bytes(bytes(raw))
    code, output = _run_verify(data)
    assert code == 1
    assert "integrity_check" in output and "log_entries" in output, output


def test_undecodable_key_column_is_located(settled: Built, tmp_path: Path) -> None:
    data = _damaged_copy(settled, tmp_path)
    connection = sqlite3.connect(data / "node.db")
    with connection:
        connection.execute(
            "UPDATE projection_rows SET key = CAST(X'22FF22' AS TEXT) WHERE rowid = "
            "(SELECT min(rowid) FROM projection_rows)"
        )
        connection.execute("UPDATE log_entries SET author = CAST(X'C328' AS TEXT) WHERE idx = 5")
    connection.close()
    code, output = _run_verify(data)
    assert code == 1
    assert "projection_rows" in output and "key column is not UTF-8" in output, output
    assert "leaf 5: log_entries.author holds bytes that are not UTF-8" in output, output


def test_null_leaf_is_located(settled: Built, tmp_path: Path) -> None:
    data = _damaged_copy(settled, tmp_path)
    connection = sqlite3.connect(data / "node.db")
    with connection:
        connection.execute("PRAGMA ignore_check_constraints = ON")
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute(
            "UPDATE sqlite_master SET sql = replace(sql, 'leaf BLOB NOT NULL', 'leaf BLOB') "
            "WHERE name = 'log_entries'"
        )
    connection.close()
    connection = sqlite3.connect(data / "node.db")
    with connection:
        connection.execute("UPDATE log_entries SET leaf = NULL WHERE idx = 9")
    connection.close()
    code, output = _run_verify(data)
    assert code == 1
    assert "leaf 9: log_entries.leaf holds NoneType, not bytes" in output, output


def test_corrupted_vkey_is_located(settled: Built, tmp_path: Path) -> None:
    data = _damaged_copy(settled, tmp_path)
    connection = sqlite3.connect(data / "node.db")
    with connection:
        connection.execute("UPDATE node_meta SET value = 'Damaged+0000+AAAA' WHERE key = 'vkey'")
    connection.close()
    code, output = _run_verify(data)
    assert code == 1
    assert "node_meta 'vkey' is not a verifier key" in output, output
    assert "entries checked      " in output


@pytest.mark.postgres
def test_postgres_store_verifies_and_locates_a_changed_row(tmp_path: Path) -> None:
    from tests.conftest import POSTGRES_URL, fresh_postgres_database

    if not POSTGRES_URL:
        pytest.skip("set COMMONWEAL_TEST_POSTGRES_URL to run against PostgreSQL")
    databases = fresh_postgres_database()
    url = next(databases)
    try:
        clock = Clock(datetime(2026, 11, 23, tzinfo=UTC))
        factory = EventFactory("", clock)
        node = init_node(
            tmp_path / "pg",
            name="Postgres Commons",
            database_url=url,
            clock=clock,
            constitution=WITHOUT_WRITE_POLICY,
        )
        factory.node_did = node.identity.did
        _add(node, factory, clock, 4, first=0)
        node.close()
        clean = runner.invoke(app, ["verify", url])
        assert clean.exit_code == 0, clean.output
        assert "storage check" not in clean.output  # SQLite's check only
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE log_entries SET author = 'did:key:zNobody' WHERE idx = 3"))
        engine.dispose()
        changed = runner.invoke(app, ["verify", url])
        assert changed.exit_code == 1
        assert "leaf 3: the indexed columns" in changed.output, changed.output
    finally:
        databases.close()


def test_a_node_url_that_does_not_answer_is_a_plain_error() -> None:
    from tests.server import free_port

    result = runner.invoke(app, ["verify", f"http://127.0.0.1:{free_port()}"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "did not serve its log" in result.output
