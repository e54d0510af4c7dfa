"""The node's own funding events: a round closes with its matches, a proposal passes.

Both are authored by the node when the log's receipt times make them due, and
both are determined by the log: the closing event carries every match, which the
rule recomputes from the contributions and refuses if any differs (a closing that
says ``"recount": 2`` is recounted with exact plain subsidies; one without it, as
every closing logged before that change, with the earlier rounded roots); a proposal is
executed only if, at the event's receipt time, its conviction has reached its
threshold. ``verify`` therefore re-decides every round and every payout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.funding import fields, money
from commonweal.domain.funding.conviction import round_half_up
from commonweal.domain.funding.pools import (
    active_members,
    conviction_at,
    period_now,
    release_stakes,
    require_open_proposal,
    threshold_of,
)
from commonweal.domain.funding.postings import to_ledger
from commonweal.domain.funding.quadratic import (
    match,
    pairwise_subsidies,
    plain_subsidies,
    rounded_plain_subsidies,
)
from commonweal.domain.funding.records import (
    CLOSED,
    EXECUTED,
    OPEN,
    PAIRWISE,
    POOLS,
    PROJECTS,
    PROPOSALS,
    ROUNDS,
    aggregated,
    funding_round,
    pool,
    proposal,
)
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.timestamps import reached

ROUND_CLOSED = "funding.round.closed"
PROPOSAL_EXECUTED = "funding.proposal.executed"

RECOUNT = 2
"""The recount the node states in the closings it writes: 2 is exact plain subsidies.
A closing without ``"recount"`` is version 1, the rounded roots logged before it."""
RECOUNTS = (1, RECOUNT)


@dataclass(frozen=True, slots=True)
class Due:
    """A funding event the node should log now, and what it concerns."""

    type: str
    id: int


def result_of(state: State, record: dict[str, Any], recount: int = RECOUNT) -> dict[str, Any]:
    """A round's matches as the closing event states them (recomputed from the contributions)."""
    totals = aggregated(state, record)
    counted = {
        project: {did: amount for did, amount in amounts.items() if amount >= record["minimum"]}
        for project, amounts in totals.items()
    }
    if record["method"] == PAIRWISE:
        subsidies = pairwise_subsidies(counted, record["m"])
    elif recount == 1:
        subsidies = rounded_plain_subsidies(counted)
    else:
        subsidies = plain_subsidies(counted)
    matching = match(
        subsidies, record["pool"], cap=record["cap"], spend_whole_pool=record["spend_whole_pool"]
    )
    return {
        "matches": {p: matching.matches[p] for p in sorted(matching.matches, key=int)},
        "matched": matching.total,
        "saturated": matching.saturated,
    }


def closing_body(state: State, round_id: int) -> dict[str, Any]:
    """The ``funding.round.closed`` body the node logs for a round that is due."""
    record = funding_round(state, round_id)
    return {"round": round_id, "result": result_of(state, record), "recount": RECOUNT}


def parse_close(body: Mapping[str, Any]) -> tuple[int, dict[str, Any], int]:
    """``{"round": id, "result": {"matches": {project: amount}, "matched", "saturated"},
    "recount"?: 2}`` (no ``recount``: version 1)."""
    fields.only(body, {"round", "result", "recount"}, {"round", "result"})
    if not isinstance(body["result"], dict):
        raise InvalidBody("result must be an object")
    recount = body.get("recount", 1)
    if type(recount) is not int or recount not in RECOUNTS:
        raise InvalidBody(
            "recount must be one of %(recounts)s", recounts=", ".join(map(str, RECOUNTS))
        )
    return fields.ref(body, "round"), dict(body["result"]), recount


def apply_close(state: State, ctx: Context, close: tuple[int, dict[str, Any], int]) -> None:
    """The node closes a round at its closing time; its matches must be the recount."""
    require_node_key(ctx, when="the log says it is due")
    round_id, claimed, recount = close
    record = funding_round(state, round_id)
    if record["status"] != OPEN:
        raise Conflict(
            "round %(round_id)s is already closed", round_id=round_id, code="round_closed"
        )
    if not reached(ctx.received, record["closes"]):
        raise Conflict(
            "round %(round_id)s runs until %(closes)s",
            round_id=round_id,
            closes=record["closes"],
            code="too_early",
        )
    result = result_of(state, record, recount)
    if claimed != result:
        raise Conflict(
            "the result does not match the recount of round %(round_id)s: %(result)s",
            round_id=round_id,
            result=result,
            code="result_mismatch",
        )
    state.put(
        ROUNDS,
        round_id,
        {**record, "status": CLOSED, "closed_at": ctx.received, "result": result},
    )
    beneficiaries = {str(p): state.get(PROJECTS, p)["beneficiary"] for p in record["projects"]}
    to_ledger(
        state,
        ctx,
        money.closing_postings(record, beneficiaries, result["matches"]),
        kind="round",
        ref=round_id,
        memo=f"round {round_id} closed: matches paid",
    )


def parse_execution(body: Mapping[str, Any]) -> int:
    """``{"proposal": id}``."""
    return fields.sole_ref(body, "proposal")


def apply_execution(state: State, ctx: Context, proposal_id: int) -> None:
    """The node pays a proposal whose conviction has reached its threshold."""
    require_node_key(ctx, when="the log says it is due")
    record = proposal(state, proposal_id)
    require_open_proposal(record, proposal_id)
    pool_record = pool(state, record["pool"])
    now = conviction_at(pool_record, record, ctx.received)
    needed = threshold_of(state, pool_record, record)
    if needed is None or now < needed:
        shown = "never (it asks too much of the funds)" if needed is None else round_half_up(needed)
        raise Conflict(
            "proposal %(proposal_id)s has conviction %(now)s; it needs %(shown)s",
            proposal_id=proposal_id,
            now=now,
            shown=shown,
            code="too_early",
        )
    state.put(
        PROPOSALS,
        proposal_id,
        {
            **record,
            "conviction": now,
            "period": period_now(pool_record, ctx.received),
            "threshold": round_half_up(needed),
        },
    )
    release_stakes(state, ctx, proposal_id)
    state.put(
        PROPOSALS,
        proposal_id,
        {**proposal(state, proposal_id), "status": EXECUTED, "closed_at": ctx.received},
    )
    pool_record = pool(state, record["pool"])
    state.put(
        POOLS,
        pool_record["id"],
        {
            **pool_record,
            "funds": pool_record["funds"] - record["amount"],
            "paid": pool_record["paid"] + record["amount"],
        },
    )
    to_ledger(
        state, ctx, money.payout_postings(pool_record, record), kind="pool", ref=pool_record["id"]
    )


def passes(state: State, record: dict[str, Any], now: str, members: int | None = None) -> bool:
    """Whether an open pool proposal would pass at ``now``."""
    pool_record = pool(state, record["pool"])
    needed = threshold_of(state, pool_record, record, members)
    return needed is not None and conviction_at(pool_record, record, now) >= needed


def due(state: State, now: str, *, proposals: bool = True) -> list[Due]:
    """Rounds past their closing time, then (unless ``proposals`` is false) pool proposals
    whose conviction has reached their threshold, each by id."""
    found = [
        Due(ROUND_CLOSED, round_id)
        for round_id in sorted(
            int(record["id"])
            for _id, record in state.items(ROUNDS)
            if record["status"] == OPEN and reached(now, record["closes"])
        )
    ]
    open_proposals = sorted(
        (int(record["id"]), record)
        for _id, record in state.items(PROPOSALS)
        if proposals and record["status"] == OPEN
    )
    if open_proposals:
        members = active_members(state)
        found.extend(
            Due(PROPOSAL_EXECUTED, proposal_id)
            for proposal_id, record in open_proposals
            if passes(state, record, now, members)
        )
    return found


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        ROUND_CLOSED,
        "The node closes a round with every project's match.",
        parse_close,
        apply_close,
    ),
    EventType(
        PROPOSAL_EXECUTED,
        "The node pays a pool proposal whose conviction reached its threshold.",
        parse_execution,
        apply_execution,
    ),
)
