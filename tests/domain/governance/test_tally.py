"""Ranked tallies: published profiles, a real election, and pref_voting as the oracle."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.domain.governance.profile import Profile
from commonweal.domain.governance.ranked import METHODS, instant_runoff, schulze
from tests.domain.governance.oracles import MAX_TIE_BREAK_ORDERS, tie_break_orders
from tests.vectors import find_vectors

GOVERNANCE = find_vectors() / "governance"
CLASSIC = json.loads(
    (GOVERNANCE / "condorcet" / "classic_and_discriminating_profiles.json").read_text()
)
CASES = [
    (case["name"], method, expected)
    for case in CLASSIC
    for method, expected in case["expected_winners"].items()
    if method in METHODS
]


def profile_of(case: dict[str, object]) -> Profile:
    ballots = [(b["ranking"], b["count"]) for b in case["ballots"]]  # type: ignore[index, union-attr]
    return Profile.from_counts(case["candidates"], ballots)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "method", "expected"), CASES, ids=[f"{n}-{m}" for n, m, _ in CASES]
)
def test_classic_profiles(name: str, method: str, expected: list[str]) -> None:
    (case,) = [c for c in CLASSIC if c["name"] == name]
    assert METHODS[method](profile_of(case)).winners == frozenset(expected)


def burlington() -> Profile:
    rows: dict[str, list[tuple[int, str]]] = defaultdict(list)
    with (GOVERNANCE / "irv" / "us_vt_btv_2009_03_mayor.normalized.csv").open() as handle:
        for row in csv.DictReader(handle):
            rows[row["ballot_id"]].append((int(row["rank"]), row["choice"]))
    rankings = []
    for marks in rows.values():
        ranking: list[str] = []
        for _rank, choice in sorted(marks):
            if choice == "$OVERVOTE":
                break  # an overvote exhausts the ballot at that rank
            if choice != "$UNDERVOTE" and choice not in ranking:
                ranking.append(choice)
        rankings.append(ranking)
    candidates = sorted({c for r in rankings for c in r})
    return Profile.from_rankings(candidates, rankings)


def test_burlington_2009_irv_and_its_condorcet_winner() -> None:
    profile = burlington()
    assert profile.voters == 8980
    result = instant_runoff(profile)
    first, last = result.detail["rounds"][0], result.detail["rounds"][-1]
    assert (first["Bob Kiss"], first["Kurt Wright"], first["Andy Montroll"]) == (2585, 2951, 2063)
    assert last == {"Bob Kiss": 4313, "Kurt Wright": 4060}
    assert result.winners == {"Bob Kiss"}
    assert schulze(profile).winners == {"Andy Montroll"}
    assert profile.pairwise["Andy Montroll", "Bob Kiss"] == 4064


def rctab_generic_csv() -> Profile:
    """RCTab's generic-CSV fixture, with the undeclared write-ins taken off every ballot
    (RCTab eliminates them first, whatever their count; the rules here do not)."""
    path = GOVERNANCE / "rctab" / "generic_csv_test_cvr.csv"
    declared = ["Lettuce", "Broccoli", "Cucumber", "Cauliflower"]
    rankings = []
    with path.open() as handle:
        for row in csv.DictReader(handle):
            rankings.append(
                [c for _rank, c in sorted((int(row[c]), c) for c in declared if row[c])]
            )
    return Profile.from_rankings(declared, rankings)


def test_rctab_generic_csv_rounds() -> None:
    report = json.loads(
        (GOVERNANCE / "rctab" / "generic_csv_test_expected_detailed_report.json").read_text()
    )
    expected = [
        {name: int(votes) for name, votes in r["tally"].items()} for r in report["results"][1:]
    ]
    elected = [t["elected"] for t in report["results"][-1]["tallyResults"] if "elected" in t]
    result = instant_runoff(rctab_generic_csv())
    assert result.detail["rounds"] == expected  # RCTab's rounds 2-4, count for count
    assert sorted(result.winners) == elected == ["Cucumber"]


rankings = st.integers(3, 5).flatmap(
    lambda n: st.lists(st.permutations(range(n)), min_size=1, max_size=25).map(lambda rs: (n, rs))
)


@settings(max_examples=150, deadline=None)
@given(rankings)
def test_agrees_with_pref_voting(drawn: tuple[int, list[list[int]]]) -> None:
    from pref_voting.c1_methods import copeland
    from pref_voting.iterative_methods import instant_runoff as pv_irv
    from pref_voting.margin_based_methods import beat_path, minimax, ranked_pairs
    from pref_voting.profiles import Profile as PvProfile
    from pref_voting.scoring_methods import borda, plurality

    size, ballots = drawn
    names = [str(i) for i in range(size)]
    ours = Profile.from_rankings(names, [[str(c) for c in r] for r in ballots])
    theirs = PvProfile([list(r) for r in ballots])
    oracle = {
        "plurality": plurality,
        "borda": borda,
        "instant_runoff": pv_irv,
        "schulze": beat_path,
        "ranked_pairs": ranked_pairs,
        "copeland": copeland,
        "minimax": minimax,
    }
    if tie_break_orders(ours) > MAX_TIE_BREAK_ORDERS:
        # pref_voting's Ranked Pairs tries every order of tied edges (minutes when many tie).
        del oracle["ranked_pairs"]
    for method, reference in oracle.items():
        expected = frozenset(str(c) for c in reference(theirs))
        assert METHODS[method](ours).winners == expected, method
