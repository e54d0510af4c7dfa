"""Relayed aid messages: private node data, never in the log, erased when a post closes.

The log carries a salted commitment to each message (``aid.message.relayed``);
the text lives only here. Erasing works as for profiles (``LogStore.erase_profiles``):
SQLite's ``secure_delete`` zeroes the freed pages and the WAL is truncated;
PostgreSQL deletes the rows and vacuums the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, or_, select

from commonweal.store.log_store import LogStore
from commonweal.store.rows import insert_once
from commonweal.store.schema import private_messages


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One relayed message as the node keeps it."""

    commitment: str
    post: int
    sender: str
    recipient: str
    message: str


class MessageStore:
    """The ``private_messages`` table of one node's database."""

    def __init__(self, store: LogStore) -> None:
        self.store = store
        self.engine = store.engine

    def put(self, stored: StoredMessage, salt: str) -> None:
        """Keep a message (idempotent for the same commitment)."""
        with self.engine.begin() as conn:
            insert_once(
                conn,
                private_messages,
                ("commitment",),
                commitment=stored.commitment,
                post=stored.post,
                sender=stored.sender,
                recipient=stored.recipient,
                salt=salt,
                message=stored.message,
            )

    def conversation(self, did: str) -> list[StoredMessage]:
        """Every kept message ``did`` sent or received."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(private_messages).where(
                    or_(private_messages.c.sender == did, private_messages.c.recipient == did)
                )
            ).all()
        return [
            StoredMessage(r.commitment, int(r.post), r.sender, r.recipient, r.message) for r in rows
        ]

    def posts(self) -> set[int]:
        """The posts any kept message is about."""
        with self.engine.connect() as conn:
            return {int(r[0]) for r in conn.execute(select(private_messages.c.post).distinct())}

    def commitments(self) -> set[str]:
        """Every kept message's commitment."""
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(select(private_messages.c.commitment))}

    def erase(self, *, posts: Iterable[int] = (), commitments: Iterable[str] = ()) -> int:
        """Delete the messages about ``posts`` and those with ``commitments``, bytes and all."""
        post_ids, digests = sorted(set(posts)), sorted(set(commitments))
        if not post_ids and not digests:
            return 0
        with self.engine.begin() as conn:
            deleted = conn.execute(
                delete(private_messages).where(
                    or_(
                        private_messages.c.post.in_(post_ids),
                        private_messages.c.commitment.in_(digests),
                    )
                )
            ).rowcount
        self.store.scrub(private_messages)
        return int(deleted or 0)
