"""Approval, score and STAR against pref_voting's grade methods, on random weighted profiles.

A ballot of weight ``w`` is one grade map with ``gcount`` ``w`` in pref_voting's
``GradeProfile``. Our ballots may leave a candidate out (a 0); pref_voting is given
the 0 explicitly, since it leaves out of the count a candidate nobody graded.

STAR keeps ties as pref_voting does: when the scoring round ties, every pair of
finalists a tie-break could choose meets (every pair tied for first, or first place
against each candidate tied for second), and the winners are those some such runoff
elects. starvoting.org/ties breaks those ties instead; this project keeps them and
lets the caller's documented rule decide.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.grade_methods import approval as pv_approval
from pref_voting.grade_methods import score_voting as pv_score
from pref_voting.grade_methods import star as pv_star
from pref_voting.grade_profiles import GradeProfile

from commonweal.domain.governance.cardinal import approval, score, star

ScoreBallots = list[tuple[dict[str, int], int]]


def grade_profile(candidates: list[str], ballots: ScoreBallots, grades: list[int]) -> GradeProfile:
    """pref_voting's profile of the same ballots: every candidate graded, weights as counts."""
    return GradeProfile(
        [{c: marks.get(c, 0) for c in candidates} for marks, _w in ballots],
        grades,
        gcounts=[weight for _marks, weight in ballots],
        candidates=candidates,
    )


@st.composite
def score_profiles(
    draw: st.DrawFn, max_score: int | None = None
) -> tuple[list[str], ScoreBallots, int]:
    """2 to 5 candidates, 1 to 15 ballots of weight 1 to 5, each scoring some candidates."""
    top = max_score if max_score is not None else draw(st.integers(1, 10))
    candidates = [f"c{i}" for i in range(draw(st.integers(2, 5)))]
    marks = st.dictionaries(st.sampled_from(candidates), st.integers(0, top))
    ballots = draw(st.lists(st.tuples(marks, st.integers(1, 5)), min_size=1, max_size=15))
    return candidates, ballots, top


@settings(max_examples=150, deadline=None)
@given(score_profiles(max_score=1))
def test_approval_agrees_with_pref_voting(drawn: tuple[list[str], ScoreBallots, int]) -> None:
    candidates, ballots, _top = drawn
    ours = approval(
        candidates,
        [(frozenset(c for c, v in marks.items() if v), weight) for marks, weight in ballots],
    )
    theirs = pv_approval(grade_profile(candidates, ballots, [0, 1]))
    assert ours.winners == frozenset(theirs)


@settings(max_examples=150, deadline=None)
@given(score_profiles())
def test_score_agrees_with_pref_voting(drawn: tuple[list[str], ScoreBallots, int]) -> None:
    candidates, ballots, top = drawn
    ours = score(candidates, ballots, max_score=top)
    profile = grade_profile(candidates, ballots, list(range(top + 1)))
    assert ours.winners == frozenset(pv_score(profile))
    assert ours.detail["scores"] == {c: int(profile.sum(c)) for c in candidates}


@settings(max_examples=200, deadline=None)
@given(score_profiles(max_score=5))
def test_star_agrees_with_pref_voting_ties_included(
    drawn: tuple[list[str], ScoreBallots, int],
) -> None:
    candidates, ballots, _top = drawn
    ours = star(candidates, ballots)
    theirs = pv_star(grade_profile(candidates, ballots, [0, 1, 2, 3, 4, 5]))
    assert ours.winners == frozenset(theirs)


# Two tie cases that once separated cardinal.star from pref_voting; see the module docstring.
TIED_FIRST: ScoreBallots = [
    # A and B tie for first (10 each), C is a distant third (3) but preferred to both
    # by 3 voters to 2. STAR's runoff is A against B; C cannot win.
    ({"A": 5, "B": 5, "C": 0}, 2),
    ({"A": 0, "B": 0, "C": 1}, 3),
]
TIED_SECOND_CYCLE: ScoreBallots = [
    # A first (12); B and C tie for second (11 each); A beats B 3-2, C beats A 3-2 and
    # B beats C 2-1. Whichever of B and C meets A, B loses to A and C beats A, so the
    # winner is A or C (starvoting.org's tie-break sends B, who beats C, and A wins).
    # B wins under no reading of the tie.
    ({"A": 4, "B": 3, "C": 5}, 1),
    ({"A": 0, "B": 1, "C": 1}, 2),
    ({"A": 4, "B": 3, "C": 2}, 2),
]


@pytest.mark.parametrize(
    ("ballots", "expected"),
    [(TIED_FIRST, {"A", "B"}), (TIED_SECOND_CYCLE, {"A", "C"})],
    ids=["tie-for-first", "tie-for-second-in-a-cycle"],
)
def test_pref_voting_keeps_each_runoff_a_tied_scoring_round_allows(
    ballots: ScoreBallots, expected: set[str]
) -> None:
    assert (
        frozenset(pv_star(grade_profile(["A", "B", "C"], ballots, [0, 1, 2, 3, 4, 5]))) == expected
    )


@pytest.mark.parametrize(
    ("ballots", "expected"),
    [(TIED_FIRST, {"A", "B"}), (TIED_SECOND_CYCLE, {"A", "C"})],
    ids=["tie-for-first", "tie-for-second-in-a-cycle"],
)
def test_cardinal_star_keeps_each_runoff_a_tied_scoring_round_allows(
    ballots: ScoreBallots, expected: set[str]
) -> None:
    assert star(["A", "B", "C"], ballots).winners == expected
