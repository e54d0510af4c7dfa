"""An author's own entries in the log, newest first: what the log explorer lists as
"my receipts", each of which the page then proves against a signed checkpoint."""

from __future__ import annotations

from commonweal.node.kernel import queries
from commonweal.node.kernel.queries import LoggedEvent
from commonweal.node.kernel.service import Node
from commonweal.store.author_entries import entries_by_author


def by_author(
    node: Node, did: str, limit: int = 20, *, below_seq: int | None = None
) -> list[LoggedEvent]:
    """The newest ``limit`` entries ``did`` signed (with a ``seq`` below ``below_seq``, if
    given), in one query on the author's seq index."""
    rows = entries_by_author(node.store.engine, did, below_seq=below_seq, limit=limit)
    return [LoggedEvent.from_entry(row) for row in rows]


def page(node: Node, before: int | None, limit: int = 50) -> list[LoggedEvent]:
    """Up to ``limit`` entries before index ``before`` (default: the newest), newest first."""
    end = node.size if before is None else max(0, min(before, node.size))
    return list(reversed(queries.events_page(node, max(0, end - limit), min(limit, end))))
