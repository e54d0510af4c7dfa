"""The log's turn: one writer at a time across every process on one database.

A process that appends first takes the turn: a transaction that locks the head row
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a write to the head row, which takes
the database's single write lock) and reads the head *after* the lock is granted.
Whoever holds the turn is the log's sequencer until its transaction ends: it applies
what others appended since it last looked (so it never refuses an event for a ``seq``
another process logged), appends its own group and commits, all in that transaction.
On PostgreSQL the commit also notifies every process listening on
:data:`LOG_CHANNEL` (``pg_notify``, delivered only if the transaction commits).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, select

from commonweal.store.log_store import LogStore, write_group
from commonweal.store.rows import CheckpointRow, EntryRow, Group, entry_row
from commonweal.store.schema import log_entries

LOG_CHANNEL = "commonweal_log"
"""The PostgreSQL ``LISTEN`` channel; the payload is the log's new size."""


@dataclass
class Turn:
    """The head as it stood when the turn was granted, and the turn's connection."""

    conn: Connection
    size: int
    root: bytes

    def entries(self, start: int, end: int) -> list[EntryRow]:
        """Entries with start <= idx < end, in order (read under the turn)."""
        return read_entries(self.conn, start, end)

    def latest_checkpoint_size(self) -> int:
        """The size of the newest signed checkpoint (-1: none yet)."""
        return latest_checkpoint_size(self.conn)

    def append(self, group: Group) -> None:
        """Write a group after the head the turn holds; it commits when the turn ends."""
        conn = self.conn
        entries = group.entries
        if entries and entries[0].idx != self.size:
            raise RuntimeError(f"the group starts at {entries[0].idx}, the log is {self.size}")
        self.size = write_group(conn, self.size, group)
        self.root = group.root
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_notify(%s, %s)", (LOG_CHANNEL, str(self.size)))

    def add_checkpoint(self, checkpoint: CheckpointRow) -> None:
        """Store a checkpoint of the head the turn holds."""
        LogStore._insert_checkpoint(self.conn, checkpoint)


def read_entries(conn: Connection, start: int, end: int) -> list[EntryRow]:
    """Entries with start <= idx < end, in order, on ``conn``."""
    rows = conn.execute(
        select(log_entries)
        .where(log_entries.c.idx >= start, log_entries.c.idx < end)
        .order_by(log_entries.c.idx)
    )
    return [entry_row(row) for row in rows]


def latest_checkpoint_size(conn: Connection) -> int:
    """The size of the newest signed checkpoint on ``conn`` (-1: none yet)."""
    size = conn.exec_driver_sql("SELECT max(size) FROM checkpoints").scalar()
    return -1 if size is None else int(size)


@contextmanager
def sequencing(store: LogStore) -> Iterator[Turn]:
    """Hold the log's turn for the block: committed if it ends normally, else rolled back.

    Waits while another process holds it (PostgreSQL's lock wait; SQLite's busy timeout).
    A failed turn drops the writer connection, so a broken one is replaced next time.
    """
    conn = store._writer_connection()
    try:
        with conn.begin():
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("UPDATE log_head SET size = size WHERE id = 1")
                lock = ""
            else:
                lock = " FOR UPDATE"
            size, root = conn.exec_driver_sql(
                "SELECT size, root FROM log_head WHERE id = 1" + lock
            ).one()
            yield Turn(conn, int(size), bytes(root))
    except BaseException:
        store.close_writer()
        raise
