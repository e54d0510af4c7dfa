"""A conviction pool's proposals over time: conviction and threshold, read back from the log.

The pool's state holds each proposal's conviction only as of its last stake
change. Its history is in the log: the pool's deposits, its proposals, every
stake set on them, and the payouts and withdrawals. Replaying those bodies (and
nothing else) gives, period by period, the stake on each proposal — so its
conviction, with the domain's own integer algorithm, equal to the state at every
change — and the pool's funds and total stake, so the threshold each proposal
faced. The member count in the threshold's supply floor is today's: membership
history would need the whole log replayed.

A read-side picture for the pool page's chart; nothing here is logged.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from weakref import WeakKeyDictionary

import orjson

from commonweal.core.rfc3339 import format_utc, parse_utc
from commonweal.domain.funding.closing import PROPOSAL_EXECUTED
from commonweal.domain.funding.conviction import (
    D,
    conviction,
    effective_supply,
    round_half_up,
    threshold,
)
from commonweal.domain.funding.pools import (
    POOL_FUNDED,
    PROPOSAL_WITHDRAWN,
    STAKE_SET,
    SUBMITTED,
    active_members,
    period_now,
)
from commonweal.domain.funding.records import OPEN, POOLS, PROPOSALS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services.aid import now

TYPES = (POOL_FUNDED, SUBMITTED, STAKE_SET, PROPOSAL_EXECUTED, PROPOSAL_WITHDRAWN)
SAMPLES = 96
"""Points drawn per curve (besides the stake changes themselves)."""
MAX_AHEAD = 5000
"""The most periods a projection looks ahead."""


@dataclass
class _Track:
    """One proposal's stake changes: (period, stake from then on, conviction then)."""

    amount: int
    changes: list[tuple[int, int, int]] = field(default_factory=list)
    closed: int | None = None

    def conviction_at(self, decay: int, period: int) -> int:
        at = max(bisect_right(self.changes, (period, 1 << 62, 1 << 62)) - 1, 0)
        since, staked, level = self.changes[at]
        return conviction(decay, max(period - since, 0), level, staked)

    def stake(self, decay: int, period: int, staked: int) -> None:
        level = self.conviction_at(decay, period) if self.changes else 0
        self.changes.append((period, staked, level))


_last: WeakKeyDictionary[Node, tuple[tuple[int, int, int], dict[str, Any]]] = WeakKeyDictionary()
"""Per node: the last history worked out, under its (pool, log size, period) — it changes
only when the log grows or a period turns."""


def history(node: Node, pool_id: int) -> dict[str, Any]:
    """Per proposal of the pool (by id as text): its conviction and threshold at sample
    periods, and, while it is open, its conviction ahead at the present stake."""
    at = now(node)
    with node.reading() as state:
        pool = state.get(POOLS, pool_id)
        if pool is None:
            raise Rejected("not_found", "there is no pool %(pool_id)s", pool_id=pool_id)
        records = {int(r["id"]): r for _i, r in state.items(PROPOSALS) if r["pool"] == pool_id}
        members = active_members(state)
        mark = (pool_id, node.size, period_now(pool, at))
    remembered = _last.get(node)
    if remembered is not None and remembered[0] == mark:
        return remembered[1]
    found = _history(node, pool, records, members, at)
    _last[node] = (mark, found)
    return found


def _history(
    node: Node, pool: dict[str, Any], records: dict[int, dict[str, Any]], members: int, at: str
) -> dict[str, Any]:
    decay = pool["decay"]
    tracks, steps = _replay(node, pool, records)
    today = period_now(pool, at)
    supply_cap = pool["stake_per_member"] * members

    def needed(amount: int, period: int) -> int | None:
        index = max(bisect_right(steps, (period, 1 << 62, 1 << 62)) - 1, 0)
        _p, funds, staked = steps[index]
        supply = effective_supply(staked, supply_cap, pool["min_share"])
        found = threshold(decay, pool["max_ratio"], pool["weight"], amount, funds, supply)
        return round_half_up(found) if found is not None else None

    opened = parse_utc(pool["opened_at"])

    def moment(period: int) -> str:
        return format_utc(opened + timedelta(seconds=period * pool["period_seconds"]))

    found: dict[str, Any] = {}
    for proposal_id, track in sorted(tracks.items()):
        if not track.changes:
            continue
        first = track.changes[0][0]
        last = track.closed if track.closed is not None else today
        # the stake changes themselves too, where they are few enough to draw
        changes = [p for p, _s, _c in track.changes] if len(track.changes) <= SAMPLES else []
        periods = _samples(first, last, changes)
        recorded = records[proposal_id]["threshold"]
        points: list[dict[str, Any]] = [
            {
                "period": p,
                "at": moment(p),
                "conviction": track.conviction_at(decay, p),
                # at its payout, the threshold it met (before its funds left the pool)
                "threshold": recorded
                if p == track.closed and recorded
                else needed(track.amount, p),
            }
            for p in periods
        ]
        ahead = []
        if records[proposal_id]["status"] == OPEN:
            staked = track.changes[-1][1]
            level = track.conviction_at(decay, today)
            needed_now: int | None = points[-1]["threshold"]
            span = _ahead(decay, staked, level, needed_now)
            ahead = [
                {
                    "period": today + n,
                    "at": moment(today + n),
                    "conviction": conviction(decay, n, level, staked),
                    "threshold": points[-1]["threshold"],
                }
                for n in _samples(0, span, [])
            ]
        found[str(proposal_id)] = {"points": points, "ahead": ahead}
    return found


def _replay(
    node: Node, pool: dict[str, Any], records: dict[int, dict[str, Any]]
) -> tuple[dict[int, _Track], list[tuple[int, int, int]]]:
    """Each proposal's stake changes, and the pool's (period, funds, total stake) steps."""
    decay = pool["decay"]
    tracks = {pid: _Track(r["amount"]) for pid, r in records.items()}
    stakes: dict[tuple[str, int], int] = {}
    on: dict[int, int] = dict.fromkeys(records, 0)
    funds = staked = 0
    steps = [(0, 0, 0)]

    def release(proposal: int, period: int) -> int:
        freed = 0
        for key in [k for k in stakes if k[1] == proposal]:
            freed += stakes.pop(key)
        on[proposal] = 0
        tracks[proposal].stake(decay, period, 0)
        tracks[proposal].closed = period
        return freed

    for entry in node.store.entries_of_types(TYPES, start=pool["id"]):
        # The store checked every leaf when it was appended: read the body straight out.
        body = orjson.loads(entry.leaf)["event"]["body"]
        period = period_now(pool, entry.received)
        if entry.type == POOL_FUNDED and body["pool"] == pool["id"]:
            funds += body["amount"]
        elif entry.type == SUBMITTED and entry.idx in tracks:
            tracks[entry.idx].stake(decay, period, 0)
            continue
        elif entry.type == STAKE_SET and body["proposal"] in tracks:
            proposal = body["proposal"]
            before = stakes.pop((entry.author, proposal), 0)
            if body["amount"]:
                stakes[(entry.author, proposal)] = body["amount"]
            on[proposal] += body["amount"] - before
            staked += body["amount"] - before
            tracks[proposal].stake(decay, period, on[proposal])
        elif entry.type == PROPOSAL_EXECUTED and body["proposal"] in tracks:
            funds -= tracks[body["proposal"]].amount
            staked -= release(body["proposal"], period)
        elif entry.type == PROPOSAL_WITHDRAWN and body["proposal"] in tracks:
            staked -= release(body["proposal"], period)
        else:
            continue
        steps.append((period, funds, staked))
    return tracks, steps


def _samples(first: int, last: int, keep: list[int]) -> list[int]:
    """About SAMPLES periods from first to last, evenly, with the ones in ``keep``."""
    if last <= first:
        return [first]
    step = max((last - first) // SAMPLES, 1)
    chosen = set(range(first, last, step)) | {last} | {p for p in keep if first <= p <= last}
    return sorted(chosen)


def _ahead(decay: int, staked: int, level: int, needed: int | None) -> int:
    """How many periods ahead to draw: until it passes, or until it has nearly settled."""
    if needed is not None and level >= needed:
        return 0
    alpha = decay / D
    settle = int(math.log(0.02) / math.log(alpha)) + 1 if 0 < alpha < 1 else 1
    horizon = min(settle, MAX_AHEAD)
    if needed is not None:
        low, high = 0, horizon
        if conviction(decay, high, level, staked) >= needed:
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (
                    (low, middle)
                    if conviction(decay, middle, level, staked) >= needed
                    else (middle, high)
                )
            return high + max(high // 10, 1)
    return horizon
