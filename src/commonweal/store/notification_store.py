"""The notifications' private tables: the outbox, members' preferences, the notifier's state.

Nothing here is in the log. The outbox keeps one row per (recipient, event key, kind)
(a unique constraint), so a notice is recorded at most once; the notifier records a
batch of notices and moves its cursor in one transaction, so a crash leaves either
both or neither (docs/notifications.md, "The outbox").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from commonweal.store.outbox import (
    Message,
    OutboxStore,
    Recorded,
    erase_members,
    insert_new,
)
from commonweal.store.push_store import NewPush, insert_pushes
from commonweal.store.rows import EntryRow, entry_row
from commonweal.store.schema import (
    log_entries,
    notification_outbox,
    notification_preferences,
    notification_state,
)

_ONCE = ("recipient", "event_key", "kind")
"""The outbox's unique constraint: one notification per (recipient, event key, kind)."""


@dataclass(frozen=True, kw_only=True)
class OutboxRow(Recorded):
    """One recorded notification."""


@dataclass(frozen=True, kw_only=True)
class NewNotification(Message):
    """A notification to record (the outbox's columns the notifier chooses)."""


class NotificationStore(OutboxStore[OutboxRow]):
    """The notification tables of one node's database."""

    outbox = notification_outbox
    row = OutboxRow

    # -- state: the cursor and the key ----------------------------------------------

    def state_value(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return _state(conn, key)

    def put_state_if_absent(self, key: str, value: str) -> str:
        """Keep ``value`` under ``key`` unless one is kept; the kept value either way (two
        processes keeping one at the same moment: the first one's)."""
        try:
            with self.engine.begin() as conn:
                kept = _state(conn, key)
                if kept is not None:
                    return kept
                conn.execute(insert(notification_state).values(key=key, value=value))
                return value
        except IntegrityError:
            with self.engine.connect() as conn:
                return str(_state(conn, key))

    def told(self) -> set[str]:
        """The time-driven keys (``closing:<id>``) whose notices were decided already."""
        with self.engine.connect() as conn:
            keys = conn.execute(
                select(notification_state.c.key).where(notification_state.c.key.like("told:%"))
            ).scalars()
            return {key.removeprefix("told:") for key in keys}

    def record(
        self,
        notifications: Sequence[NewNotification],
        created: str,
        cursor: int,
        told: Iterable[str] = (),
        pushes: Sequence[NewPush] = (),
    ) -> int:
        """Record every notification (mail, and ``pushes``) not yet recorded, move the
        cursor to ``cursor`` and remember the time-driven keys ``told``, in one
        transaction; how many were new."""
        added = 0
        with self.engine.begin() as conn:
            added += insert_pushes(conn, pushes, created)
            for key in told:
                _put_state(conn, f"told:{key}", created)
            added += insert_new(conn, notification_outbox, _ONCE, notifications, created)
            _put_state(conn, "cursor", str(cursor))
        return added

    def entries_of(self, types: Iterable[str], start: int, end: int) -> list[EntryRow]:
        """The log's entries of ``types`` with start <= idx < end, in order: the notifier
        loads no other leaf."""
        table = log_entries.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(log_entries)
                .where(table.idx >= start, table.idx < end, table.type.in_(sorted(set(types))))
                .order_by(table.idx)
            )
            return [entry_row(row) for row in rows]

    # -- the outbox: due, of, all_rows and mark_* are OutboxStore's --------------------

    # -- preferences -----------------------------------------------------------------

    def preferences(self, did: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(
                select(notification_preferences.c.preferences).where(
                    notification_preferences.c.did == did
                )
            ).scalar()

    def preferences_of_many(self, dids: Iterable[str]) -> dict[str, str]:
        """The kept preferences of those of ``dids`` who have any."""
        wanted = sorted(dids)
        found: dict[str, str] = {}
        table = notification_preferences.c
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = select(table.did, table.preferences).where(table.did.in_(chunk))
                found.update({str(did): str(text) for did, text in conn.execute(query)})
        return found

    def put_preferences(self, did: str, preferences: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                delete(notification_preferences).where(notification_preferences.c.did == did)
            )
            conn.execute(insert(notification_preferences).values(did=did, preferences=preferences))

    def erase(self, dids: Iterable[str]) -> int:
        """Erase the preferences and notifications of ``dids``; how many members had any."""
        return erase_members(
            self.engine, dids, notification_preferences.c.did, notification_outbox.c.recipient
        )


def _state(conn: Connection, key: str) -> str | None:
    return conn.execute(
        select(notification_state.c.value).where(notification_state.c.key == key)
    ).scalar()


def _put_state(conn: Connection, key: str, value: str) -> None:
    done = conn.execute(
        update(notification_state).where(notification_state.c.key == key).values(value=value)
    ).rowcount
    if not done:
        conn.execute(insert(notification_state).values(key=key, value=value))
