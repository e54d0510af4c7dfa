"""Quadratic funding: plain, capped and pairwise-bounded matches of a fixed pool.

Contributions are aggregated per (project, contributor) first. A project's ideal
subsidy under plain (Buterin–Hitzig–Weyl, "liberal radicalism") QF is

    raw_p = (Σ_i √c_ip)² − Σ_i c_ip

and a project with a single contributor gets nothing. Pairwise-bounded QF
(Buterin 2019, ethresear.ch/t/5553) damps pairs of contributors who co-fund a lot:

    raw_p = Σ_{i<j} 2·√(c_ip·c_jp) · M / (M + k_ij),   k_ij = Σ_q √(c_iq·c_jq).

Raw subsidies are integers in units of ``1/RAW_SCALE`` of a minor unit, and
everything after is exact rational arithmetic: the same inputs give the same
matches on every machine, with no floats. A plain subsidy is the exact value
floored once: when every contributor's amount has the same square-free part (equal
gifts, say) the subsidy is a whole number and is computed exactly; otherwise it is
irrational and its floor is found with integer square roots bracketed from both
sides, refined until the bracket holds a single unit. Pairwise-bounded terms are
still taken to ``SQRT_SCALE`` and floored per pair. :func:`rounded_plain_subsidies`
keeps the earlier recount, whose roots were each rounded down (so it underpaid by a
unit when the subsidy was whole), for closings logged before it was replaced.

A round is *saturated* when the ideal subsidies reach the pool (or the round spends
its whole pool regardless): the matches are then the subsidies scaled to the pool, a
cap is met by water-filling (capped projects get the cap; the rest share what is
left in proportion, again and again, as Gitcoin's linear QF does), and the exact
shares become whole units by the largest-remainder method, so they sum to the pool
exactly. Otherwise each project gets its ideal subsidy, floored and capped.

:func:`pluralistic_linear_qf` and :func:`clrfund_allocation` replay two published
implementations step for step (Gitcoin's pluralistic.js with its floor divisions,
and clr.fund's MACI round with its integer alpha), to check this module against
their published results to the last unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from math import isqrt

from commonweal.domain.funding.apportion import largest_remainder

SQRT_SCALE = 10**9
"""Square roots are kept to this many parts of a minor unit's square root."""
RAW_SCALE = SQRT_SCALE * SQRT_SCALE
"""Raw subsidies are integers in units of 1/RAW_SCALE of a minor unit."""

Aggregated = Mapping[str, Mapping[str, int]]
"""project → contributor → their total contribution to it (minor units)."""


@dataclass(frozen=True, slots=True)
class Contribution:
    """One contribution: ``amount`` minor units from ``contributor`` to ``project``."""

    contributor: str
    project: str
    amount: int


@dataclass(frozen=True, slots=True)
class Matching:
    """A round's matches: whole minor units per project, and whether the pool was the limit."""

    matches: dict[str, int]
    saturated: bool

    @property
    def total(self) -> int:
        """Everything the pool pays out."""
        return sum(self.matches.values())


def aggregate(
    contributions: Iterable[Contribution], *, minimum: int = 0
) -> dict[str, dict[str, int]]:
    """Sum each contributor's contributions per project, ignoring any below ``minimum``."""
    totals: dict[str, dict[str, int]] = {}
    for c in contributions:
        if c.amount < minimum:
            continue
        per_project = totals.setdefault(c.project, {})
        per_project[c.contributor] = per_project.get(c.contributor, 0) + c.amount
    return totals


def root(amount: int) -> int:
    """√amount in units of 1/SQRT_SCALE, rounded down."""
    return isqrt(amount * RAW_SCALE)


def plain_subsidies(aggregated: Aggregated) -> dict[str, int]:
    """Each project's plain QF subsidy in 1/RAW_SCALE units, the exact value floored
    once (0 with fewer than two contributors)."""
    return {
        project: exact_plain_subsidy(list(amounts.values())) if len(amounts) > 1 else 0
        for project, amounts in aggregated.items()
    }


def exact_plain_subsidy(amounts: Sequence[int]) -> int:
    """⌊RAW_SCALE · ((Σ√c)² − Σc)⌋ for non-negative amounts, computed exactly.

    If every amount times the first is a perfect square, all share one square-free
    part d, Σ√c = (Σ√(c₀c))/√c₀ and the subsidy (Σ√(c₀c))²/c₀ − Σc is whole. Otherwise
    Σ√c is a sum of positive multiples of square roots of distinct square-free numbers,
    some above 1, hence irrational, so the subsidy never lies on a unit's boundary and
    bracketing it between floored and ceiled roots finds its floor.
    """
    positive = [c for c in amounts if c > 0]
    if len(positive) < 2:
        return 0
    total = sum(positive)
    first = positive[0]
    products = [first * c for c in positive]
    roots = [isqrt(p) for p in products]
    if all(r * r == p for r, p in zip(roots, products, strict=True)):
        joint = sum(roots)
        return (joint * joint // first - total) * RAW_SCALE
    scale = RAW_SCALE << (total.bit_length() + len(positive).bit_length() + 8)
    while True:
        low = high = 0
        for c in positive:
            r = isqrt(c * scale * scale)
            low += r
            high += r + 1
        square = scale * scale
        below = (low * low - square * total) * RAW_SCALE // square
        above = (high * high - square * total) * RAW_SCALE // square
        if below == above:
            return max(below, 0)
        scale <<= 64


def rounded_plain_subsidies(aggregated: Aggregated) -> dict[str, int]:
    """The recount used before exact subsidies: each root rounded down to SQRT_SCALE
    (so a whole subsidy from roots that are not whole came out a unit short). Kept
    only to verify closings logged with it."""
    subsidies = {}
    for project, amounts in aggregated.items():
        if len(amounts) < 2:
            subsidies[project] = 0
            continue
        roots = sum(root(amount) for amount in amounts.values())
        subsidies[project] = max(roots * roots - RAW_SCALE * sum(amounts.values()), 0)
    return subsidies


def pairwise_subsidies(aggregated: Aggregated, m: int) -> dict[str, int]:
    """Each project's pairwise-bounded subsidy with parameter ``m`` (minor units), in
    1/RAW_SCALE units; each pair's term is rounded down, so no project gets more than
    its exact share."""
    if m <= 0:
        raise ValueError("the pairwise bound M must be positive")
    pair_roots: dict[str, dict[tuple[str, str], int]] = {}
    coordination: dict[tuple[str, str], int] = {}
    for project, amounts in aggregated.items():
        roots = {}
        for i, j in combinations(sorted(amounts), 2):
            roots[(i, j)] = isqrt(amounts[i] * amounts[j] * RAW_SCALE)
            coordination[(i, j)] = coordination.get((i, j), 0) + roots[(i, j)]
        pair_roots[project] = roots
    # 2·(s/S)·M / (M + k/S) minor units  =  2·s·M·S² / (M·S + k)  in 1/S² units.
    return {
        project: sum(
            (2 * s * m * RAW_SCALE) // (m * SQRT_SCALE + coordination[pair])
            for pair, s in roots.items()
        )
        for project, roots in pair_roots.items()
    }


def match(
    subsidies: Mapping[str, int],
    pool: int,
    *,
    cap: int | None = None,
    spend_whole_pool: bool = False,
) -> Matching:
    """Matches from raw subsidies (1/RAW_SCALE units) and a pool of ``pool`` minor units.

    Saturated rounds (ideal total ≥ pool, or ``spend_whole_pool``) pay the pool out
    exactly, save what caps leave over when every funded project is capped; an
    unsaturated round pays each project its ideal subsidy, floored and capped.
    """
    if pool < 0 or (cap is not None and cap < 0):
        raise ValueError("the pool and the cap must not be negative")
    ideal = {p: Fraction(s, RAW_SCALE) for p, s in subsidies.items()}
    funded = sorted(p for p, s in ideal.items() if s > 0)
    nothing = dict.fromkeys(subsidies, 0)
    if not funded or pool == 0:
        return Matching(nothing, saturated=bool(funded))
    if sum(ideal.values()) < pool and not spend_whole_pool:
        paid = {p: _floor(s if cap is None else min(s, Fraction(cap))) for p, s in ideal.items()}
        return Matching(paid, saturated=False)
    shares = _water_fill({p: ideal[p] for p in funded}, pool, cap)
    whole = largest_remainder(shares, int(sum(shares.values())))
    return Matching({**nothing, **whole}, saturated=True)


def _water_fill(ideal: Mapping[str, Fraction], pool: int, cap: int | None) -> dict[str, Fraction]:
    """Exact shares of ``pool`` in proportion to ``ideal``, no share above ``cap``."""
    capped: set[str] = set()
    while True:
        free = [p for p in ideal if p not in capped]
        remaining = pool - (cap or 0) * len(capped)
        weight = sum((ideal[p] for p in free), Fraction(0))
        shares = {p: ideal[p] * remaining / weight for p in free} if free else {}
        over = {p for p, share in shares.items() if cap is not None and share > cap}
        if not over:
            return {**dict.fromkeys(capped, Fraction(cap or 0)), **shares}
        capped |= over


def _floor(value: Fraction) -> int:
    return value.numerator // value.denominator


# -- published implementations, replayed step for step ----------------------------------


def pluralistic_linear_qf(
    aggregated: Aggregated,
    pool: int,
    *,
    ignore_saturation: bool = False,
    cap: int | None = None,
) -> dict[str, int]:
    """Gitcoin's linear QF as pluralistic.js computes it (integer square roots, divisions
    rounded toward zero, the iterative cap), for cross-checking against its tests."""
    sums = {p: sum(isqrt(a) for a in amounts.values()) for p, amounts in aggregated.items()}
    raw = {
        p: sums[p] ** 2 - sum(amounts.values()) if len(amounts) > 1 else 0
        for p, amounts in aggregated.items()
    }
    total = sum(raw.values())
    matched = {p: _div_toward_zero(r * pool, total) if total > 0 else 0 for p, r in raw.items()}
    if total < pool and not ignore_saturation:
        matched = dict(raw)
    if cap is None:
        return matched
    while True:
        overflow = 0
        uncapped_total = 0
        for p, value in matched.items():
            if value > cap:
                overflow += value - cap
                matched[p] = cap
            elif value < cap:
                uncapped_total += value
        if uncapped_total == 0 or overflow == 0:
            return matched
        for p, value in matched.items():
            if value < cap:
                matched[p] = value + _div_toward_zero(value * overflow, uncapped_total)


def _div_toward_zero(a: int, b: int) -> int:
    """Integer division as JavaScript's BigInt does it (toward zero)."""
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b > 0) else -quotient


def clrfund_allocation(
    votes: Sequence[int],
    spent: Sequence[int],
    budget: int,
    voice_credit_factor: int,
    alpha_precision: int = 10**18,
) -> tuple[int, list[int]]:
    """clr.fund's allocation of a MACI round: ``alpha`` and each option's claim amount.

    ``votes`` are the votes per option (V_p) and ``spent`` the voice credits spent on
    it (s_p = Σ v²). The contributions (VCF·Σs) are paid back to the projects they
    went to, and alpha shares the rest of the budget out by V_p² − s_p.
    """
    spent_total = sum(spent)
    squares = sum(v * v for v in votes)
    if budget < voice_credit_factor * spent_total:
        raise ValueError("InvalidBudget: the budget is less than the contributions")
    if squares <= spent_total:
        raise ValueError("NoProjectHasMoreThanOneVote")
    alpha = (
        (budget - voice_credit_factor * spent_total)
        * alpha_precision
        // (voice_credit_factor * (squares - spent_total))
    )
    claims = [
        (alpha * voice_credit_factor * v * v + (alpha_precision - alpha) * voice_credit_factor * s)
        // alpha_precision
        for v, s in zip(votes, spent, strict=True)
    ]
    return alpha, claims
