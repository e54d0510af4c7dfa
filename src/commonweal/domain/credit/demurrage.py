"""Demurrage: positive balances of a mutual-credit unit shrink a little each day, to a fund.

The rate is yearly (``"7/100"``) and applied per whole day, as Circles does:
the daily factor is ``(1 − rate) ^ (1 / 365.25)`` in 64.64 fixed point, computed
with whole numbers only (a 1461st root, by bisection) and rounded to nearest —
for 7 % it is exactly Circles' ``GAMMA_64x64`` = 18443079296116538654. Over ``d``
days a balance ``B`` is charged ``floor(B · (1 − γ^d))``: never more than the
exact demurrage. The node charges every ``period_days`` (``credit.demurrage.charged``,
one ledger entry moving every charge to the policy's account), so the books still
balance and the amounts are fixed by the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from functools import lru_cache
from typing import Any

from commonweal.domain.credit.limits import POLICIES, credit_policy
from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import only
from commonweal.domain.registry import Context, require_node_key
from commonweal.domain.state import State
from commonweal.domain.timestamps import later, moment, reached
from commonweal.domain.treasury.accounts import MEMBER_PREFIX
from commonweal.domain.treasury.ledger import balances_in, post
from commonweal.domain.treasury.units import parse_code

CHARGED = "credit.demurrage.charged"
DAY = 86_400
ONE = 1 << 64
"""1.0 in 64.64 fixed point."""
DAYS_PER_YEAR = Fraction(1461, 4)
MAX_DAYS = 3660


@lru_cache(maxsize=16)
def daily_factor(rate: str) -> int:
    """``(1 − rate) ^ (4/1461)`` in 64.64 fixed point, rounded to nearest, by whole numbers."""
    keep = 1 - Fraction(rate)
    root = DAYS_PER_YEAR.numerator  # γ^1461 = keep^4
    power = DAYS_PER_YEAR.denominator
    # Largest g with (g / 2^64)^1461 <= keep^4, i.e. g^1461 · q^4 <= p^4 · 2^(64·1461).
    target = keep.numerator**power << (64 * root)
    scale = keep.denominator**power
    low, high = 0, ONE
    while low < high:
        middle = (low + high + 1) // 2
        if middle**root * scale <= target:
            low = middle
        else:
            high = middle - 1
    # Round to nearest: up if (low + 1/2)^1461 is still within the bound.
    halfway = (2 * low + 1) ** root * scale <= target << root
    return low + 1 if halfway else low


def charge(balance: int, factor: int, days: int) -> int:
    """The demurrage on ``balance`` over ``days`` whole days: ``floor(B · (1 − γ^d))``."""
    if balance <= 0 or days <= 0:
        return 0
    shift = 64 * days
    kept: int = factor**days
    return (balance * ((1 << shift) - kept)) >> shift


def parse_charge(body: Mapping[str, Any]) -> tuple[str, int]:
    """``{"unit", "days"}``: charge ``days`` whole days since the last charge."""
    only(body, {"unit", "days"})
    days = body.get("days")
    if type(days) is not int or not 1 <= days <= MAX_DAYS:
        raise InvalidBody("days must be a whole number from 1 to %(max_days)s", max_days=MAX_DAYS)
    return parse_code(body.get("unit")), days


def apply_charge(state: State, ctx: Context, body: tuple[str, int]) -> None:
    """The node charges demurrage for ``days`` that have passed since the last charge."""
    require_node_key(ctx)
    unit, days = body
    policy = credit_policy(state, unit)
    if policy is None or policy["demurrage"] is None:
        raise Conflict("%(unit)s has no demurrage", unit=unit, code="no_demurrage")
    until = later(policy["demurrage_since"], days * DAY)
    if not reached(ctx.received, until):
        raise Conflict(
            "%(days)s days since the last charge end only at %(until)s",
            days=days,
            until=until,
            code="too_early",
        )
    factor = daily_factor(policy["demurrage"]["rate"])
    charges = [
        (account, charge(value, factor, days))
        for account, value in balances_in(state, unit)
        if account.startswith(MEMBER_PREFIX) and value > 0
    ]
    postings = [(account, -amount) for account, amount in charges if amount > 0]
    total = -sum(amount for _account, amount in postings)
    if total:
        post(
            state,
            ctx,
            unit=unit,
            postings=[*postings, (policy["demurrage"]["account"], total)],
            kind="demurrage",
            memo=f"demurrage for {days} days at {policy['demurrage']['rate']} a year",
        )
    state.put(POLICIES, unit, {**policy, "demurrage_since": until})


def due(state: State, now: str) -> list[dict[str, Any]]:
    """Bodies of the demurrage charges the node should log at ``now``."""
    found = []
    for unit, policy in sorted(state.items(POLICIES)):
        demurrage = policy["demurrage"]
        if demurrage is None:
            continue
        period = demurrage["period_days"]
        if reached(now, later(policy["demurrage_since"], period * DAY)):
            elapsed = _whole_days(policy["demurrage_since"], now)
            found.append({"unit": unit, "days": min(elapsed - elapsed % period, MAX_DAYS)})
    return found


def _whole_days(since: str, now: str) -> int:
    return (moment(now) - moment(since)).days
