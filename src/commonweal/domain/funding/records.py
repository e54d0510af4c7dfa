"""The funding state tables and the readers every funding rule shares.

Two kinds of shared money are allocated here, each numbered by the leaf index of
the event that opened it:

- a quadratic-funding **round**: projects entered, contributions made until the
  round closes, then a matching pool shared out by quadratic funding;
- a conviction-voting **pool**: funds deposited by members, proposals asking for
  part of them, and members' stake moved between proposals at any time; a
  proposal is paid once its conviction reaches its threshold.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from commonweal.domain.state import State, existing
from commonweal.domain.timestamps import moment
from commonweal.domain.words import WP_

ROUNDS = "funding.rounds"
"""round id → terms (unit, pool, method, cap, closing time), projects, status, result."""
PROJECTS = "funding.projects"
"""project id → its round, beneficiary, title, and what it has been given."""
CONTRIBUTIONS_PREFIX = "funding.contributions."
"""``funding.contributions.<round>``: ``"<project> <did>"`` → that member's total to it."""
POOLS = "funding.pools"
"""pool id → unit, conviction parameters, funds, total stake, status."""
PROPOSALS = "funding.proposals"
"""proposal id → its pool, request, beneficiary, stake, conviction and status."""
STAKES = "funding.stakes"
"""``"<pool> <did>"`` → a member's stake in a pool: total and per proposal."""

OPEN, CLOSED, EXECUTED, WITHDRAWN = "open", "closed", "executed", "withdrawn"
STATUS_WORDS = {
    OPEN: WP_("funding", "open"),
    CLOSED: WP_("funding", "closed"),
    EXECUTED: WP_("funding", "executed"),
    WITHDRAWN: WP_("funding", "withdrawn"),
}
"""Where a round or a proposal stands, as a refusal says it in the reader's language."""
PLAIN, CAPPED, PAIRWISE = "plain", "capped", "pairwise"
METHODS = (PLAIN, CAPPED, PAIRWISE)


def contributions_table(round_id: int) -> str:
    """The state table of one round's contributions."""
    return f"{CONTRIBUTIONS_PREFIX}{round_id}"


def stake_key(pool_id: int, did: str) -> str:
    """The key of a member's stake in a pool."""
    return f"{pool_id} {did}"


def funding_round(state: State, round_id: int) -> dict[str, Any]:
    """The round ``round_id``, or ``not_found``."""
    return existing(state, ROUNDS, round_id, "funding round")


def project(state: State, project_id: int) -> dict[str, Any]:
    """The project ``project_id``, or ``not_found``."""
    return existing(state, PROJECTS, project_id, "project")


def pool(state: State, pool_id: int) -> dict[str, Any]:
    """The conviction pool ``pool_id``, or ``not_found``."""
    return existing(state, POOLS, pool_id, "conviction pool")


def proposal(state: State, proposal_id: int) -> dict[str, Any]:
    """The pool proposal ``proposal_id``, or ``not_found``."""
    return existing(state, PROPOSALS, proposal_id, "pool proposal")


def aggregated(state: State, round_record: dict[str, Any]) -> dict[str, dict[str, int]]:
    """project id (text) → contributor → total, for every project of the round."""
    totals: dict[str, dict[str, int]] = {str(p): {} for p in round_record["projects"]}
    for key, amount in sorted(state.items(contributions_table(round_record["id"]))):
        project_id, did = str(key).split(" ", 1)
        totals[project_id][did] = amount
    return totals


def periods_between(start: str, end: str, period_seconds: int) -> int:
    """Whole periods of ``period_seconds`` from ``start`` to ``end`` (receipt times)."""
    elapsed: timedelta = moment(end) - moment(start)
    micros = (elapsed.days * 86400 + elapsed.seconds) * 10**6 + elapsed.microseconds
    return max(micros, 0) // (period_seconds * 10**6)
