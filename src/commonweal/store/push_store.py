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

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from commonweal.store.outbox import (
    DROPPED,
    PENDING,
    Message,
    OutboxStore,
    Recorded,
    erase_members,
    insert_new,
)
from commonweal.store.schema import push_outbox, push_subscriptions

_ONCE = ("subscription", "event_key", "kind")
"""The push outbox's unique constraint: one push per (subscription, event key, kind)."""


@dataclass(frozen=True)
class Subscription:
    """One browser's push subscription (RFC 8030 endpoint, RFC 8291 keys, base64url)."""

    id: int
    did: str
    endpoint: str
    p256dh: str
    auth: str
    created: str


@dataclass(frozen=True, kw_only=True)
class PushRow(Recorded):
    """One recorded push notification, for one subscription."""

    subscription: int


@dataclass(frozen=True, kw_only=True)
class NewPush(Message):
    """A push to record (the outbox's columns the notifier chooses)."""

    subscription: int


class PushStore(OutboxStore[PushRow]):
    """The Web Push tables of one node's database (``store``: a ``LogStore``, or another
    store of the same database)."""

    outbox = push_outbox
    row = PushRow

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

    # -- the outbox: due, of, all_rows and mark_* are OutboxStore's --------------------

    def erase(self, dids: Iterable[str]) -> int:
        """Erase the subscriptions and pushes of ``dids``; how many members had any."""
        return erase_members(self.engine, dids, push_subscriptions.c.did, push_outbox.c.recipient)


def insert_pushes(conn: Connection, pushes: Sequence[NewPush], created: str) -> int:
    """Record, on ``conn`` (the notifier's transaction), every push not yet recorded; how
    many were new."""
    return insert_new(conn, push_outbox, _ONCE, pushes, created)
