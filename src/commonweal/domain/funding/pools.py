"""Conviction-voting pools: opening one, depositing, proposing, staking, withdrawing.

Every member in good standing holds ``stake_per_member`` points in a pool and
spreads them over its open proposals as they like, moving them at any time. A
proposal's conviction is brought up to date (in whole periods since the pool
opened, by the node's receipt times) whenever its stake changes, and the node
pays it out once its conviction reaches its threshold (``closing``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.fields import optional_text, required_text
from commonweal.domain.funding import fields, money
from commonweal.domain.funding.conviction import D, conviction, effective_supply, threshold
from commonweal.domain.funding.postings import money_unit, to_ledger
from commonweal.domain.funding.records import (
    OPEN,
    POOLS,
    PROPOSALS,
    STAKES,
    STATUS_WORDS,
    WITHDRAWN,
    periods_between,
    pool,
    proposal,
    stake_key,
)
from commonweal.domain.membership.records import (
    ACTIVE,
    MEMBERS,
    did_member,
    require_active_member,
    require_permission,
)
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State
from commonweal.domain.words import WP_

POOL_OPENED = "funding.pool.opened"
POOL_FUNDED = "funding.pool.funded"
SUBMITTED = "funding.proposal.submitted"
STAKE_SET = "funding.stake.set"
PROPOSAL_WITHDRAWN = "funding.proposal.withdrawn"
DEFAULTS = {
    "decay": 9904191,  # α = 0.5^(1/72): conviction halves in 72 hourly periods (3 days)
    "max_ratio": 2_000_000,  # β = 0.2: no request above a fifth of the funds
    "weight": 20_000,  # ρ = 0.002 (1Hive's default)
    "min_share": 2_000_000,  # the supply counts at least a fifth of all points
    "period_seconds": 3600,
    "stake_per_member": 1000,
}


def parse_pool(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"title", "description"?, "unit", …parameters}`` (defaults: :data:`DEFAULTS`)."""
    fields.only(body, {"title", "description", "unit", *DEFAULTS}, {"title", "unit"})
    params = {name: body.get(name, default) for name, default in DEFAULTS.items()}
    for name in DEFAULTS:
        fields.amount(params, name, minimum=0 if name == "decay" else 1)
    if params["decay"] >= D:
        raise InvalidBody("decay is α·10⁷ and must be below %(most)s", most=D)
    if params["max_ratio"] > D or params["min_share"] > D:
        raise InvalidBody("max_ratio and min_share are shares·10⁷, at most %(most)s", most=D)
    return {
        "title": required_text(body, "title", max_length=200),
        "description": optional_text(body, "description", max_length=5000),
        "unit": fields.unit(body),
        **params,
    }


def apply_pool(state: State, ctx: Context, params: dict[str, Any]) -> None:
    """A holder of ``funding.rounds`` opens a conviction pool in a unit the node declared."""
    require_permission(state, ctx, "funding.rounds")
    money_unit(state, params["unit"])
    state.put(
        POOLS,
        ctx.index,
        {
            "id": ctx.index,
            "author": ctx.author,
            **params,
            "opened_at": ctx.received,
            "status": OPEN,
            "funds": 0,
            "staked": 0,
            "paid": 0,
        },
    )


def parse_deposit(body: Mapping[str, Any]) -> tuple[int, int]:
    """``{"pool": id, "amount": minor units}``."""
    return fields.ref_and_amount(body, "pool")


def apply_deposit(state: State, ctx: Context, deposit: tuple[int, int]) -> None:
    """A member adds funds to a pool."""
    pool_id, amount = deposit
    require_active_member(state, ctx.author, WP_("to do", "fund a pool"))
    record = pool(state, pool_id)
    state.put(POOLS, pool_id, {**record, "funds": record["funds"] + amount})
    to_ledger(
        state, ctx, money.deposit_postings(record, ctx.author, amount), kind="pool", ref=pool_id
    )


@dataclass(frozen=True, slots=True)
class Submission:
    """Body of ``funding.proposal.submitted``."""

    pool: int
    title: str
    description: str
    amount: int
    beneficiary: str | None


def parse_submission(body: Mapping[str, Any]) -> Submission:
    """``{"pool", "title", "description"?, "amount", "beneficiary"?}``."""
    keys = {"pool", "title", "description", "amount", "beneficiary"}
    fields.only(body, keys, {"pool", "title", "amount"})
    return Submission(
        fields.ref(body, "pool"),
        required_text(body, "title", max_length=200),
        optional_text(body, "description", max_length=5000),
        fields.amount(body, "amount"),
        did_member(dict(body), "beneficiary") if "beneficiary" in body else None,
    )


def apply_submission(state: State, ctx: Context, submission: Submission) -> None:
    """A member asks a pool for funds."""
    require_active_member(state, ctx.author, WP_("to do", "submit a proposal"))
    record = pool(state, submission.pool)
    beneficiary = submission.beneficiary or ctx.author
    require_active_member(state, beneficiary, WP_("to do", "receive a pool's funds"))
    state.put(
        PROPOSALS,
        ctx.index,
        {
            "id": ctx.index,
            "pool": submission.pool,
            "author": ctx.author,
            "beneficiary": beneficiary,
            "title": submission.title,
            "description": submission.description,
            "amount": submission.amount,
            "submitted_at": ctx.received,
            "status": OPEN,
            "staked": 0,
            "stakes": {},
            "conviction": 0,
            "period": period_now(record, ctx.received),
            "closed_at": None,
            "threshold": None,
        },
    )


def parse_stake(body: Mapping[str, Any]) -> tuple[int, int]:
    """``{"proposal": id, "amount": points}`` (0 takes the stake off)."""
    return fields.ref_and_amount(body, "proposal", minimum=0)


def apply_stake(state: State, ctx: Context, stake: tuple[int, int]) -> None:
    """A member sets their stake on a proposal; its conviction is brought up to now first."""
    proposal_id, amount = stake
    require_active_member(state, ctx.author, WP_("to do", "stake"))
    record = proposal(state, proposal_id)
    require_open_proposal(record, proposal_id)
    pool_record = pool(state, record["pool"])
    mine = member_stake(state, record["pool"], ctx.author)
    before = mine["on"].get(str(proposal_id), 0)
    total = mine["total"] - before + amount
    if total > pool_record["stake_per_member"]:
        raise Conflict(
            "you hold %(stake_per_member)s points in this pool and have %(elsewhere)s on other "
            "proposals",
            stake_per_member=pool_record["stake_per_member"],
            elsewhere=mine["total"] - before,
            code="over_stake",
        )
    set_stake(state, ctx, pool_record, record, ctx.author, amount)


def parse_withdrawal(body: Mapping[str, Any]) -> int:
    """``{"proposal": id}``."""
    return fields.sole_ref(body, "proposal")


def apply_withdrawal(state: State, ctx: Context, proposal_id: int) -> None:
    """Its author withdraws an open proposal; every stake on it is freed."""
    require_active_member(state, ctx.author, WP_("to do", "withdraw a proposal"))
    record = proposal(state, proposal_id)
    if record["author"] != ctx.author:
        raise NotPermitted("only the proposal's author may withdraw it", code="not_author")
    require_open_proposal(record, proposal_id)
    release_stakes(state, ctx, proposal_id)
    state.put(
        PROPOSALS,
        proposal_id,
        {**proposal(state, proposal_id), "status": WITHDRAWN, "closed_at": ctx.received},
    )


# -- shared with closing ----------------------------------------------------------------


def require_open_proposal(record: dict[str, Any], proposal_id: int) -> None:
    """``proposal_closed`` unless the proposal is still open."""
    if record["status"] != OPEN:
        raise Conflict(
            "proposal %(proposal_id)s is %(status)s",
            proposal_id=proposal_id,
            status=STATUS_WORDS.get(record["status"], record["status"]),
            code="proposal_closed",
        )


def period_now(pool_record: dict[str, Any], now: str) -> int:
    """The period of the pool that ``now`` falls in."""
    return periods_between(pool_record["opened_at"], now, pool_record["period_seconds"])


def conviction_at(pool_record: dict[str, Any], record: dict[str, Any], now: str) -> int:
    """A proposal's conviction at ``now``, from its last update and its stake since."""
    periods = period_now(pool_record, now) - record["period"]
    return conviction(pool_record["decay"], max(periods, 0), record["conviction"], record["staked"])


def threshold_of(
    state: State, pool_record: dict[str, Any], record: dict[str, Any], members: int | None = None
) -> Fraction | None:
    """The conviction a proposal needs now (None: it asks too much of the funds to pass).

    ``members`` is the number of members in good standing, if already counted.
    """
    if members is None:
        members = active_members(state)
    supply = effective_supply(
        pool_record["staked"], pool_record["stake_per_member"] * members, pool_record["min_share"]
    )
    return threshold(
        pool_record["decay"],
        pool_record["max_ratio"],
        pool_record["weight"],
        record["amount"],
        pool_record["funds"],
        supply,
    )


def active_members(state: State) -> int:
    """How many members are in good standing (each holds ``stake_per_member`` points)."""
    return sum(1 for _did, m in state.items(MEMBERS) if m["status"] == ACTIVE)


def member_stake(state: State, pool_id: int, did: str) -> dict[str, Any]:
    """A member's stake in a pool: ``{"total", "on": {proposal id: points}}``."""
    found: dict[str, Any] = state.get(STAKES, stake_key(pool_id, did)) or {"total": 0, "on": {}}
    return found


def set_stake(
    state: State,
    ctx: Context,
    pool_record: dict[str, Any],
    record: dict[str, Any],
    did: str,
    amount: int,
) -> None:
    """Put ``amount`` of ``did``'s points on a proposal, updating its conviction to now."""
    key = str(record["id"])
    mine = member_stake(state, record["pool"], did)
    before = mine["on"].get(key, 0)
    on = {k: v for k, v in sorted({**mine["on"], key: amount}.items()) if v > 0}
    total = mine["total"] - before + amount
    if total:
        state.put(STAKES, stake_key(record["pool"], did), {"total": total, "on": on})
    else:
        state.delete(STAKES, stake_key(record["pool"], did))
    stakes = {k: v for k, v in sorted({**record["stakes"], did: amount}.items()) if v > 0}
    state.put(
        PROPOSALS,
        record["id"],
        {
            **record,
            "conviction": conviction_at(pool_record, record, ctx.received),
            "period": period_now(pool_record, ctx.received),
            "staked": record["staked"] - before + amount,
            "stakes": stakes,
        },
    )
    state.put(
        POOLS, pool_record["id"], {**pool_record, "staked": pool_record["staked"] - before + amount}
    )


def release_stakes(state: State, ctx: Context, proposal_id: int) -> None:
    """Take every stake off a proposal (it passed or was withdrawn)."""
    for did in list(proposal(state, proposal_id)["stakes"]):
        record = proposal(state, proposal_id)
        set_stake(state, ctx, pool(state, record["pool"]), record, did, 0)


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(POOL_OPENED, "A conviction-voting pool opens.", parse_pool, apply_pool),
    EventType(POOL_FUNDED, "A member adds funds to a pool.", parse_deposit, apply_deposit),
    EventType(SUBMITTED, "A member asks a pool for funds.", parse_submission, apply_submission),
    EventType(STAKE_SET, "A member sets their stake on a proposal.", parse_stake, apply_stake),
    EventType(
        PROPOSAL_WITHDRAWN,
        "Its author withdraws a pool proposal.",
        parse_withdrawal,
        apply_withdrawal,
    ),
)
