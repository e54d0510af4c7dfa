"""Funding rounds and pools as the node runs them: due events, and what they show.

``run_due`` (called every second by the serving process) closes quadratic-funding
rounds at their closing time with the matches, and pays conviction-pool
proposals whose conviction has reached their threshold. The reads show rounds
with their projects and matches (a preview while open), and pools with each
proposal's conviction and threshold now.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from commonweal.domain.funding import closing
from commonweal.domain.funding.conviction import conviction, round_half_up
from commonweal.domain.funding.pools import (
    active_members,
    conviction_at,
    member_stake,
    period_now,
    threshold_of,
)
from commonweal.domain.funding.records import (
    CLOSED,
    OPEN,
    POOLS,
    PROJECTS,
    PROPOSALS,
    ROUNDS,
    aggregated,
)
from commonweal.domain.state import State
from commonweal.node.kernel.due import Refusals, attempt
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.services.aid import now

HORIZON = 10**6
"""Periods ahead within which a proposal's passing time is estimated."""


_checked: WeakKeyDictionary[Node, tuple[int, tuple[int, ...]]] = WeakKeyDictionary()
"""Per node: the log size and pool periods when proposals were last checked for passing."""


def run_due(node: Node, *, limit: int = 100, refusals: Refusals | None = None) -> list[Receipt]:
    """Log the funding events that are due now (up to ``limit``); return the receipts.

    Conviction changes only when the log does or a pool's period turns, so pool
    proposals are re-checked only then (a check counts the members in standing).
    A refused step is tried again later (``refusals``, node/kernel/due.py) and does not
    hold up the others.
    """
    refusals = refusals or Refusals()
    receipts = []
    for _attempt in range(limit):
        at = now(node)
        with node.reading() as state:
            mark = (node.size, tuple(period_now(p, at) for _i, p in sorted(state.items(POOLS))))
            pending = [
                s
                for s in closing.due(state, at, proposals=_checked.get(node) != mark)
                if not refusals.waiting((s.type, s.id))
            ]
            if not pending:
                _checked[node] = mark
                break
            step = pending[0]
            if step.type == closing.ROUND_CLOSED:
                body: dict[str, Any] = closing.closing_body(state, step.id)
            else:
                body = {"proposal": step.id}
        receipt = attempt(node, refusals, (step.type, step.id), body)
        if receipt is not None:
            receipts.append(receipt)
    return receipts


def rounds(node: Node) -> list[dict[str, Any]]:
    """Every quadratic-funding round and conviction pool, newest first."""
    with node.reading() as state:
        found = [{"kind": "quadratic", **_round_summary(r)} for _i, r in state.items(ROUNDS)]
        found.extend({"kind": "conviction", **r} for _i, r in state.items(POOLS))
    return sorted(found, key=lambda r: -int(r["id"]))


def round_view(node: Node, round_id: int) -> dict[str, Any]:
    """A round with its projects and matches (a preview while it is open), or a pool."""
    at = now(node)
    with node.reading() as state:
        record = state.get(ROUNDS, round_id)
        if record is not None:
            return _round(state, record)
        pool_record = state.get(POOLS, round_id)
        if pool_record is not None:
            return _pool(state, pool_record, at)
    raise Rejected("not_found", "there is no round or pool %(round_id)s", round_id=round_id)


def stakes(node: Node, pool_id: int, did: str) -> dict[str, Any]:
    """A member's stake in a pool: points held, placed, and free."""
    with node.reading() as state:
        pool_record = state.get(POOLS, pool_id)
        if pool_record is None:
            raise Rejected("not_found", "there is no pool %(pool_id)s", pool_id=pool_id)
        mine = member_stake(state, pool_id, did)
    return {
        "pool": pool_id,
        "member": did,
        "points": pool_record["stake_per_member"],
        "placed": mine["total"],
        "free": pool_record["stake_per_member"] - mine["total"],
        "on": mine["on"],
    }


def _round_summary(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key != "result"} | {
        "matched": record["result"]["matched"] if record["result"] else None
    }


def _round(state: State, record: dict[str, Any]) -> dict[str, Any]:
    result = record["result"] if record["status"] == CLOSED else closing.result_of(state, record)
    totals = aggregated(state, record)
    projects = []
    for project_id in record["projects"]:
        entered = state.get(PROJECTS, project_id)
        projects.append(
            {
                **entered,
                "match": result["matches"].get(str(project_id), 0),
                "contributions": totals[str(project_id)],
            }
        )
    return {
        "kind": "quadratic",
        **record,
        "final": record["status"] == CLOSED,
        "result": result,
        "projects": projects,
    }


def _pool(state: State, record: dict[str, Any], at: str) -> dict[str, Any]:
    members = active_members(state)
    proposals = []
    for _id, proposal in sorted(state.items(PROPOSALS), key=lambda item: int(item[1]["id"])):
        if proposal["pool"] != record["id"]:
            continue
        view = dict(proposal)
        if proposal["status"] == OPEN:
            needed = threshold_of(state, record, proposal, members)
            view["conviction"] = conviction_at(record, proposal, at)
            view["threshold"] = round_half_up(needed) if needed is not None else None
            view["passes_in_periods"] = _periods_to_pass(record, proposal, at, needed)
        proposals.append(view)
    return {
        "kind": "conviction",
        **record,
        "members": members,
        "period": period_now(record, at),
        "proposals": proposals,
    }


def _periods_to_pass(
    pool_record: dict[str, Any], proposal: dict[str, Any], at: str, needed: Any
) -> int | None:
    """How many more periods the current stake needs to pass (None: never, or not soon)."""
    if needed is None:
        return None
    start = conviction_at(pool_record, proposal, at)

    def enough(periods: int) -> bool:
        later = conviction(pool_record["decay"], periods, start, proposal["staked"])
        return bool(later >= needed)

    if enough(0):
        return 0
    if not enough(HORIZON):
        return None
    low, high = 0, HORIZON
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if enough(middle) else (middle, high)
    return high
