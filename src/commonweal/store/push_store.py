"""Web Push's private tables: members' subscriptions and the push channel's outbox.

Nothing here is in the log. A subscription is one browser of one member (its endpoint is
unique: the same browser subscribing again replaces its keys and owner). The push outbox
keeps one row per (subscription, event key, kind) (a unique constraint), so a push is
recorded at most once per device; the notifier records push rows in the same transaction
as the mail rows and its cursor (:func:`insert_pushes`), so a crash leaves all or none
(docs/notifications.md, "Web Push").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from commonweal.store.schema import push_outbox, push_subscriptions

PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"


@dataclass(frozen=True)
class Subscription:
    """One browser's push subscription (RFC 8030 endpoint, RFC 8291 keys, base64url)."""

    id: int
    did: str
    endpoint: str
    p256dh: str
    auth: str
    created: str


@dataclass(frozen=True)
class PushRow:
    """One recorded push notification, for one subscription."""

    id: int
    subscription: int
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
class NewPush:
    """A push to record (the outbox's columns the notifier chooses)."""

    subscription: int
    recipient: str
    event_key: str
    kind: str
    topic: str
    urgent: bool
    subject: str
    body: str
    path: str
    next_attempt: str


class _Database(Protocol):
    engine: Engine


class PushStore:
    """The Web Push tables of one node's database (``store``: a ``LogStore``, or another
    store of the same database)."""

    def __init__(self, store: _Database) -> None:
        self.engine = store.engine

    # -- subscriptions ---------------------------------------------------------------

    def subscribe(self, did: str, endpoint: str, p256dh: str, auth: str, created: str) -> int:
        """Keep a subscription (replacing the one with the same endpoint); its id."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(push_subscriptions).where(push_subscriptions.c.endpoint == endpoint)
            )
            done = conn.execute(
                insert(push_subscriptions).values(
                    did=did, endpoint=endpoint, p256dh=p256dh, auth=auth, created=created
                )
            )
            key = done.inserted_primary_key
            assert key is not None
            return int(key[0])

    def count_of(self, did: str, *, besides: str) -> int:
        """How many subscriptions ``did`` keeps, not counting the one at ``besides``."""
        table = push_subscriptions.c
        with self.engine.connect() as conn:
            query = (
                select(func.count())
                .select_from(push_subscriptions)
                .where(table.did == did)
                .where(table.endpoint != besides)
            )
            return int(conn.execute(query).scalar() or 0)

    def subscriptions_of(self, did: str) -> list[Subscription]:
        return self.subscriptions_of_many([did]).get(did, [])

    def subscriptions_of_many(self, dids: Iterable[str]) -> dict[str, list[Subscription]]:
        """The subscriptions of those of ``dids`` who keep any, oldest first."""
        wanted = sorted(set(dids))
        found: dict[str, list[Subscription]] = {}
        table = push_subscriptions.c
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                query = (
                    select(push_subscriptions)
                    .where(table.did.in_(wanted[start : start + 500]))
                    .order_by(table.id)
                )
                for row in conn.execute(query):
                    sub = Subscription(**dict(row._mapping))
                    found.setdefault(sub.did, []).append(sub)
        return found

    def subscription(self, subscription_id: int) -> Subscription | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(push_subscriptions).where(push_subscriptions.c.id == subscription_id)
            ).first()
            return None if row is None else Subscription(**dict(row._mapping))

    def remove(self, subscription_id: int, reason: str) -> None:
        """Forget a subscription; its pushes still waiting are ``dropped`` with ``reason``."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(push_subscriptions).where(push_subscriptions.c.id == subscription_id)
            )
            conn.execute(
                update(push_outbox)
                .where(push_outbox.c.subscription == subscription_id)
                .where(push_outbox.c.status == PENDING)
                .values(status=DROPPED, last_error=reason)
            )

    def remove_endpoint(self, did: str, endpoint: str) -> bool:
        """Forget ``did``'s subscription at ``endpoint``; whether there was one."""
        table = push_subscriptions.c
        with self.engine.connect() as conn:
            found = conn.execute(
                select(table.id).where(table.did == did).where(table.endpoint == endpoint)
            ).scalar()
        if found is None:
            return False
        self.remove(int(found), "the member removed this device")
        return True

    def has_any(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(push_subscriptions.c.id).limit(1)).first() is not None

    # -- the outbox ------------------------------------------------------------------

    def due(self, now: str, limit: int = 100) -> list[PushRow]:
        """Pending pushes whose next attempt has come, oldest first."""
        query = (
            select(push_outbox)
            .where(push_outbox.c.status == PENDING)
            .where(push_outbox.c.next_attempt <= now)
            .order_by(push_outbox.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_row(r._mapping) for r in conn.execute(query)]

    def of(self, recipient: str, limit: int = 50) -> list[PushRow]:
        """A member's latest pushes, newest first."""
        query = (
            select(push_outbox)
            .where(push_outbox.c.recipient == recipient)
            .order_by(push_outbox.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_row(r._mapping) for r in conn.execute(query)]

    def all_rows(self) -> list[PushRow]:
        with self.engine.connect() as conn:
            query = select(push_outbox).order_by(push_outbox.c.id)
            return [_row(r._mapping) for r in conn.execute(query)]

    def mark_sent(self, row_id: int, at: str) -> None:
        self._update(row_id, status=SENT, sent_at=at, last_error=None)

    def mark_retry(self, row_id: int, attempts: int, next_attempt: str, error: str) -> None:
        self._update(row_id, attempts=attempts, next_attempt=next_attempt, last_error=error)

    def mark_failed(self, row_id: int, attempts: int, error: str, status: str = FAILED) -> None:
        self._update(row_id, attempts=attempts, status=status, last_error=error)

    def _update(self, row_id: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(push_outbox).where(push_outbox.c.id == row_id).values(**values))

    def erase(self, dids: Iterable[str]) -> int:
        """Erase the subscriptions and pushes of ``dids``; how many members had any."""
        erased = 0
        with self.engine.begin() as conn:
            for did in dids:
                gone = conn.execute(
                    delete(push_subscriptions).where(push_subscriptions.c.did == did)
                ).rowcount
                gone += conn.execute(
                    delete(push_outbox).where(push_outbox.c.recipient == did)
                ).rowcount
                erased += int(gone > 0)
        return erased


def insert_pushes(conn: Connection, pushes: Sequence[NewPush], created: str) -> int:
    """Record, on ``conn`` (the notifier's transaction), every push not yet recorded; how
    many were new."""
    table = push_outbox.c
    keys = sorted({p.event_key for p in pushes})
    recorded: set[tuple[int, str, str]] = set()
    for start in range(0, len(keys), 500):
        query = select(table.subscription, table.event_key, table.kind).where(
            table.event_key.in_(keys[start : start + 500])
        )
        recorded.update((int(s), str(e), str(k)) for s, e, k in conn.execute(query))
    rows = []
    for new in pushes:
        once = (new.subscription, new.event_key, new.kind)
        if once in recorded:
            continue
        recorded.add(once)
        rows.append(
            {
                **{name: getattr(new, name) for name in NewPush.__dataclass_fields__},
                "urgent": int(new.urgent),
                "created": created,
                "attempts": 0,
                "status": PENDING,
            }
        )
    if rows:
        conn.execute(insert(push_outbox), rows)
    return len(rows)


def _row(values: Any) -> PushRow:
    return PushRow(**{**dict(values), "urgent": bool(values["urgent"])})
