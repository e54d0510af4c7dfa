"""Waiting for other processes' appends: PostgreSQL ``LISTEN`` on the log's channel.

Every append on PostgreSQL notifies :data:`~commonweal.store.sequencer.LOG_CHANNEL` with
the log's new size when it commits (store/sequencer.py). A :class:`LogListener` holds
one connection of its own (autocommit, outside the pool) listening on it and calls
``wake`` for each notification, and once after every (re)connection, since
notifications sent while it was not listening are not kept. A lost connection is opened
again after :data:`RECONNECT_SECONDS`; meanwhile the follower's poll keeps going.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Connection, Engine

from commonweal.store.rows import EntryRow
from commonweal.store.sequencer import LOG_CHANNEL, latest_checkpoint_size, read_entries

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 1.0
WAIT_SECONDS = 1.0
"""How long one wait for notifications lasts before the stop flag is looked at again."""


def can_listen(engine: Engine) -> bool:
    """Whether the store sends notifications (PostgreSQL) or must be polled (SQLite)."""
    return engine.dialect.name == "postgresql"


class LogListener:
    """Calls ``wake`` whenever another process may have appended, until ``stop`` is set."""

    def __init__(self, engine: Engine, wake: Callable[[], None]) -> None:
        self.conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self.wake = wake
        self.connected = False

    def run(self, stop: threading.Event) -> None:
        """Listen until ``stop`` is set (the body of a daemon thread)."""
        import psycopg  # the postgres extra; only reached with a PostgreSQL store

        while not stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {LOG_CHANNEL}")
                    self.connected = True
                    self.wake()  # whatever was appended while nobody listened
                    while not stop.is_set():
                        for _notification in conn.notifies(timeout=WAIT_SECONDS):
                            self.wake()
            except psycopg.Error as error:
                if self.connected:
                    log.warning("lost the log notifications", extra={"error": str(error)})
                self.connected = False
                stop.wait(RECONNECT_SECONDS)
        self.connected = False


class LogReader:
    """Reads the log's head and new entries on a connection of its own (autocommit: one
    round trip a query, no pool check-out), opened again after an error."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    def head(self) -> tuple[int, bytes]:
        """The log's committed size and root now."""
        try:
            query = "SELECT size, root FROM log_head WHERE id = 1"
            size, root = self._connection().exec_driver_sql(query).one()
            return int(size), bytes(root)
        except Exception:
            self.close()
            raise

    def entries(self, start: int, end: int) -> list[EntryRow]:
        """Entries with start <= idx < end, in order."""
        try:
            return read_entries(self._connection(), start, end)
        except Exception:
            self.close()
            raise

    def latest_checkpoint_size(self) -> int:
        """The size of the newest signed checkpoint (-1: none yet)."""
        try:
            return latest_checkpoint_size(self._connection())
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        """Release the connection."""
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                log.debug("closing the log reader's connection failed", exc_info=True)
            self._conn = None
