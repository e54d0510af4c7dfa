"""The member directory a page at a time, at a cost that does not grow with the node.

Members are listed in a stable order: by the log index of their application (the
founding, for founders), then by DID. The order is kept beside the state and only
extended as members join, so a page is a binary search plus the page's own rows, and
the page's private profiles are read in one query (``LogStore.profiles``). A member who
joins between two page reads sorts after every earlier one, so a client following the
cursor sees everyone exactly once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from commonweal.domain.membership.records import MEMBERS
from commonweal.node.kernel.ordered import Ordered, order_of
from commonweal.node.kernel.service import Node

DEFAULT_PAGE = 100
"""Members per page when the request names no ``limit``."""

MAX_PAGE = 1000
"""The largest ``limit`` a request may ask for (docs/protocol.md)."""

SCAN_BUDGET = 20
"""With a status filter, a page looks at most this many times ``limit`` records: a page
of a rare status may come back short, with a ``next`` cursor to go on from."""

Position = tuple[int, str]
"""Where a member sorts: (application index, DID). A cursor names the last one shown."""


@dataclass(frozen=True)
class Page:
    """The directory entries of one page and the position to go on from, if any."""

    members: list[dict[str, Any]]
    next: Position | None


def _position(did: Hashable, record: dict[str, Any]) -> Position:
    return (int(record["applied"]), str(did))


def _order(node: Node, table: dict[Hashable, Any]) -> Ordered[Position]:
    """The sorted positions of MEMBERS (call under ``node.reading()``): a recovery's
    successor keeps its predecessor's index, so it sorts in place, not last."""
    return order_of(node, MEMBERS, table, _position)


def page(
    node: Node,
    *,
    after: Position | None = None,
    limit: int = DEFAULT_PAGE,
    status: str | None = None,
) -> Page:
    """Up to ``limit`` directory entries after ``after``, with ``status`` if given."""
    with node.reading() as state:
        table = state.tables.get(MEMBERS, {})
        positions = _order(node, table).positions
        start = bisect_right(positions, after) if after is not None else 0
        stop = min(len(positions), start + limit * SCAN_BUDGET)
        picked: list[tuple[str, dict[str, Any]]] = []
        index = start
        while index < stop and len(picked) < limit:
            did = positions[index][1]
            record = table.get(did)
            if record is not None and (status is None or record["status"] == status):
                picked.append((did, record))
            index += 1
        more = index < len(positions)
        last = positions[index - 1] if index > start else after
    profiles = node.store.profiles(_commitment(record) for _did, record in picked)
    members = [_entry(did, record, profiles) for did, record in picked]
    return Page(members, last if more else None)


def counts(node: Node) -> dict[str, int]:
    """How many records the node holds in each status (recounted once per new log entry)."""
    with node.reading() as state:
        table = state.tables.get(MEMBERS, {})
        order = _order(node, table)
        if order.extra.get("counted_at") != node.size:
            tally: dict[str, int] = {}
            for record in table.values():
                tally[record["status"]] = tally.get(record["status"], 0) + 1
            order.extra.update(counts=tally, counted_at=node.size)
        return dict(order.extra["counts"])


def entry(node: Node, did: str, record: dict[str, Any]) -> dict[str, Any]:
    """The directory entry of one member whose record is ``record``."""
    return _entry(did, record, node.store.profiles([_commitment(record)]))


def _commitment(record: dict[str, Any]) -> str:
    return "" if record["erased"] or not record["commitment"] else str(record["commitment"])


def _entry(did: str, record: dict[str, Any], profiles: dict[str, str]) -> dict[str, Any]:
    """A directory entry: the record's public fields, and the name if the member shows it."""
    stored = profiles.get(_commitment(record))
    profile: dict[str, Any] = orjson.loads(stored) if stored is not None else {}
    return {
        "did": did,
        "status": record["status"],
        "roles": record.get("roles", []),
        "applied": record["applied"],
        "admitted": record["admitted"],
        "vouches": record["vouches"],
        "name": profile.get("display_name") if profile.get("show_name") else None,
        "successor": record.get("successor"),
        "predecessor": record.get("predecessor"),
        "moved_to": record.get("moved_to"),
        "moved_from": record.get("moved_from"),
    }


def names_of(node: Node, dids: Iterable[str]) -> dict[str, str]:
    """DID → public name for those of ``dids`` who show one: the records from the state,
    the profiles in one query (a page's people, however many members the node has)."""
    with node.reading() as state:
        table = state.tables.get(MEMBERS, {})
        records = {did: table[did] for did in set(dids) if did in table}
    profiles = node.store.profiles(_commitment(record) for record in records.values())
    named = {did: _entry(did, record, profiles)["name"] for did, record in records.items()}
    return {did: name for did, name in named.items() if name}
