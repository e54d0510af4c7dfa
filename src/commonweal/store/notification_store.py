"""The notifications' private tables: the outbox, members' preferences, the notifier's state.

Nothing here is in the log. The outbox keeps one row per (recipient, event key, kind)
(a unique constraint), so a notice is recorded at most once; the notifier records a
batch of notices and moves its cursor in one transaction, so a crash leaves either
both or neither (docs/notifications.md, "The outbox").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from commonweal.store.log_store import LogStore
from commonweal.store.push_store import NewPush, insert_pushes
from commonweal.store.rows import EntryRow, entry_row
from commonweal.store.schema import (
    log_entries,
    notification_outbox,
    notification_preferences,
    notification_state,
)

PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"


@dataclass(frozen=True)
class OutboxRow:
    """One recorded notification."""

    id: int
    recipient: str
    event_key: str
    kind: str
    topic: str
    urgent: bool
    subject: str
    body: str
    path: str
    created: str
    next_attempt: str
    attempts: int
    status: str
    sent_at: str | None
    last_error: str | None


@dataclass(frozen=True)
class NewNotification:
    """A notification to record (the outbox's columns the notifier chooses)."""

    recipient: str
    event_key: str
    kind: str
    topic: str
    urgent: bool
    subject: str
    body: str
    path: str
    next_attempt: str


class NotificationStore:
    """The notification tables of one node's database."""

    def __init__(self, store: LogStore) -> None:
        self.engine = store.engine

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
            recorded = _recorded(conn, {n.event_key for n in notifications})
            rows = []
            for new in notifications:
                once = (new.recipient, new.event_key, new.kind)
                if once in recorded:
                    continue
                recorded.add(once)
                rows.append(
                    {
                        "recipient": new.recipient,
                        "event_key": new.event_key,
                        "kind": new.kind,
                        "topic": new.topic,
                        "urgent": int(new.urgent),
                        "subject": new.subject,
                        "body": new.body,
                        "path": new.path,
                        "created": created,
                        "next_attempt": new.next_attempt,
                        "attempts": 0,
                        "status": PENDING,
                    }
                )
            if rows:
                conn.execute(insert(notification_outbox), rows)
            added += len(rows)
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

    # -- the outbox ------------------------------------------------------------------

    def due(self, now: str, limit: int = 100) -> list[OutboxRow]:
        """Pending notifications whose next attempt has come, oldest first."""
        query = (
            select(notification_outbox)
            .where(notification_outbox.c.status == PENDING)
            .where(notification_outbox.c.next_attempt <= now)
            .order_by(notification_outbox.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_row(r._mapping) for r in conn.execute(query)]

    def of(self, recipient: str, limit: int = 50) -> list[OutboxRow]:
        """A member's latest notifications, newest first."""
        query = (
            select(notification_outbox)
            .where(notification_outbox.c.recipient == recipient)
            .order_by(notification_outbox.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_row(r._mapping) for r in conn.execute(query)]

    def all_rows(self) -> list[OutboxRow]:
        with self.engine.connect() as conn:
            query = select(notification_outbox).order_by(notification_outbox.c.id)
            return [_row(r._mapping) for r in conn.execute(query)]

    def mark_sent(self, row_id: int, at: str) -> None:
        self._update(row_id, status=SENT, sent_at=at, last_error=None)

    def mark_retry(self, row_id: int, attempts: int, next_attempt: str, error: str) -> None:
        self._update(row_id, attempts=attempts, next_attempt=next_attempt, last_error=error)

    def mark_failed(self, row_id: int, attempts: int, error: str, status: str = FAILED) -> None:
        self._update(row_id, attempts=attempts, status=status, last_error=error)

    def _update(self, row_id: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(notification_outbox)
                .where(notification_outbox.c.id == row_id)
                .values(**values)
            )

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
        erased = 0
        with self.engine.begin() as conn:
            for did in dids:
                gone = conn.execute(
                    delete(notification_preferences).where(notification_preferences.c.did == did)
                ).rowcount
                gone += conn.execute(
                    delete(notification_outbox).where(notification_outbox.c.recipient == did)
                ).rowcount
                erased += int(gone > 0)
        return erased


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


def _recorded(conn: Connection, event_keys: Iterable[str]) -> set[tuple[str, str, str]]:
    """(recipient, event key, kind) of every row already recorded for ``event_keys``."""
    table = notification_outbox.c
    keys = sorted(set(event_keys))
    found: set[tuple[str, str, str]] = set()
    for start in range(0, len(keys), 500):
        query = select(table.recipient, table.event_key, table.kind).where(
            table.event_key.in_(keys[start : start + 500])
        )
        found.update((str(r), str(e), str(k)) for r, e, k in conn.execute(query))
    return found


def _row(values: Any) -> OutboxRow:
    return OutboxRow(**{**dict(values), "urgent": bool(values["urgent"])})
