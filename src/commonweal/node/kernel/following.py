"""Following the log: applying entries other processes appended, one by one, in order.

Every process serving one store holds the whole state in memory. When another process
appends, this one reads only the entries after its own size and applies them with the
same rules the sequencer used (``replay.apply_event``), so its state, Merkle frontier and
``seq`` counters equal what it would have had by appending them itself. Nothing is
reloaded: a gap of n entries costs n applies, read in chunks of :data:`CHUNK`.

Should a logged entry fail to apply or the frontier disagree with the stored root, the
state is no longer the log's projection: that is a bug or a tampered store, never the
ordinary case, and the node then reloads from the store (logged as an error, counted in
``Node.full_reloads``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from commonweal.core.events import parse_leaf
from commonweal.core.rfc3339 import parse_utc
from commonweal.node.kernel.replay import apply_event
from commonweal.store.rows import EntryRow

if TYPE_CHECKING:
    from commonweal.node.kernel.service import Node

log = logging.getLogger(__name__)

CHUNK = 1000
"""Entries read per query while following."""


class EntrySource(Protocol):
    """Where logged entries are read from: the store, or the sequencer's turn."""

    def entries(self, start: int, end: int) -> list[EntryRow]: ...


class DivergedState(RuntimeError):
    """A logged entry did not apply, or the frontier disagrees with the stored root."""


def follow(node: Node, source: EntrySource, size: int, root: bytes) -> int:
    """Apply the entries ``[node.size, size)`` from ``source`` (the caller holds the node's
    sequencer lock); return how many. Read errors propagate with the state whole and as
    far as it got; a divergence reloads the state from the store."""
    start = node.range.size
    if size < start:
        raise DivergedState(f"the stored log holds {size} entries, this process {start}")
    try:
        while node.range.size < size:
            chunk = source.entries(node.range.size, min(size, node.range.size + CHUNK))
            if not chunk:
                raise DivergedState(f"no entries after {node.range.size} below {size}")
            _apply_logged(node, chunk)
        if node.range.root() != root:
            raise DivergedState("the entries followed do not match the stored root")
    except DivergedState:
        log.exception("the state diverged from the log; reloading it from the store")
        node.full_reloads += 1
        node._load()
        return node.range.size - start
    if size > start:
        latest = node.store.latest_checkpoint()
        node.checkpoint_size = max(node.checkpoint_size, latest.size if latest else -1)
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
