"""Quadratic funding against clr.fund's real round, Gitcoin's linear-QF tests and the
pairwise example; and the properties every round must keep."""

from __future__ import annotations

import json
from fractions import Fraction
from itertools import combinations
from math import isqrt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.domain.funding.apportion import largest_remainder
from commonweal.domain.funding.quadratic import (
    RAW_SCALE,
    Contribution,
    aggregate,
    clrfund_allocation,
    match,
    pairwise_subsidies,
    plain_subsidies,
    pluralistic_linear_qf,
    rounded_plain_subsidies,
)

MICRO = 10**6
"""pluralistic.js's tests count in 6-decimal units (USDC); the vector file in whole units."""


def load(vectors_dir: Path, name: str) -> Any:
    return json.loads((vectors_dir / "mutual" / name).read_text())


# -- clr.fund: the ethStaker round, to the last wei ---------------------------------------


def test_clrfund_ethstaker_round_reproduces_alpha_and_all_125_claims(vectors_dir: Path) -> None:
    data = load(vectors_dir, "qf_clrfund_ethstaker_round.json")
    p = data["parameters"]
    alpha, claims = clrfund_allocation(
        data["tally_votes_per_option"],
        data["spent_voice_credits_per_option"],
        int(p["budget_wei"]),
        int(p["voice_credit_factor"]),
        int(p["alpha_precision"]),
    )
    assert alpha == int(data["expected"]["alpha"])
    assert len(claims) == 125
    assert [str(c) for c in claims] == data["expected"]["claim_amounts_wei"]
    assert sum(claims) <= int(p["budget_wei"])
    assert sum(data["spent_voice_credits_per_option"]) == int(p["total_spent_voice_credits"])


def test_clrfund_refuses_a_budget_below_the_contributions() -> None:
    with pytest.raises(ValueError, match="InvalidBudget"):
        clrfund_allocation([2, 3], [4, 9], budget=10, voice_credit_factor=1)
    with pytest.raises(ValueError, match="NoProjectHasMoreThanOneVote"):
        clrfund_allocation([1, 1], [1, 1], budget=10, voice_credit_factor=1)


def test_clrfund_shares_the_subsidy_like_scaled_plain_qf() -> None:
    """clr.fund's alpha scales V² − s exactly as a saturated plain round scales its subsidies:
    per project, claim − contributions is proportional to the plain QF subsidy."""
    votes, spent = [3, 4, 0], [5, 8, 0]  # (Σv)² − Σv² per project: 9 − 5, 16 − 8
    alpha, claims = clrfund_allocation(votes, spent, budget=10**6, voice_credit_factor=1000)
    subsidies = [c - 1000 * s for c, s in zip(claims, spent, strict=True)]
    assert subsidies[0] * 8 == pytest.approx(subsidies[1] * 4, abs=2)
    assert subsidies[2] == 0 and alpha > 0


# -- Gitcoin linear QF: five regimes ------------------------------------------------------


@pytest.fixture(scope="module")
def linear(vectors_dir: Path) -> Any:
    return load(vectors_dir, "qf_gitcoin_linearqf_example.json")


def example(linear: Any) -> dict[str, dict[str, int]]:
    return aggregate(
        Contribution(c["contributor"], c["recipient"], c["amount"] * MICRO)
        for c in linear["contributions"]
    )


def regimes(linear: Any) -> list[Any]:
    return [s for s in linear["scenarios"] if s["name"] != "single_contributor_projects"]


def micro(value: float) -> int:
    return round(Fraction(str(value)) * MICRO)


def test_the_example_subsidies_match_the_derived_sums(linear: Any) -> None:
    subsidies = plain_subsidies(example(linear))
    for project, derived in linear["derived_per_project"].items():
        if project.startswith("project"):
            assert subsidies[project] == derived["raw_qf_match"] * MICRO * RAW_SCALE


@pytest.mark.parametrize(
    "name", ["saturated", "not_saturated", "not_saturated_forced", "small_pool", "matching_cap_50"]
)
def test_pluralistic_replay_matches_gitcoin_to_the_last_micro_unit(linear: Any, name: str) -> None:
    scenario = next(s for s in regimes(linear) if s["name"] == name)
    cap = scenario["matchingCap"]
    matched = pluralistic_linear_qf(
        example(linear),
        scenario["matchAmount"] * MICRO,
        ignore_saturation=scenario["ignoreSaturation"],
        cap=None if cap is None else cap * MICRO,
    )
    assert matched == {p: micro(v) for p, v in scenario["expected_matched"].items()}


@pytest.mark.parametrize(
    "name", ["saturated", "not_saturated", "not_saturated_forced", "small_pool", "matching_cap_50"]
)
def test_commonweal_matching_agrees_and_pays_the_pool_exactly(linear: Any, name: str) -> None:
    """Where Gitcoin's arithmetic is exact we agree to the unit; with the cap Gitcoin floors
    and leaves a micro-unit unpaid, we apportion it (largest remainder) and pay the pool."""
    scenario = next(s for s in regimes(linear) if s["name"] == name)
    cap = scenario["matchingCap"]
    pool = scenario["matchAmount"] * MICRO
    result = match(
        plain_subsidies(example(linear)),
        pool,
        cap=None if cap is None else cap * MICRO,
        spend_whole_pool=scenario["ignoreSaturation"],
    )
    expected = {p: micro(v) for p, v in scenario["expected_matched"].items()}
    assert result.total == micro(scenario["expected_total"])
    if name == "matching_cap_50":
        assert result.matches == {
            "project_1": 19_318_182,
            "project_2": 30_681_818,
            "project_3": 50_000_000,
        }
        assert all(abs(result.matches[p] - expected[p]) <= 1 for p in expected)
    else:
        assert result.matches == expected
    assert result.saturated == (name != "not_saturated")


def test_a_project_with_a_single_contributor_gets_no_match(linear: Any) -> None:
    scenario = next(s for s in linear["scenarios"] if s["name"] == "single_contributor_projects")
    aggregated = aggregate(
        Contribution(c["contributor"], c["recipient"], c["amount"])
        for c in scenario["contributions"]
    )
    replayed = pluralistic_linear_qf(aggregated, scenario["matchAmount"], ignore_saturation=True)
    assert replayed == scenario["expected_matched"]
    ours = match(plain_subsidies(aggregated), scenario["matchAmount"], spend_whole_pool=True)
    assert ours.matches == scenario["expected_matched"] and ours.total == 0


def test_contributions_below_the_minimum_are_ignored(linear: Any) -> None:
    small = [
        *(
            Contribution(c["contributor"], c["recipient"], c["amount"] * MICRO)
            for c in linear["contributions"]
        ),
        Contribution("sender_1", "project_4", 100_000),
        Contribution("sender_2", "project_4", 500_000),
    ]
    assert "project_4" not in aggregate(small, minimum=MICRO)
    assert "project_4" in aggregate(small)


# -- pairwise-bounded QF (the numbers are derived, not published) ---------------------------


def test_pairwise_example_agrees_with_the_derived_numbers(vectors_dir: Path) -> None:
    """The file's outputs were *derived* by applying the published formulas to clr.py's
    example (labelled derived_by_research_not_published); we agree to 1e-6 units."""
    data = load(vectors_dir, "qf_gitcoin_clrpy_pairwise_example.json")
    derived = data["derived_by_research_not_published"]
    aggregated = {p: {who: int(v) for who, v in c.items()} for p, c in data["aggregated"].items()}
    plain = plain_subsidies(aggregated)
    pairwise = pairwise_subsidies(aggregated, 25)
    for project in ("4", "5"):
        assert plain[project] / RAW_SCALE == pytest.approx(
            derived["plain_LR_subsidy"][project], abs=1e-6
        )
        assert pairwise[project] / RAW_SCALE == pytest.approx(
            derived["vitalik_pairwise_M25"][project], abs=1e-6
        )
        assert pairwise[project] < plain[project]  # the bound only ever damps


def test_pairwise_normalisation_to_a_small_pot(vectors_dir: Path) -> None:
    """clr.py normalises its matches to the pot when they exceed it; so does a saturated round
    (derived inputs, 6-decimal units)."""
    data = load(vectors_dir, "qf_gitcoin_clrpy_pairwise_example.json")
    derived = data["derived_by_research_not_published"]
    raw = {
        p: round(Fraction(str(v)) * MICRO) * RAW_SCALE
        for p, v in derived["clr_py_T25_pot5000"].items()
        if p != "total" and p != "saturated"
    }
    result = match(raw, 100 * MICRO)
    assert result.total == 100 * MICRO and result.saturated
    for project in ("4", "5"):
        assert result.matches[project] / MICRO == pytest.approx(
            derived["clr_py_T25_pot100"][project], abs=1e-5
        )


def test_pairwise_bound_damps_a_colluding_pair() -> None:
    """Two contributors who fund many projects together count for less than strangers."""
    strangers = {"a": {"x": 100, "y": 100}, "b": {"z": 100, "w": 100}}
    friends = {"a": {"x": 100, "y": 100}, "b": {"x": 100, "y": 100}}
    assert pairwise_subsidies(friends, 50)["a"] < pairwise_subsidies(strangers, 50)["a"]
    assert plain_subsidies(friends)["a"] == plain_subsidies(strangers)["a"]


# -- properties ---------------------------------------------------------------------------

contributions = st.lists(
    st.tuples(
        st.sampled_from(["ana", "ben", "cai", "dee", "eli"]),
        st.sampled_from(["p1", "p2", "p3", "p4"]),
        st.integers(min_value=1, max_value=10**7),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(
    contributions,
    st.integers(min_value=0, max_value=10**9),
    st.one_of(st.none(), st.integers(min_value=1, max_value=10**8)),
    st.booleans(),
    st.sampled_from(["plain", "pairwise"]),
)
def test_matches_never_exceed_the_pool_and_sum_to_it_when_saturated(
    given_contributions: list[tuple[str, str, int]],
    pool: int,
    cap: int | None,
    spend_whole_pool: bool,
    method: str,
) -> None:
    aggregated = aggregate(Contribution(*c) for c in given_contributions)
    subsidies = (
        plain_subsidies(aggregated) if method == "plain" else pairwise_subsidies(aggregated, 1000)
    )
    result = match(subsidies, pool, cap=cap, spend_whole_pool=spend_whole_pool)
    assert all(amount >= 0 for amount in result.matches.values())
    assert result.total <= pool
    if cap is not None:
        assert all(amount <= cap for amount in result.matches.values())
    funded = [p for p, s in subsidies.items() if s > 0]
    if result.saturated and funded and pool:
        room = pool if cap is None else min(pool, cap * len(funded))
        assert result.total == room
    if not result.saturated:
        ideal = {p: Fraction(s, RAW_SCALE) for p, s in subsidies.items()}
        assert all(result.matches[p] <= ideal[p] for p in ideal)
    for project in subsidies:
        if subsidies[project] == 0:
            assert result.matches[project] == 0


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**6), min_size=1),
    st.integers(1, 10**6),
)
def test_largest_remainder_sums_exactly_and_moves_no_share_by_a_unit(
    weights: dict[str, int], total: int
) -> None:
    weight = sum(weights.values())
    if weight == 0:
        return
    shares = {k: Fraction(w * total, weight) for k, w in weights.items()}
    whole = largest_remainder(shares, total)
    assert sum(whole.values()) == total
    assert all(abs(whole[k] - shares[k]) < 1 for k in shares)


# -- exact subsidies: the whole subsidy is paid in full ------------------------------------


def _unsaturated(amounts: dict[str, int]) -> int:
    return match(plain_subsidies({"p": amounts}), 10**15).matches["p"]


def test_two_equal_gifts_of_600_are_matched_1200_in_full() -> None:
    # (√600 + √600)² − 1200 = 1200 exactly, though √600 is not whole
    assert _unsaturated({"a": 600, "b": 600}) == 1200


def test_gifts_of_2_and_8_are_matched_8_in_full() -> None:
    # (√2 + 2√2)² − 10 = 8
    assert _unsaturated({"a": 2, "b": 8}) == 8


def test_a_pool_exactly_equal_to_the_subsidy_is_saturated_and_paid_out() -> None:
    result = match(plain_subsidies({"p": {"a": 600, "b": 600}}), 1200)
    assert result.saturated and result.matches == {"p": 1200}


def test_the_rounded_recount_is_kept_for_old_closings_and_still_a_unit_short() -> None:
    rounded = rounded_plain_subsidies({"p": {"a": 600, "b": 600}})
    assert match(rounded, 10**15).matches["p"] == 1199


def _square_free(n: int) -> tuple[int, int]:
    """n = a²·d with d square-free, by trial division (the oracle's own way)."""
    a, d, f = 1, 1, 2
    while f * f <= n:
        while n % (f * f) == 0:
            n //= f * f
            a *= f
        if n % f == 0:
            n //= f
            d *= f
        f += 1
    return a, d * n


def _oracle_floor(amounts: list[int]) -> int:
    """⌊(Σ√c)² − Σc⌋ from Σ√c = Σ_d A_d·√d: the rational part exactly (Fractions), each
    irrational cross term √(d·d') bracketed by integer roots at 10^40."""
    classes: dict[int, int] = {}
    for c in amounts:
        a, d = _square_free(c)
        classes[d] = classes.get(d, 0) + a
    rational = Fraction(sum(a * a * d for d, a in classes.items()) - sum(amounts))
    cross = [(2 * classes[d] * classes[e], d * e) for d, e in combinations(sorted(classes), 2)]
    if not cross:
        return int(rational)  # whole: it must be paid in full
    scale = 10**40
    low = rational + sum(Fraction(k * isqrt(n * scale * scale), scale) for k, n in cross)
    high = rational + sum(Fraction(k * (isqrt(n * scale * scale) + 1), scale) for k, n in cross)
    assert int(low) == int(high), "the oracle's bracket straddles a unit"
    return int(low)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=10**6), min_size=2, max_size=8),
    st.integers(min_value=1, max_value=50),
)
def test_an_unsaturated_match_is_the_exact_subsidy_floored_once(
    amounts: list[int], scale: int
) -> None:
    # equal gifts and gifts of one square-free class make whole subsidies: test them often
    scaled = [a * scale * scale for a in amounts[:2]] + amounts[2:]
    for case in (amounts, scaled, [amounts[0]] * len(amounts)):
        given_amounts = {f"c{i}": a for i, a in enumerate(case)}
        subsidy = plain_subsidies({"p": given_amounts})["p"]
        expected = _oracle_floor(case)
        assert subsidy // RAW_SCALE == expected
        assert _unsaturated(given_amounts) == expected
        saturated = match({"p": subsidy}, expected)
        assert saturated.saturated and saturated.matches == {"p": expected}
