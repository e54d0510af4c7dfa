"""An author's entries, newest first, a page at a time: one query on the (author, seq)
unique index, however long the log or the author's history."""

from __future__ import annotations

from sqlalchemy import Engine, select

from commonweal.store.rows import EntryRow, entry_row
from commonweal.store.schema import log_entries


def entries_by_author(
    engine: Engine, author: str, *, below_seq: int | None, limit: int
) -> list[EntryRow]:
    """Up to ``limit`` of ``author``'s entries with a ``seq`` below ``below_seq`` (None: from
    their latest), highest ``seq`` first."""
    query = select(log_entries).where(log_entries.c.author == author)
    if below_seq is not None:
        query = query.where(log_entries.c.seq < below_seq)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(log_entries.c.seq.desc()).limit(limit))
        return [entry_row(row) for row in rows]
