"""Approval against Snapshot's fixture; score and STAR on worked cases and properties."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.domain.governance.cardinal import approval, score, star
from tests.vectors import find_vectors


def test_snapshot_approval_fixture() -> None:
    fixture = json.loads(
        (find_vectors() / "governance" / "snapshot_js" / "approval.json").read_text()
    )
    choices = fixture["proposal"]["choices"]
    ballots = [
        (frozenset(choices[i - 1] for i in vote["choice"]), vote["balance"])
        for vote in fixture["votes"]
    ]
    result = approval(choices, ballots)
    assert [result.detail["scores"][c] for c in choices] == fixture["scores"]
    assert result.winners == {choices[fixture["scores"].index(max(fixture["scores"]))]}


def test_star_runoff_can_overturn_the_score_leader() -> None:
    # A has the highest total (polarising); most voters prefer B to A.
    ballots = [
        ({"A": 5, "B": 0, "C": 0}, 4),
        ({"A": 0, "B": 1, "C": 0}, 5),
        ({"A": 0, "B": 0, "C": 1}, 1),
    ]
    assert score(["A", "B", "C"], ballots).winners == {"A"}
    result = star(["A", "B", "C"], ballots)
    assert result.detail["finalists"] == ["A", "B"]
    assert result.winners == {"B"}


def test_star_runoff_tie_keeps_both() -> None:
    ballots = [({"A": 5, "B": 1}, 1), ({"A": 1, "B": 5}, 1)]
    assert star(["A", "B"], ballots).winners == {"A", "B"}


def test_bad_ballots_are_refused() -> None:
    with pytest.raises(ValueError):
        score(["A"], [({"A": 6}, 1)])
    with pytest.raises(ValueError):
        approval(["A"], [(frozenset({"Z"}), 1)])


score_ballots = st.lists(
    st.tuples(st.fixed_dictionaries({c: st.integers(0, 5) for c in "ABC"}), st.integers(1, 3)),
    min_size=1,
    max_size=20,
)


@given(score_ballots)
def test_star_winner_is_a_finalist_and_beats_the_other(
    ballots: list[tuple[dict[str, int], int]],
) -> None:
    result = star(list("ABC"), ballots)
    assert result.winners <= set(result.detail["finalists"])
    totals = score(list("ABC"), ballots).detail["scores"]
    best = max(totals.values())
    assert any(totals[c] == best for c in result.detail["finalists"])
