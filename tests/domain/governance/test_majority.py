"""Yes-or-no votes (thresholds, quorums, abstentions) and the EU Council's double majority."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.domain.governance.majority import (
    EU_BLOCKING_MINORITY,
    EU_POPULATION_SHARE,
    EU_STATES_SHARE,
    SIMPLE_MAJORITY,
    Threshold,
    double_majority,
    yes_no,
)
from commonweal.domain.governance.ranked import Result

TWO_THIRDS = Threshold(Fraction(2, 3), strict=False)

# The 27 members of the Council with populations close to those it used for 2024
# (Council Decision (EU) 2023/2845, rounded to thousands).
EU = {
    "DE": 83_445_000,
    "FR": 68_173_000,
    "IT": 58_997_000,
    "ES": 48_592_000,
    "PL": 36_620_000,
    "RO": 19_055_000,
    "NL": 17_943_000,
    "BE": 11_832_000,
    "CZ": 10_900_000,
    "SE": 10_551_000,
    "PT": 10_467_000,
    "EL": 10_414_000,
    "HU": 9_600_000,
    "AT": 9_105_000,
    "BG": 6_448_000,
    "DK": 5_933_000,
    "FI": 5_564_000,
    "SK": 5_424_000,
    "IE": 5_271_000,
    "HR": 3_850_000,
    "LT": 2_857_000,
    "SI": 2_117_000,
    "LV": 1_883_000,
    "EE": 1_374_000,
    "CY": 920_000,
    "LU": 661_000,
    "MT": 542_000,
}
EU_POPULATION = 448_538_000


def assert_json_ready(detail: dict[str, Any]) -> None:
    """The detail survives JSON and holds no float anywhere (it goes into a signed event)."""

    def refuse(text: str) -> None:
        pytest.fail(f"a float ({text}) in a tally's detail")

    assert json.loads(json.dumps(detail), parse_float=refuse) == detail


# -- yes / no -----------------------------------------------------------------------------


def test_simple_majority_is_more_than_half_of_yes_and_no() -> None:
    passed = yes_no([("yes", 1)] * 3 + [("no", 1)] * 2)
    assert yes_no([("yes", 1)] * 3 + [("no", 1)] * 2, threshold=SIMPLE_MAJORITY) == passed
    assert passed.winners == {"yes"}
    assert passed.detail["yes_share"] == "3/5"
    assert passed.detail["yes_percent"] == "60.00"
    assert passed.detail["threshold"] == "more than 1/2"
    tied = yes_no([("yes", 1), ("no", 1)])
    assert tied.winners == {"no"}
    assert tied.detail["threshold_met"] is False
    at_least_half = Threshold(Fraction(1, 2), strict=False)
    assert yes_no([("yes", 1), ("no", 1)], threshold=at_least_half).winners == {"yes"}
    assert_json_ready(passed.detail)


def test_two_thirds_boundary_is_exact() -> None:
    exactly = [("yes", 2), ("no", 1)]
    assert yes_no(exactly, threshold=TWO_THIRDS).winners == {"yes"}
    assert yes_no(exactly, threshold=Threshold(Fraction(2, 3), strict=True)).winners == {"no"}
    # 666 666 of 1 000 000 is a hair under two thirds: a float comparison could get it wrong.
    assert yes_no([("yes", 666_666), ("no", 333_334)], threshold=TWO_THIRDS).winners == {"no"}
    assert yes_no([("yes", 666_667), ("no", 333_333)], threshold=TWO_THIRDS).winners == {"yes"}


def test_weights_count_as_that_many_ballots() -> None:
    result = yes_no([("yes", 3), ("no", 2), ("abstain", 4)], electorate=12, quorum=Fraction(3, 4))
    assert (result.detail["yes"], result.detail["no"], result.detail["abstain"]) == (3, 2, 4)
    assert result.detail["participating"] == 9
    assert result.detail["quorum_met"] is True  # 9 >= 3/4 × 12
    assert result.winners == {"yes"}


def test_abstentions_count_toward_the_quorum_but_not_the_threshold() -> None:
    quorate = yes_no([("yes", 1), ("abstain", 4)], electorate=10, quorum=Fraction(1, 2))
    assert quorate.detail["quorum_met"] is True
    assert quorate.detail["yes_share"] == "1/1"
    assert quorate.winners == {"yes"}
    short = yes_no([("yes", 1), ("abstain", 3)], electorate=10, quorum=Fraction(1, 2))
    assert short.detail["quorum_met"] is False
    assert short.detail["threshold_met"] is True
    assert short.winners == {"no"}
    assert_json_ready(short.detail)


def test_only_abstentions_adopt_nothing() -> None:
    result = yes_no([("abstain", 5)], electorate=5, quorum=Fraction(1, 2))
    assert result.detail["quorum_met"] is True
    assert result.detail["yes_share"] is None
    assert result.detail["threshold_met"] is False
    assert result.winners == {"no"}
    assert yes_no([]).winners == {"no"}


def test_bad_yes_no_ballots_are_refused() -> None:
    with pytest.raises(ValueError, match="yes, no or abstain"):
        yes_no([("maybe", 1)])
    with pytest.raises(ValueError, match="negative"):
        yes_no([("yes", -1)])
    with pytest.raises(ValueError, match="electorate"):
        yes_no([("yes", 1)], quorum=Fraction(1, 5))
    with pytest.raises(ValueError, match="weigh 3 but the electorate has 2"):
        yes_no([("yes", 3)], electorate=2)
    with pytest.raises(ValueError, match="share from 0 to 1"):
        yes_no([("yes", 1)], electorate=2, quorum=Fraction(3, 2))


shares = st.fractions(min_value=0, max_value=1, max_denominator=12)
ballots = st.lists(
    st.tuples(st.sampled_from(["yes", "no", "abstain"]), st.integers(0, 5)), max_size=15
)


@given(ballots, shares, st.booleans(), shares, st.integers(0, 30))
def test_yes_no_agrees_with_rational_arithmetic(
    cast: list[tuple[str, int]], share: Fraction, strict: bool, quorum: Fraction, extra: int
) -> None:
    yes = sum(w for c, w in cast if c == "yes")
    no = sum(w for c, w in cast if c == "no")
    participating = sum(w for _c, w in cast)
    electorate = participating + extra
    result = yes_no(cast, threshold=Threshold(share, strict), electorate=electorate, quorum=quorum)
    if yes + no == 0:
        assert result.detail["threshold_met"] is False
    else:
        ratio = Fraction(yes, yes + no)
        assert result.detail["threshold_met"] == (ratio > share if strict else ratio >= share)
    if quorum:
        # an empty electorate never meets a quorum above zero
        met = electorate > 0 and participating >= quorum * electorate
        assert result.detail["quorum_met"] == met
    assert result.winners == ({"yes"} if result.detail["passed"] else {"no"})
    unit = [(c, 1) for c, w in cast for _ in range(w)]
    expanded = yes_no(
        unit, threshold=Threshold(share, strict), electorate=electorate, quorum=quorum
    )
    assert expanded == result
    assert_json_ready(result.detail)


# -- double majority ----------------------------------------------------------------------


def council(
    no: tuple[str, ...] = (), abstain: tuple[str, ...] = (), absent: tuple[str, ...] = ()
) -> Result:
    """The Council votes: every member yes unless listed; absent members cast nothing."""
    votes = [
        (state, "no" if state in no else "abstain" if state in abstain else "yes", 1)
        for state in EU
        if state not in absent
    ]
    return double_majority(
        votes,
        members=EU,
        states_share=EU_STATES_SHARE,
        population_share=EU_POPULATION_SHARE,
        blocking_minority=EU_BLOCKING_MINORITY,
    )


def test_eu_all_yes() -> None:
    result = council()
    assert result.winners == {"yes"}
    assert result.detail["states"] == {
        "yes": 27,
        "of": 27,
        "share": "27/27",
        "percent": "100.00",
        "required": "11/20",
        "met": True,
    }
    assert result.detail["population"]["share"] == f"{EU_POPULATION}/{EU_POPULATION}"
    assert result.detail["population"]["required"] == "13/20"
    assert_json_ready(result.detail)


def test_eu_four_largest_states_block() -> None:
    result = council(no=("DE", "FR", "IT", "ES"))
    assert result.detail["states"]["percent"] == "85.18"  # rounded down, never up to a threshold
    assert result.detail["population"]["share"] == "189331000/448538000"
    assert result.detail["population"]["percent"] == "42.21"
    assert result.detail["population"]["met"] is False
    assert result.detail["population"]["deemed_met"] is False
    assert result.detail["blocking_minority"] == {"required_members": 4, "members": 4}
    assert result.winners == {"no"}


def test_eu_three_largest_states_cannot_block_alone() -> None:
    result = council(no=("DE", "FR", "IT"))
    assert result.detail["population"]["percent"] == "53.04"
    assert result.detail["population"]["met"] is False
    assert result.detail["population"]["deemed_met"] is True
    assert result.winners == {"yes"}
    # without the blocking-minority rule the same three would block
    votes = [(s, "no" if s in ("DE", "FR", "IT") else "yes", 1) for s in EU]
    plain = double_majority(
        votes, members=EU, states_share=EU_STATES_SHARE, population_share=EU_POPULATION_SHARE
    )
    assert plain.winners == {"no"}
    assert plain.detail["blocking_minority"] is None


def test_eu_four_members_block_only_with_more_than_35_percent() -> None:
    light = council(no=("DE", "FR", "MT", "LU"))  # 34.07 % of the population against
    assert light.detail["population"]["percent"] == "65.92"
    assert light.winners == {"yes"}
    heavy = council(no=("DE", "FR", "HR", "LT"))  # 35.30 % against
    assert heavy.detail["population"]["percent"] == "64.70"
    assert heavy.winners == {"no"}


def test_eu_abstention_counts_as_not_yes() -> None:
    assert council(no=("DE", "FR", "PL")).winners == {"yes"}  # three cannot block
    # an abstaining fourth state makes a blocking minority, exactly as a no would
    abstained = council(no=("DE", "FR", "PL"), abstain=("NL",))
    assert abstained.detail["abstain"] == 1
    assert abstained.detail["population"]["percent"] == "54.03"
    assert abstained.detail["blocking_minority"] == {"required_members": 4, "members": 4}
    assert abstained.winners == {"no"}
    assert council(no=("DE", "FR", "PL", "NL")).detail == abstained.detail | {"no": 4, "abstain": 0}
    # and so does staying away
    away = council(no=("DE", "FR", "PL"), absent=("NL",))
    assert away.detail["absent"] == 1
    assert away.winners == {"no"}


def test_eu_member_states_criterion() -> None:
    smallest_first = sorted(EU, key=EU.__getitem__)
    # the 15 largest say yes: 15/27 = 55.56 % of the members, 91.89 % of the population
    fifteen = council(no=tuple(smallest_first[:12]))
    assert fifteen.detail["states"]["share"] == "15/27"
    assert fifteen.detail["states"]["percent"] == "55.55"
    assert fifteen.winners == {"yes"}
    fourteen = council(no=tuple(smallest_first[:13]))
    assert fourteen.detail["states"]["percent"] == "51.85"
    assert fourteen.detail["population"]["met"] is True
    assert fourteen.winners == {"no"}
    # the 15 smallest say yes: enough members, 13.72 % of the population
    small = council(no=tuple(smallest_first[15:]))
    assert small.detail["states"]["met"] is True
    assert small.detail["population"]["percent"] == "13.72"
    assert small.winners == {"no"}


def test_exact_boundaries_are_met() -> None:
    twenty = {f"n{i:02d}": 5 for i in range(20)}  # 100 people in all
    eleven = [(f"n{i:02d}", "yes" if i < 11 else "no", 1) for i in range(20)]
    result = double_majority(
        eleven, members=twenty, states_share=Fraction(55, 100), population_share=Fraction(1, 2)
    )
    assert result.detail["states"]["share"] == "11/20"
    assert result.detail["states"]["percent"] == "55.00"
    assert result.winners == {"yes"}
    ten = [(node, "abstain" if node == "n10" else choice, w) for node, choice, w in eleven]
    assert double_majority(
        ten, members=twenty, states_share=Fraction(55, 100), population_share=Fraction(1, 2)
    ).winners == {"no"}

    populations = {"a": 40, "b": 25, "c": 20, "d": 15}
    yes_ab = [("a", "yes", 1), ("b", "yes", 1), ("c", "no", 1), ("d", "no", 1)]
    exact = double_majority(
        yes_ab, members=populations, states_share=Fraction(1, 2), population_share=Fraction(65, 100)
    )
    assert exact.detail["population"]["share"] == "65/100"
    assert exact.detail["population"]["percent"] == "65.00"
    assert exact.winners == {"yes"}
    short = {**populations, "b": 24, "d": 16}
    assert double_majority(
        yes_ab, members=short, states_share=Fraction(1, 2), population_share=Fraction(65, 100)
    ).winners == {"no"}


def test_bad_double_majority_votes_are_refused() -> None:
    def run(votes: list[tuple[str, str, int]]) -> Result:
        return double_majority(
            votes,
            members={"a": 1, "b": 2},
            states_share=Fraction(1, 2),
            population_share=Fraction(1, 2),
        )

    with pytest.raises(ValueError, match="not a member"):
        run([("z", "yes", 1)])
    with pytest.raises(ValueError, match="voted twice"):
        run([("a", "yes", 1), ("a", "no", 1)])
    with pytest.raises(ValueError, match="not delegated"):
        run([("a", "yes", 2)])
    with pytest.raises(ValueError, match="yes, no or abstain"):
        run([("a", "oui", 1)])
    with pytest.raises(ValueError, match="no population"):
        double_majority(
            [], members={"a": 0}, states_share=Fraction(1, 2), population_share=Fraction(1, 2)
        )


@given(
    st.lists(st.integers(0, 50), min_size=1, max_size=9),
    st.data(),
    shares,
    shares,
    st.none() | st.integers(0, 5),
)
def test_double_majority_agrees_with_rational_arithmetic(
    populations: list[int],
    data: st.DataObject,
    states_share: Fraction,
    population_share: Fraction,
    blocking: int | None,
) -> None:
    if sum(populations) == 0:
        populations[0] = 1
    members = {f"n{i}": p for i, p in enumerate(populations)}
    choices = data.draw(
        st.lists(
            st.sampled_from(["yes", "no", "abstain", "absent"]),
            min_size=len(members),
            max_size=len(members),
        )
    )
    votes = [(n, c, 1) for n, c in zip(members, choices, strict=True) if c != "absent"]
    result = double_majority(
        votes,
        members=members,
        states_share=states_share,
        population_share=population_share,
        blocking_minority=blocking,
    )
    yes = [n for n, c in zip(members, choices, strict=True) if c == "yes"]
    states_ok = Fraction(len(yes), len(members)) >= states_share
    population_ok = Fraction(sum(members[n] for n in yes), sum(populations)) >= population_share
    deemed = blocking is not None and len(members) - len(yes) < blocking
    assert result.detail["passed"] == (states_ok and (population_ok or deemed))
    assert_json_ready(result.detail)
