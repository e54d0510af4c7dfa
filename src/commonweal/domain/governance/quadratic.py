"""Quadratic voting with voice credits.

Every voter holds the same budget of voice credits for a proposal. Casting ``n``
votes on one alternative costs ``n²`` credits, so a voter can say how much they
care, but each further vote costs more than the last (Lalley and Weyl, "Quadratic
Voting", 2018). Where the constitution allows it, votes may be negative: votes
against an alternative, at the same price. The alternative with the most net votes
wins; ties are kept.

Votes are whole numbers, so every count is exact. This is not Snapshot's
"quadratic" method, which is quadratic *funding* of token balances: there each
voter's whole balance is split across choices and a choice scores the square of
the sum of the square roots of the parts, which are real numbers (see
tests/domain/governance/test_snapshot.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from commonweal.domain.governance.ranked import Result

QuadraticBallot = tuple[Mapping[str, int], int]
"""(votes per alternative, negative ones against; the ballot's weight)."""


def check_quadratic_ballot(
    votes: Mapping[str, int],
    credits: int,
    alternatives: Collection[str],
    allow_negative: bool,
) -> int:
    """Check one ballot against the rules and return what it costs, in voice credits.

    The node calls this when a ballot is cast, so that a ballot the tally would
    refuse never enters the log. It refuses an alternative the proposal does not
    have, a vote count that is not a whole number, a negative count unless
    ``allow_negative``, and a ballot costing more than ``credits``. Alternatives the
    ballot leaves out get no votes; a ballot may spend less than its budget.
    """
    if credits < 0:
        raise ValueError(f"a budget of voice credits is never negative (got {credits})")
    unknown = set(votes) - set(alternatives)
    if unknown:
        raise ValueError(f"unknown alternative(s): {', '.join(sorted(unknown))}")
    cost = 0
    for alternative, count in votes.items():
        if type(count) is not int:
            raise ValueError(f"votes are whole numbers ({alternative}: {count!r})")
        if count < 0 and not allow_negative:
            raise ValueError(f"votes against an alternative are not allowed ({alternative})")
        cost += count * count
    if cost > credits:
        raise ValueError(f"the ballot costs {cost} voice credits but the budget is {credits}")
    return cost


def quadratic(
    alternatives: Sequence[str],
    ballots: Iterable[QuadraticBallot],
    *,
    credits: int,
    allow_negative: bool = False,
) -> Result:
    """Net votes per alternative, each ballot counted ``weight`` times; most net votes wins.

    A delegate's ballot carries the weight of those who delegated to them and
    counts as that many identical ballots, each within the same budget. The detail
    gives the net votes per alternative, the votes for and against, and the voice
    credits spent in all.
    """
    if not alternatives:
        raise ValueError("a quadratic vote needs at least one alternative")
    net = dict.fromkeys(alternatives, 0)
    against = dict.fromkeys(alternatives, 0)
    spent = 0
    ballots_counted = 0
    for votes, weight in ballots:
        if weight < 0:
            raise ValueError(f"a ballot's weight is never negative (got {weight})")
        spent += check_quadratic_ballot(votes, credits, alternatives, allow_negative) * weight
        ballots_counted += weight
        for alternative, count in votes.items():
            net[alternative] += count * weight
            if count < 0:
                against[alternative] -= count * weight
    best = max(net.values())
    detail: dict[str, Any] = {
        "votes": net,
        "votes_for": {a: net[a] + against[a] for a in alternatives},
        "votes_against": against,
        "credits_spent": spent,
        "credits_per_ballot": credits,
        "ballots": ballots_counted,
    }
    return Result(frozenset(a for a, v in net.items() if v == best), detail)
