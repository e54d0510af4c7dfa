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

    The runoff has two finalists. When the scoring round ties, every pair of
    finalists a tie-break could choose meets in turn (every pair among those tied
    for first; or the leader and each of those tied for second), and the winners
    are every candidate some such runoff elects; a tied runoff keeps both. So ties
    are kept, and the caller's documented rule decides among them.
    """
    checked = list(_checked(candidates, ballots, max_score))
    totals = dict.fromkeys(candidates, 0)
    for marks, weight in checked:
        for candidate, value in marks.items():
            totals[candidate] += value * weight
    best = max(totals.values())
    first = [c for c in candidates if totals[c] == best]
    if len(first) > 1:
        pairs = [(a, b) for i, a in enumerate(first) for b in first[i + 1 :]]
    else:
        rest = [totals[c] for c in candidates if c not in first]
        second = [c for c in candidates if rest and totals[c] == max(rest)]
        pairs = [(first[0], b) for b in second]
    finalists = [c for c in candidates if any(c in pair for pair in pairs)] or first
    runoff: dict[str, dict[str, int]] = {c: {} for c in finalists}
    winners: set[str] = set()
    for a, b in pairs:
        runoff[a][b] = _prefer(checked, a, b)
        runoff[b][a] = _prefer(checked, b, a)
        if runoff[a][b] >= runoff[b][a]:
            winners.add(a)
        if runoff[b][a] >= runoff[a][b]:
            winners.add(b)
    if not pairs:
        winners.update(first)
    detail = {"scores": totals, "finalists": finalists, "runoff": runoff}
    return Result(frozenset(winners), detail)


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
