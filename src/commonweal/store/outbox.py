"""What the two outboxes share: the mail outbox (``notification_outbox``,
:mod:`commonweal.store.notification_store`) and the Web Push outbox (``push_outbox``,
:mod:`commonweal.store.push_store`).

Each row is one message to one recipient (or one of their devices), recorded before it is
sent and at most once (each table's unique constraint names what "once" means), then due,
retried with backoff, sent, failed or dropped (docs/notifications.md, "The outbox").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import Column, Table, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"


@dataclass(frozen=True, kw_only=True)
class Message:
    """What one outbox row says, and to whom (the columns the notifier chooses)."""

    recipient: str
    event_key: str
    kind: str
    topic: str
    urgent: bool
    subject: str
    body: str
    path: str
    next_attempt: str


@dataclass(frozen=True, kw_only=True)
class Recorded(Message):
    """A recorded message and how its delivery stands."""

    id: int
    created: str
    attempts: int
    status: str
    sent_at: str | None
    last_error: str | None


RowT = TypeVar("RowT", bound=Recorded)


class Database(Protocol):
    """A store of the node's database (a ``LogStore``, or another store of it)."""

    engine: Engine


class OutboxStore(Generic[RowT]):
    """Reading and marking the rows of one outbox table (``outbox``) as ``row`` objects."""

    outbox: ClassVar[Table]
    row: type[RowT]

    def __init__(self, store: Database) -> None:
        self.engine = store.engine

    def due(self, now: str, limit: int = 100) -> list[RowT]:
        """Pending rows whose next attempt has come, oldest first."""
        table = self.outbox.c
        query = (
            select(self.outbox)
            .where(table.status == PENDING)
            .where(table.next_attempt <= now)
            .order_by(table.id)
            .limit(limit)
        )
        return self._rows(query)

    def of(self, recipient: str, limit: int = 50) -> list[RowT]:
        """A member's latest rows, newest first."""
        table = self.outbox.c
        query = (
            select(self.outbox)
            .where(table.recipient == recipient)
            .order_by(table.id.desc())
            .limit(limit)
        )
        return self._rows(query)

    def all_rows(self) -> list[RowT]:
        return self._rows(select(self.outbox).order_by(self.outbox.c.id))

    def mark_sent(self, row_id: int, at: str) -> None:
        self._update(row_id, status=SENT, sent_at=at, last_error=None)

    def mark_retry(self, row_id: int, attempts: int, next_attempt: str, error: str) -> None:
        self._update(row_id, attempts=attempts, next_attempt=next_attempt, last_error=error)

    def mark_failed(self, row_id: int, attempts: int, error: str, status: str = FAILED) -> None:
        self._update(row_id, attempts=attempts, status=status, last_error=error)

    def _update(self, row_id: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(self.outbox).where(self.outbox.c.id == row_id).values(**values))

    def _rows(self, query: Any) -> list[RowT]:
        with self.engine.connect() as conn:
            return [self._row(r._mapping) for r in conn.execute(query)]

    def _row(self, values: Any) -> RowT:
        return self.row(**{**dict(values), "urgent": bool(values["urgent"])})


def insert_new(
    conn: Connection, outbox: Table, once: Sequence[str], news: Sequence[Message], created: str
) -> int:
    """Record in ``outbox``, on ``conn`` (the notifier's transaction), every one of ``news``
    not yet recorded (``once``: the columns of the table's unique constraint); how many
    were new."""
    table = outbox.c
    keys = sorted({n.event_key for n in news})
    recorded: set[tuple[Any, ...]] = set()
    for start in range(0, len(keys), 500):
        query = select(*(table[name] for name in once)).where(
            table.event_key.in_(keys[start : start + 500])
        )
        recorded.update(tuple(row) for row in conn.execute(query))
    rows = []
    for new in news:
        key = tuple(getattr(new, name) for name in once)
        if key in recorded:
            continue
        recorded.add(key)
        rows.append(
            {
                **{field.name: getattr(new, field.name) for field in fields(new)},
                "urgent": int(new.urgent),
                "created": created,
                "attempts": 0,
                "status": PENDING,
            }
        )
    if rows:
        conn.execute(insert(outbox), rows)
    return len(rows)


def erase_members(engine: Engine, dids: Iterable[str], *columns: Column[str]) -> int:
    """Delete, for each of ``dids``, the rows whose ``columns`` name them (each column of
    its own table), in one transaction; how many members had any."""
    erased = 0
    with engine.begin() as conn:
        for did in dids:
            gone = sum(
                conn.execute(delete(column.table).where(column == did)).rowcount
                for column in columns
            )
            erased += int(gone > 0)
    return erased
