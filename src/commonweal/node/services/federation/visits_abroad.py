"""Our members admitted as visitors at the nodes we mirror, read from each verified mirror
(their logs say so, not ours).

Each mirrored log is read once, forward, from its newest :data:`VISIT_SCAN` entries: the
app reads up to :data:`START_BUDGET` of them while it starts (``web/app.py``), the sync
round reads whatever was mirrored since (``sync.sync_once``), and a page reads at most
:data:`PAGE_BUDGET` more entries itself, so drawing ``/network`` never waits on a
whole mirror (a node back from a restart with 50 mirrors of 50,000 entries each reads
them in its sync round, and its pages say which mirrors are still being read). An
entry bundle that does not hold the bytes ``federation.visitor.`` is skipped without
being split.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from commonweal.core.events import EventError, parse_leaf
from commonweal.core.tiles import TILE_WIDTH, decode_entry_bundle
from commonweal.domain.federation import visitors as visits
from commonweal.node.services.federation.service import Federation

VISIT_SCAN = 50_000
"""How many of a mirrored log's newest entries are read for our members' visits there."""
PAGE_BUDGET = 64 * TILE_WIDTH
"""The most entries a page reads itself; the sync round reads the rest."""
START_BUDGET = 256 * TILE_WIDTH
"""The most entries the app reads while it starts, before its first page."""
MARKER = b"federation.visitor."


@dataclass
class VisitScan:
    """How far one mirrored log has been read for our members' visits, and what it showed."""

    size: int = 0
    found: dict[str, dict[str, Any]] = field(default_factory=dict)


def scan(federation: Federation, *, budget: int | None = None, wait: bool = True) -> list[str]:
    """Read what each mirror verified since it was last read (at most ``budget`` entries
    in all, every one if None); the origins still not read to their verified size.

    With ``wait`` False, a scan under way elsewhere (the sync round) is not waited for.
    """
    if not federation.visit_lock.acquire(blocking=wait):
        return [
            row.origin
            for row in federation.store.all_mirrors()
            if federation.visit_scans.get(row.origin, VisitScan()).size < row.size
        ]
    me = federation.node.identity.did
    behind = []
    left = budget
    try:
        for row in federation.store.all_mirrors():
            start = max(row.size - VISIT_SCAN, 0)
            found = federation.visit_scans.setdefault(row.origin, VisitScan(size=start))
            end = row.size if left is None else min(row.size, found.size + left)
            if end > found.size:
                if left is not None:
                    left -= end - found.size
                _read(federation, row.origin, found, end, me)
            if found.size < row.size:
                behind.append(row.origin)
    finally:
        federation.visit_lock.release()
    return behind


def visiting_elsewhere(federation: Federation) -> dict[str, Any]:
    """Our members' visits elsewhere as read so far (a page's budget read first), newest
    first, and the names of the nodes whose mirrors are still being read."""
    behind = set(scan(federation, budget=PAGE_BUDGET, wait=False))
    names = {r["origin"]: r["name"] or r["url"] for r in federation.recognitions(in_force=False)}
    found = []
    for row in federation.store.all_mirrors():
        kept = federation.visit_scans.get(row.origin)
        for visit in list(kept.found.values()) if kept else []:
            found.append({**visit, "host": row.did, "host_name": names.get(row.origin, "")})
    found.sort(key=lambda v: v["since"], reverse=True)
    return {"visits": found, "still_reading": sorted(names.get(o, o) for o in behind)}


def _read(federation: Federation, origin: str, found: VisitScan, end: int, me: str) -> None:
    """Read entries [found.size, end) of the mirror of ``origin`` into ``found``."""
    start = found.size
    seen: set[int] = set()
    for index, _width, data in federation.store.bundles(
        origin, start // TILE_WIDTH, -(-end // TILE_WIDTH)
    ):
        if index in seen or MARKER not in data:
            seen.add(index)  # (the widest of a bundle's stored widths comes first)
            continue
        seen.add(index)
        base = index * TILE_WIDTH
        for offset, leaf in enumerate(decode_entry_bundle(data)):
            if not start <= base + offset < end or MARKER not in leaf:
                continue
            _visit(found, leaf, base + offset, me)
    found.size = end


def _visit(found: VisitScan, leaf: bytes, index: int, me: str) -> None:
    try:
        parsed = parse_leaf(leaf)
    except EventError:
        return
    visitor = str(parsed.event.body.get("visitor", ""))
    if parsed.event.type == visits.ADMITTED and parsed.event.body.get("home") == me:
        found.found[visitor] = {
            "visitor": visitor,
            "since": parsed.received,
            "index": index,
            "ended": None,
        }
    elif parsed.event.type == visits.DEPARTED and visitor in found.found:
        found.found[visitor]["ended"] = parsed.received
