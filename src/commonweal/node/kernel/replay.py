"""Applying one event to state: the step the live node and ``verify`` share, so they agree."""

from __future__ import annotations

import base64
from typing import Any

from commonweal.core.events import Event, leaf_bytes
from commonweal.core.merkle import leaf_hash
from commonweal.core.work import leading_zero_bits, work_digest
from commonweal.domain.census.records import LAST_ACTIVE
from commonweal.domain.errors import DomainError
from commonweal.domain.governance.writes import admit_write
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State
from commonweal.node.kernel.errors import Rejected

AUTHORS = "log.authors"
"""State table: author DID → the last ``seq`` logged from that author.

It is derived from the log's own columns, so it is not written to the projection
rows: the node rebuilds it at start with one query (``LogStore.author_seqs``).
"""

LAST_INDEX = LAST_ACTIVE
"""State table: author DID → the index of the author's latest event (derived like ``AUTHORS``,
rebuilt at start by ``LogStore.author_last_indexes``; the census counts activity from it)."""

DERIVED_TABLES = frozenset({AUTHORS, LAST_INDEX})
"""State tables that are not persisted as projection rows."""


def apply_event(
    state: State,
    event: Event,
    event_type: EventType[Any],
    body: Any,
    *,
    index: int,
    received: str,
    node_did: str,
    node_key: str,
    digest: bytes | None = None,
) -> None:
    """Check the author's ``seq`` and the type's rule, and record the changes in ``state``.

    ``digest`` is the entry's leaf hash when the caller has it (the rule sees it as
    ``Context.leaf_hash``); otherwise it is computed from the event and ``received``."""
    last_seq = state.get(AUTHORS, event.author, 0)
    if event.seq != last_seq + 1:
        raise Rejected(
            "seq_out_of_order",
            "seq must be %(expected)s for this author (the one after %(last_seq)s); got %(seq)s",
            expected=last_seq + 1,
            last_seq=last_seq,
            seq=event.seq,
        )
    ctx = Context(
        type=event.type,
        author=event.author,
        seq=event.seq,
        at=event.at,
        index=index,
        received=received,
        node_did=node_did,
        node_key=node_key,
        leaf_hash=base64.b64encode(
            digest if digest is not None else leaf_hash(leaf_bytes(event.canonical, received))
        ).decode(),
    )
    try:
        admit_write(state, ctx, lambda: leading_zero_bits(work_digest(event.signing_bytes)))
        event_type.apply(state, ctx, body)
    except DomainError as error:
        raise Rejected.from_error(error) from None
    state.put(AUTHORS, event.author, event.seq)
    state.put(LAST_INDEX, event.author, index)
