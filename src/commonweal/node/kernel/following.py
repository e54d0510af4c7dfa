"""Following the log: applying entries other processes appended, one by one, in order.

Every process serving one store holds the whole state in memory. When another process
appends, this one reads only the entries after its own size and applies them with the
same rules the sequencer used (``replay.apply_event``), so its state, Merkle frontier and
``seq`` counters equal what it would have had by appending them itself. Nothing is
reloaded: a gap of n entries costs n applies, read in chunks of :data:`CHUNK`. Between
appends (:func:`catch_up`) the entries are read before the node's lock is taken, so
neither its reads nor its own appends wait on those queries; under the log's turn
(:func:`follow`, store/sequencer.py) they are read on the turn's connection.

Should a logged entry fail to apply or the frontier disagree with the stored root, the
state is no longer the log's projection: that is a bug or a tampered store, never the
ordinary case, and the node then reloads from the store (logged as an error, counted in
``Node.full_reloads``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from commonweal.core.events import parse_leaf
from commonweal.core.rfc3339 import parse_utc
from commonweal.node.kernel.replay import apply_event
from commonweal.store.log_store import LogStore
from commonweal.store.rows import EntryRow

if TYPE_CHECKING:
    from commonweal.node.kernel.service import Node

log = logging.getLogger(__name__)

CHUNK = 1000
"""Entries read per query while following."""

PREFETCH = 20 * CHUNK
"""Entries read outside the lock before they are applied (a larger gap takes rounds)."""


class EntrySource(Protocol):
    """Where logged entries are read from: the store, a reader of its own, or the turn."""

    def entries(self, start: int, end: int) -> list[EntryRow]: ...

    def latest_checkpoint_size(self) -> int: ...


class DivergedState(RuntimeError):
    """A logged entry did not apply, or the frontier disagrees with the stored root."""


class StoreSource:
    """The node's store as an :class:`EntrySource` (each read on a pooled connection)."""

    def __init__(self, store: LogStore) -> None:
        self.store = store

    def entries(self, start: int, end: int) -> list[EntryRow]:
        return self.store.entries(start, end)

    def latest_checkpoint_size(self) -> int:
        latest = self.store.latest_checkpoint()
        return latest.size if latest else -1


@dataclass
class _Prefetched:
    """Entries already read, from index ``first`` on."""

    first: int
    rows: list[EntryRow]
    checkpoint_size: int

    def entries(self, start: int, end: int) -> list[EntryRow]:
        return self.rows[start - self.first : end - self.first]

    def latest_checkpoint_size(self) -> int:
        return self.checkpoint_size


def catch_up(node: Node, source: EntrySource, size: int, root: bytes) -> int:
    """Bring ``node`` towards the head ``(size, root)`` read from the store: the new entries
    are read *without* the node's lock (its sequencer and its reads go on meanwhile), then
    applied under it, skipping any the node appended itself since. Return how many."""
    start = node.range.size
    if size <= start:
        return 0
    if size - start > PREFETCH:  # a long way behind: this round goes part of the way
        size, root_or_none = start + PREFETCH, None
    else:
        root_or_none = root
    rows: list[EntryRow] = []
    while start + len(rows) < size:
        chunk = source.entries(start + len(rows), min(size, start + len(rows) + CHUNK))
        if not chunk:
            break
        rows += chunk
    prefetched = _Prefetched(start, rows, source.latest_checkpoint_size())
    with node._lock:
        if node.range.size >= start + len(rows):
            return 0
        return follow(node, prefetched, start + len(rows), root_or_none)


def follow(node: Node, source: EntrySource, size: int, root: bytes | None) -> int:
    """Apply the entries ``[node.size, size)`` from ``source`` (the caller holds the node's
    lock), then check the frontier against ``root`` unless None; return how many. Read
    errors propagate with the state whole and as far as it got; a divergence reloads the
    state from the store."""
    start = node.range.size
    if size < start:
        raise DivergedState(f"the stored log holds {size} entries, this process {start}")
    try:
        while node.range.size < size:
            chunk = source.entries(node.range.size, min(size, node.range.size + CHUNK))
            if not chunk:
                raise DivergedState(f"no entries after {node.range.size} below {size}")
            _apply_logged(node, chunk)
        if root is not None and node.range.root() != root:
            raise DivergedState("the entries followed do not match the stored root")
    except DivergedState:
        log.exception("the state diverged from the log; reloading it from the store")
        node.full_reloads += 1
        node._load()
        return node.range.size - start
    if size > start:
        node.checkpoint_size = max(node.checkpoint_size, source.latest_checkpoint_size())
    return size - start


def _apply_logged(node: Node, entries: Sequence[EntryRow]) -> None:
    last: datetime | None = None
    for entry in entries:
        if entry.idx != node.range.size:
            raise DivergedState(f"entry {entry.idx} read where {node.range.size} was expected")
        leaf = parse_leaf(entry.leaf)
        event_type = node.registry.get(leaf.event.type)
        try:
            apply_event(
                node.state,
                leaf.event,
                event_type,
                event_type.parse_body(leaf.event.body),
                index=entry.idx,
                received=leaf.received,
                node_did=node.identity.did,
                node_key=node.identity.key_did,
            )
        except Exception as error:
            raise DivergedState(f"logged entry {entry.idx} did not apply: {error}") from error
        node.range.append(entry.leaf_hash)
        last = parse_utc(leaf.received)
    node.state.clear_journal()  # what others logged is already in the stored projection
    if last is not None:
        node.last_received = max(node.last_received, last)
