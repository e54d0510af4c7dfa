"""Approval, score and STAR: methods where each ballot rates candidates independently.

Weights are integers (a ballot counted once, or a delegate's accumulated weight);
ties are kept in the winner set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from commonweal.domain.governance.ranked import Result

ApprovalBallot = tuple[frozenset[str], int]
"""(the approved candidates, the ballot's weight)."""
ScoreBallot = tuple[Mapping[str, int], int]
"""(a score per candidate, unscored ones count as 0; the ballot's weight)."""


def approval(candidates: Sequence[str], ballots: Iterable[ApprovalBallot]) -> Result:
    """Most approvals wins."""
    scores = dict.fromkeys(candidates, 0)
    for approved, weight in ballots:
        unknown = approved - scores.keys()
        if unknown:
            raise ValueError(f"unknown candidate(s): {', '.join(sorted(unknown))}")
        for candidate in approved:
            scores[candidate] += weight
    return Result(_top(scores), {"scores": scores})


def score(
    candidates: Sequence[str], ballots: Iterable[ScoreBallot], *, max_score: int = 5
) -> Result:
    """Highest total score wins (scores from 0 to ``max_score``)."""
    totals = dict.fromkeys(candidates, 0)
    for marks, weight in _checked(candidates, ballots, max_score):
        for candidate, value in marks.items():
            totals[candidate] += value * weight
    return Result(_top(totals), {"scores": totals})


def star(
    candidates: Sequence[str], ballots: Iterable[ScoreBallot], *, max_score: int = 5
) -> Result:
    """Score, Then Automatic Runoff: the two highest totals meet; more ballots preferring one wins.

    If third place ties second, every candidate tied for the top two goes to the
    runoff, pairwise; a runoff tie keeps both (ties are decided by the caller's rule).
    """
    checked = list(_checked(candidates, ballots, max_score))
    totals = dict.fromkeys(candidates, 0)
    for marks, weight in checked:
        for candidate, value in marks.items():
            totals[candidate] += value * weight
    ranked = sorted(set(totals.values()), reverse=True)
    finalists = [c for c in candidates if totals[c] >= ranked[min(1, len(ranked) - 1)]]
    if len(finalists) == 1:
        return Result(frozenset(finalists), {"scores": totals, "finalists": finalists})
    preferred = {a: {b: _prefer(checked, a, b) for b in finalists if b != a} for a in finalists}
    # a finalist wins the runoff by being preferred to every other finalist head to head
    beats = {a: all(preferred[a][b] > preferred[b][a] for b in preferred[a]) for a in finalists}
    winners = frozenset(a for a, won in beats.items() if won) or frozenset(finalists)
    return Result(winners, {"scores": totals, "finalists": finalists, "runoff": preferred})


def _prefer(ballots: Sequence[ScoreBallot], a: str, b: str) -> int:
    return sum(weight for marks, weight in ballots if marks.get(a, 0) > marks.get(b, 0))


def _checked(
    candidates: Sequence[str], ballots: Iterable[ScoreBallot], max_score: int
) -> Iterable[ScoreBallot]:
    known = set(candidates)
    for marks, weight in ballots:
        if not set(marks) <= known:
            raise ValueError("a ballot scores an unknown candidate")
        if any(not 0 <= value <= max_score for value in marks.values()):
            raise ValueError(f"scores run from 0 to {max_score}")
        yield marks, weight


def _top(scores: Mapping[str, int]) -> frozenset[str]:
    best = max(scores.values())
    return frozenset(c for c, v in scores.items() if v == best)
