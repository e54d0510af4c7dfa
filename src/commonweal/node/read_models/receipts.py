"""An author's own entries in the log, newest first: what the log explorer lists as
"my receipts", each of which the page then proves against a signed checkpoint."""

from __future__ import annotations

from commonweal.node.kernel import queries
from commonweal.node.kernel.queries import LoggedEvent
from commonweal.node.kernel.service import Node


def by_author(node: Node, did: str, limit: int = 20) -> list[LoggedEvent]:
    """The newest ``limit`` entries ``did`` signed, found through the author's seq index."""
    found: list[LoggedEvent] = []
    seq = queries.last_seq(node, did)
    while seq > 0 and len(found) < limit:
        entry = node.store.entry_by_author_seq(did, seq)
        if entry is not None:
            found.append(LoggedEvent.from_entry(entry))
        seq -= 1
    return found


def page(node: Node, before: int | None, limit: int = 50) -> list[LoggedEvent]:
    """Up to ``limit`` entries before index ``before`` (default: the newest), newest first."""
    end = node.size if before is None else max(0, min(before, node.size))
    return list(reversed(queries.events_page(node, max(0, end - limit), min(limit, end))))
