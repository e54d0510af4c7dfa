"""Quadratic voting: the cost of a ballot, the budget, weights, ties and the detail."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.domain.governance.quadratic import check_quadratic_ballot, quadratic

ABC = ["A", "B", "C"]


def assert_json_ready(detail: dict[str, Any]) -> None:
    """The detail survives JSON and holds no float anywhere (it goes into a signed event)."""

    def refuse(text: str) -> None:
        pytest.fail(f"a float ({text}) in a tally's detail")

    assert json.loads(json.dumps(detail), parse_float=refuse) == detail


def test_a_ballot_costs_the_sum_of_squares() -> None:
    assert check_quadratic_ballot({"A": 3, "B": -2}, 100, ABC, True) == 13
    assert check_quadratic_ballot({}, 0, ABC, False) == 0
    assert check_quadratic_ballot({"A": 10}, 100, ABC, False) == 100  # exactly the budget


def test_a_ballot_over_budget_is_refused_naming_cost_and_budget() -> None:
    with pytest.raises(ValueError, match="costs 101 voice credits but the budget is 100"):
        check_quadratic_ballot({"A": 10, "B": 1}, 100, ABC, False)
    with pytest.raises(ValueError, match="costs 101"):
        quadratic(ABC, [({"A": 10, "B": 1}, 1)], credits=100)


def test_other_bad_ballots_are_refused() -> None:
    with pytest.raises(ValueError, match="against"):
        check_quadratic_ballot({"A": -1}, 100, ABC, False)
    with pytest.raises(ValueError, match="unknown alternative"):
        check_quadratic_ballot({"Z": 1}, 100, ABC, True)
    with pytest.raises(ValueError, match="whole numbers"):
        check_quadratic_ballot({"A": 1.5}, 100, ABC, True)  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="whole numbers"):
        check_quadratic_ballot({"A": True}, 100, ABC, True)
    with pytest.raises(ValueError, match="negative"):
        quadratic(ABC, [({"A": 1}, -1)], credits=100)


def test_intensity_beats_numbers_only_at_a_price() -> None:
    # One voter spends everything on A (10 votes); three spend a quarter each on B (5 votes
    # each): B wins, 15 to 10. A single voter cannot outvote a group by caring more.
    ballots = [({"A": 10}, 1), ({"B": 5}, 1), ({"B": 5}, 1), ({"B": 5}, 1)]
    result = quadratic(ABC, ballots, credits=100)
    assert result.winners == {"B"}
    assert result.detail["votes"] == {"A": 10, "B": 15, "C": 0}
    assert result.detail["credits_spent"] == 175
    assert result.detail["ballots"] == 4
    assert_json_ready(result.detail)


def test_votes_against_are_netted() -> None:
    ballots = [({"A": 6, "B": 8}, 1), ({"A": -7, "C": 7}, 1), ({"B": -2, "C": 1}, 2)]
    result = quadratic(ABC, ballots, credits=100, allow_negative=True)
    assert result.detail["votes"] == {"A": -1, "B": 4, "C": 9}
    assert result.detail["votes_for"] == {"A": 6, "B": 8, "C": 9}
    assert result.detail["votes_against"] == {"A": 7, "B": 4, "C": 0}
    assert result.detail["credits_spent"] == 100 + 98 + 2 * 5
    assert result.winners == {"C"}


def test_ties_are_kept() -> None:
    result = quadratic(ABC, [({"A": 2}, 1), ({"B": 2}, 1)], credits=4)
    assert result.winners == {"A", "B"}
    assert quadratic(ABC, [], credits=4).winners == {"A", "B", "C"}


votes = st.dictionaries(st.sampled_from(ABC), st.integers(-5, 5), max_size=3)


@given(st.lists(st.tuples(votes, st.integers(0, 4)), max_size=12))
def test_a_weight_counts_as_that_many_identical_ballots(
    weighted: list[tuple[Mapping[str, int], int]],
) -> None:
    result = quadratic(ABC, weighted, credits=75, allow_negative=True)
    repeated = [(ballot, 1) for ballot, weight in weighted for _ in range(weight)]
    assert quadratic(ABC, repeated, credits=75, allow_negative=True) == result
    net = {a: sum(b.get(a, 0) * w for b, w in weighted) for a in ABC}
    assert result.detail["votes"] == net
    assert result.winners == {a for a in ABC if net[a] == max(net.values())}
    spent = sum(sum(n * n for n in b.values()) * w for b, w in weighted)
    assert result.detail["credits_spent"] == spent
