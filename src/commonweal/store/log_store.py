"""Reads and writes of the node's log, Merkle hashes, checkpoints and projections.

Writes happen only in :meth:`LogStore.append`, one transaction per group of
events: the entries, the new complete-subtree hashes, the projection changes, the
new head and (when due) a checkpoint commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Table, delete, func, insert, select

from commonweal.core.merkle import EMPTY_ROOT
from commonweal.domain.state import Change
from commonweal.store.rows import CheckpointRow as CheckpointRow
from commonweal.store.rows import EntryRow as EntryRow
from commonweal.store.rows import Group as Group
from commonweal.store.rows import (
    all_rows,
    checkpoint_row,
    decode_key_fast,
    driver_sql,
    encode_key,
    entry_row,
    first_row,
    insert_once,
)
from commonweal.store.schema import (
    checkpoints,
    log_entries,
    log_head,
    node_meta,
    private_profiles,
    projection_rows,
    tree_hashes,
)


class StaleHead(RuntimeError):
    """Another writer appended since this process last read the head."""


class LogStore:
    """The node's database, behind the few operations the node service needs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer: Connection | None = None

    # -- identity -------------------------------------------------------------------

    def write_meta(self, values: dict[str, str]) -> None:
        """Record the node's public identity, and an empty head, when the node is created."""
        with self.engine.begin() as conn:
            conn.execute(insert(node_meta), [{"key": k, "value": v} for k, v in values.items()])
            conn.execute(insert(log_head).values(id=1, size=0, root=EMPTY_ROOT))

    def read_meta(self) -> dict[str, str]:
        """The node's public identity (DID, origin, name, verifier key)."""
        with self.engine.connect() as conn:
            return {row.key: row.value for row in conn.execute(select(node_meta))}

    # -- the append transaction -----------------------------------------------------

    def append(self, expected_size: int, group: Group) -> None:
        """Append a group of entries and everything that follows from them, atomically.

        Raises :class:`StaleHead` (and writes nothing) if the log is no longer
        ``expected_size`` long, i.e. another writer got there first.
        """
        conn = self._writer_connection()
        try:
            self._append(conn, expected_size, group)
        except Exception:
            self.close_writer()  # a broken connection is replaced on the next append
            raise

    def _writer_connection(self) -> Connection:
        """The connection appends use: kept open, since only the sequencer writes."""
        if self._writer is None:
            self._writer = self.engine.connect()
        return self._writer

    def close_writer(self) -> None:
        """Return the writer connection to the pool."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _append(self, conn: Connection, expected_size: int, group: Group) -> None:
        with conn.begin():
            lock = "" if conn.dialect.name == "sqlite" else " FOR UPDATE"
            head = conn.exec_driver_sql(
                "SELECT size FROM log_head WHERE id = 1" + lock
            ).scalar_one()
            if head != expected_size:
                raise StaleHead(f"log head is {head}, expected {expected_size}")
            write_group(conn, expected_size, group)

    def write_projection(self, rows: Iterable[Change]) -> None:
        """Fill an empty projection (a scratch store being rebuilt), in key order."""
        encoded = sorted((c.table, encode_key(c.key), orjson.dumps(c.value).decode()) for c in rows)
        if not encoded:
            return
        with self.engine.begin() as conn:
            conn.exec_driver_sql(
                driver_sql(conn, "INSERT INTO projection_rows (tbl, key, value) VALUES (?, ?, ?)"),
                encoded,
            )

    # -- private data (never in the log) ---------------------------------------------

    def put_profile(self, commitment: str, salt: str, profile: str) -> None:
        """Keep a private profile (idempotent for the same commitment)."""
        row = {"commitment": commitment, "salt": salt, "profile": profile}
        with self.engine.begin() as conn:
            insert_once(conn, private_profiles, ("commitment",), **row)

    def profile(self, commitment: str) -> tuple[str, str] | None:
        """(salt, profile JSON) for a commitment, unless erased."""
        return first_row(
            self.engine,
            select(private_profiles.c.salt, private_profiles.c.profile).where(
                private_profiles.c.commitment == commitment
            ),
            lambda row: (row.salt, row.profile),
        )

    def profiles(self, commitments: Iterable[str]) -> dict[str, str]:
        """Commitment → profile JSON for every one stored, in one query (a page's members)."""
        wanted = sorted(set(commitments))
        columns = (private_profiles.c.commitment, private_profiles.c.profile)
        query = select(*columns).where(private_profiles.c.commitment.in_(wanted))
        return dict(all_rows(self.engine, query, lambda row: (row.commitment, row.profile)))

    def profile_commitments(self) -> set[str]:
        """Every commitment with a stored profile."""
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(select(private_profiles.c.commitment))}

    def erase_profiles(self, commitments: Iterable[str]) -> int:
        """Delete profiles so their bytes leave the database files, not just its tables.

        SQLite: ``secure_delete`` (on for every connection) zeroes the freed space,
        and a WAL checkpoint that truncates the WAL drops the old page images.
        PostgreSQL: the rows are deleted and the table vacuumed (see
        docs/operations.md for what remains).
        """
        wanted = sorted(set(commitments))
        if not wanted:
            return 0
        with self.engine.begin() as conn:
            deleted = conn.execute(
                delete(private_profiles).where(private_profiles.c.commitment.in_(wanted))
            ).rowcount
        self.scrub(private_profiles)
        return int(deleted or 0)

    def scrub(self, table: Table) -> None:
        """Leave no copy of rows just deleted from ``table`` in the database's files: SQLite's
        write-ahead log is checkpointed and truncated, PostgreSQL's table vacuumed."""
        if self.engine.dialect.name == "sqlite":
            self.close_writer()
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f"VACUUM {table.name}")

    def add_checkpoint(self, checkpoint: CheckpointRow) -> None:
        """Store a checkpoint signed outside an append."""
        with self.engine.begin() as conn:
            self._insert_checkpoint(conn, checkpoint)

    @staticmethod
    def _insert_checkpoint(conn: Connection, cp: CheckpointRow) -> None:
        conn.execute(
            insert(checkpoints).values(
                size=cp.size, root=cp.root, note=cp.note, signed_at=cp.signed_at
            )
        )

    @staticmethod
    def _write_changes(conn: Connection, changes: Sequence[Change]) -> None:
        if not changes:
            return
        upserts = [
            (c.table, encode_key(c.key), orjson.dumps(c.value).decode())
            for c in changes
            if c.value is not None
        ]
        if upserts:
            conn.exec_driver_sql(
                driver_sql(
                    conn,
                    "INSERT INTO projection_rows (tbl, key, value) VALUES (?, ?, ?) "
                    "ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value",
                ),
                upserts,
            )
        for change in changes:
            if change.value is None:
                conn.execute(
                    delete(projection_rows).where(
                        projection_rows.c.tbl == change.table,
                        projection_rows.c.key == encode_key(change.key),
                    )
                )

    # -- reads ----------------------------------------------------------------------

    def head(self) -> tuple[int, bytes]:
        """The current size and root."""
        with self.engine.connect() as conn:
            row = conn.execute(select(log_head.c.size, log_head.c.root)).one()
            return int(row.size), bytes(row.root)

    def entry(self, idx: int) -> EntryRow | None:
        """The entry at ``idx``, if the log has one."""
        return first_row(
            self.engine, select(log_entries).where(log_entries.c.idx == idx), entry_row
        )

    def entry_by_author_seq(self, author: str, seq: int) -> EntryRow | None:
        """The entry an author logged with ``seq``, if any."""
        return first_row(
            self.engine,
            select(log_entries).where(log_entries.c.author == author, log_entries.c.seq == seq),
            entry_row,
        )

    def entries(self, start: int, end: int) -> list[EntryRow]:
        """Entries with start <= idx < end, in order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(log_entries)
                .where(log_entries.c.idx >= start, log_entries.c.idx < end)
                .order_by(log_entries.c.idx)
            )
            return [entry_row(row) for row in rows]

    def entries_of_types(self, types: Iterable[str], start: int = 0) -> list[EntryRow]:
        """Entries of the given event types with idx >= start, in order (a history read)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(log_entries)
                .where(log_entries.c.idx >= start, log_entries.c.type.in_(sorted(set(types))))
                .order_by(log_entries.c.idx)
            )
            return [entry_row(row) for row in rows]

    def leaves(self, start: int, end: int) -> list[bytes]:
        """The exact leaf bytes with start <= idx < end."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(log_entries.c.leaf)
                .where(log_entries.c.idx >= start, log_entries.c.idx < end)
                .order_by(log_entries.c.idx)
            )
            return [bytes(r[0]) for r in rows]

    def recent(self, limit: int) -> list[EntryRow]:
        """The newest ``limit`` entries, newest first."""
        return all_rows(
            self.engine,
            select(log_entries).order_by(log_entries.c.idx.desc()).limit(limit),
            entry_row,
        )

    def level_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        """Stored hashes at tree ``level`` (0 = leaf hashes, else a multiple of 8).

        Returns the stored prefix of [start, end): fewer hashes when the tree is smaller.
        """
        with self.engine.connect() as conn:
            if level == 0:
                query = (
                    select(log_entries.c.leaf_hash)
                    .where(log_entries.c.idx >= start, log_entries.c.idx < end)
                    .order_by(log_entries.c.idx)
                )
            else:
                query = (
                    select(tree_hashes.c.hash)
                    .where(
                        tree_hashes.c.level == level,
                        tree_hashes.c.idx >= start,
                        tree_hashes.c.idx < end,
                    )
                    .order_by(tree_hashes.c.idx)
                )
            return [bytes(r[0]) for r in conn.execute(query)]

    def latest_checkpoint(self) -> CheckpointRow | None:
        """The checkpoint with the largest size."""
        return first_row(
            self.engine,
            select(checkpoints).order_by(checkpoints.c.size.desc()).limit(1),
            checkpoint_row,
        )

    def checkpoint_at(self, size: int) -> CheckpointRow | None:
        """The checkpoint for ``size``, if one was signed."""
        return first_row(
            self.engine, select(checkpoints).where(checkpoints.c.size == size), checkpoint_row
        )

    def all_checkpoints(self) -> list[CheckpointRow]:
        """Every stored checkpoint, smallest size first."""
        return all_rows(
            self.engine, select(checkpoints).order_by(checkpoints.c.size), checkpoint_row
        )

    def count_entries(self) -> int:
        """How many entry rows exist (should equal the head size)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(log_entries)).scalar_one())

    def author_seqs(self) -> dict[str, int]:
        """Each author's last ``seq`` in the log (from the (author, seq) unique index)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(log_entries.c.author, func.max(log_entries.c.seq)).group_by(
                    log_entries.c.author
                )
            )
            return {author: int(seq) for author, seq in rows}

    def author_last_indexes(self) -> dict[str, int]:
        """Each author's latest entry index in the log (what the census reads as activity)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(log_entries.c.author, func.max(log_entries.c.idx)).group_by(
                    log_entries.c.author
                )
            )
            return {author: int(index) for author, index in rows}

    def projection(self, shared: tuple[str, ...] = ()) -> Iterator[tuple[str, Hashable, Any]]:
        """Every projected row as (table, key, value), in table and key order.

        In the tables whose names start with one of ``shared``, rows whose stored JSON
        is identical share one decoded value (as :meth:`projection_table` with
        ``shared_values``): a million ballots decode a few hundred times, take the
        memory of a few hundred, and a count adds them up by object.
        """
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT tbl, key, value FROM projection_rows ORDER BY tbl, key")
            rows = cursor.fetchall()
            cursor.close()
        finally:
            connection.close()
        loads = orjson.loads
        decoded: dict[str, Any] = {}
        for table, key, value in rows:
            if table.startswith(shared):
                found = decoded.get(value)
                if found is None:
                    found = decoded[value] = loads(value)
                yield table, decode_key_fast(key), found
            else:
                yield table, decode_key_fast(key), loads(value)

    def projection_table(self, name: str, *, shared_values: bool = False) -> dict[Hashable, Any]:
        """One projection table, read straight from the driver's cursor.

        With ``shared_values``, rows whose stored JSON is identical share one decoded
        value: a million ballots with a few hundred distinct texts decode a few
        hundred times (the values must then be treated as read-only).
        """
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            mark = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
            cursor.execute(f"SELECT key, value FROM projection_rows WHERE tbl = {mark}", (name,))
            rows = cursor.fetchall()
            cursor.close()
        finally:
            connection.close()
        loads = orjson.loads
        if not shared_values:
            return {decode_key_fast(key): loads(value) for key, value in rows}
        decoded: dict[str, Any] = {}
        table = {}
        for key, value in rows:
            found = decoded.get(value)
            if found is None:
                found = decoded[value] = loads(value)
            table[decode_key_fast(key)] = found
        return table

    def members_in_standing(self, status: str, role: str | None = None) -> set[str]:
        """The DIDs of members whose record has ``status`` (and holds ``role``, if given).

        The database filters the records, so a million of them are not decoded here:
        the same test as ``governance.turnout.electorate``, which tests hold equal.
        """
        sqlite = self.engine.dialect.name == "sqlite"
        mark = "?" if sqlite else "%s"
        status_of = "p.value ->> '$.status'" if sqlite else "(p.value::jsonb ->> 'status')"
        # the table's name is written out (a constant) so that the database can use the
        # partial index of members' standing (migration 0006) whatever plan it makes
        query = (
            "SELECT p.key FROM projection_rows AS p"
            f" WHERE p.tbl = 'membership.members' AND {status_of} = {mark}"
        )
        if role is not None and sqlite:
            query += (
                " AND EXISTS (SELECT 1 FROM json_each(p.value, '$.roles') AS r"
                f" WHERE r.value = {mark})"
            )
        elif role is not None:
            query += f" AND p.value::jsonb -> 'roles' ? {mark}"
        params = (status,) + ((role,) if role is not None else ())
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(query, params)
            keys = cursor.fetchall()
            cursor.close()
        finally:
            connection.close()
        return {str(decode_key_fast(key)) for (key,) in keys}

    def projection_raw(self) -> list[tuple[str, str, str]]:
        """Every projected row exactly as stored, sorted by (table, key) in code-point order.

        Read through the driver's cursor (plain tuples; a node may hold millions of rows)
        and sorted here, so two stores of different databases compare alike.
        """
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT tbl, key, value FROM projection_rows")
            rows: list[tuple[str, str, str]] = [tuple(row) for row in cursor.fetchall()]
            cursor.close()
        finally:
            connection.close()
        rows.sort()
        return rows

    def all_tree_hashes(self) -> Iterable[tuple[int, int, bytes]]:
        """Every stored complete-subtree hash."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(tree_hashes).order_by(tree_hashes.c.level, tree_hashes.c.idx)
            )
            return [(int(r.level), int(r.idx), bytes(r.hash)) for r in rows]


def write_group(conn: Connection, size: int, group: Group) -> int:
    """Write, on ``conn`` (a transaction holding the head), a group after a log of ``size``
    entries: its entries, the new subtree hashes, the projection's changes, the new head
    and the checkpoint if one is due; the new size."""
    # The hot inserts go straight to the driver's executemany: on this path
    # SQLAlchemy's per-row parameter processing would cost more than the insert.
    if group.entries:
        conn.exec_driver_sql(
            driver_sql(
                conn,
                "INSERT INTO log_entries (idx, leaf, leaf_hash, type, author, seq, "
                "received) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ),
            [
                (e.idx, e.leaf, e.leaf_hash, e.type, e.author, e.seq, e.received)
                for e in group.entries
            ],
        )
    if group.hashes:
        conn.exec_driver_sql(
            driver_sql(conn, "INSERT INTO tree_hashes (level, idx, hash) VALUES (?, ?, ?)"),
            list(group.hashes),
        )
    LogStore._write_changes(conn, group.changes)
    new_size = size + len(group.entries)
    conn.exec_driver_sql(
        driver_sql(conn, "UPDATE log_head SET size = ?, root = ? WHERE id = 1"),
        (new_size, group.root),
    )
    if group.checkpoint is not None:
        LogStore._insert_checkpoint(conn, group.checkpoint)
    return new_size
