"""Conviction voting against 1Hive's test vectors, in integers and exact rationals."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.domain.funding.conviction import (
    D,
    conviction,
    effective_supply,
    exact_conviction,
    max_conviction,
    round_half_up,
    threshold,
)


@pytest.fixture(scope="module")
def vectors(vectors_dir: Path) -> dict[str, Any]:
    data = json.loads((vectors_dir / "mutual" / "conviction_voting_1hive_vectors.json").read_text())
    return {v["name"]: v for v in data["vectors"]} | {"_": data}


def scaled(value: float) -> int:
    """A parameter as the contract takes it: ·10⁷, exactly (0.9999599 → 9999599)."""
    return int(Fraction(str(value)) * D)


@pytest.mark.parametrize("name", ["conviction_alpha_0.9", "conviction_half_life_3_days"])
def test_conviction_matches_the_contract(vectors: dict[str, Any], name: str) -> None:
    v = vectors[name]
    decay = scaled(v["alpha"])
    assert conviction(decay, v["t"], v["y0"], v["x"]) == v["expected_contract"]
    exact = exact_conviction(decay, v["t"], v["y0"], v["x"])
    assert round_half_up(exact) == v["expected_contract"]
    assert float(exact) == pytest.approx(v["expected_float"], rel=1e-12)


@pytest.mark.parametrize(
    "name",
    ["threshold_alpha_0.9_all_staked", "threshold_alpha_0.9_nothing_staked_uses_min_stake"],
)
def test_threshold_matches_the_contract(vectors: dict[str, Any], name: str) -> None:
    v = vectors[name]
    supply = effective_supply(
        v["total_staked"], v["token_supply"], scaled(v["min_threshold_stake_pct"])
    )
    if "effective_supply" in v:
        assert supply == v["effective_supply"]
    needed = threshold(
        scaled(v["alpha"]), scaled(v["beta"]), scaled(v["rho"]), v["requested"], v["funds"], supply
    )
    assert needed is not None
    assert round_half_up(needed) == v["expected_contract"]
    assert float(needed) == pytest.approx(v["expected_float"], rel=1e-12)


def test_threshold_with_the_half_life_parameters_to_ten_digits(vectors: dict[str, Any]) -> None:
    v = vectors["threshold_half_life_params"]
    wei = 10**18
    supply = effective_supply(int(v["total_staked_wei"]), int(v["token_supply_wei"]), 2 * D // 10)
    needed = threshold(
        scaled(v["alpha"]),
        scaled(v["beta"]),
        scaled(v["rho"]),
        v["requested_tokens"] * wei,
        v["funds_tokens"] * wei,
        supply,
    )
    assert needed is not None
    assert f"{float(needed):.9e}" == v["expected_to_10_significant_digits"]


def test_a_request_at_or_above_beta_can_never_pass(vectors: dict[str, Any]) -> None:
    v = vectors["requested_share_at_or_above_beta"]
    assert threshold(9 * D // 10, scaled(v["beta"]), 20_000, v["requested"], v["funds"], 1) is None
    assert threshold(9 * D // 10, scaled(v["beta"]), 20_000, 1, 0, 1) is None


def test_the_derived_trajectory_and_time_to_pass(vectors: dict[str, Any]) -> None:
    """Derived values (labelled so in the file): y grows 0, 45000, 85500, 121950 with
    45000 staked at α = 0.9, and a 1000-of-15000 request passes after 2 blocks."""
    derived = vectors["_"]["derived_by_research_not_published"]
    path = derived["conviction_trajectory_alpha_0.9_x_45000"]
    for t in range(4):
        assert conviction(9 * D // 10, t, 0, 45_000) == path[f"t{t}"]
    needed = threshold(9 * D // 10, 2 * D // 10, 20_000, 1000, 15_000, 45_000)
    assert needed is not None
    blocks = next(t for t in range(100) if conviction(9 * D // 10, t, 0, 45_000) >= needed)
    assert blocks == derived["blocks_to_pass_requested_1000_of_15000_with_45000_staked_alpha_0.9"]


def test_1hive_deployment_defaults_are_read_as_the_contract_reads_them(
    vectors: dict[str, Any],
) -> None:
    defaults = vectors["_"]["deployment_defaults_1hive_readme"]
    args = [int(a) for a in defaults["aragon_init_args"].split()]
    assert args[:3] == [
        scaled(defaults["decay"]),
        scaled(defaults["maxRatio_beta"]),
        scaled(defaults["weight_rho"]),
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=D - 1),
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=10**9),
)
def test_the_contract_integers_agree_with_exact_rationals(
    decay: int, periods: int, last: int, staked: int
) -> None:
    """The 2¹²⁸ fixed point rounds each product; it never drifts more than a unit."""
    exact = exact_conviction(decay, periods, last, staked)
    assert abs(conviction(decay, periods, last, staked) - exact) <= 1


@given(st.integers(1, D - 1), st.integers(0, 10**9), st.integers(0, 10**6))
def test_conviction_never_passes_its_maximum(decay: int, staked: int, periods: int) -> None:
    assert conviction(decay, periods, 0, staked) <= max_conviction(decay, staked) + 1


def test_updating_in_steps_is_updating_at_once() -> None:
    """Bringing conviction up to date at each stake change does not bend the curve."""
    decay = 9_904_191
    at_once = exact_conviction(decay, 30, 0, 500)
    stepped = exact_conviction(decay, 18, exact_conviction(decay, 12, 0, 500), 500)
    assert at_once == stepped
