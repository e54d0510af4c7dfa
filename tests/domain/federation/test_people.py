"""Counting each person once across precincts, checked against a direct count of people:
the same people and ballots, kept by person rather than by precinct."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.domain.errors import DomainError
from commonweal.domain.federation.calls import canonical, subtotal_of
from commonweal.domain.federation.people import count_once, distinct_people, parse_people

CHOICES = ("yes", "no", "abstain")


def nullifier(person: int) -> str:
    return hashlib.sha256(f"person {person}".encode()).hexdigest()


def report(members: dict[int, str | None], index: int) -> dict[str, Any]:
    """A precinct's report: its members (person → choice or None) as subtotal and people."""
    ballots = [{"choice": c} for c in members.values() if c is not None]
    subtotal = subtotal_of(ballots, len(members))
    position = {canonical(b): i for i, (b, _n) in enumerate(subtotal["patterns"])}
    people = [
        [nullifier(p), None if c is None else position[canonical({"choice": c})]]
        for p, c in members.items()
    ]
    return {**subtotal, "people": parse_people(people, subtotal), "index": index}


precinct = st.dictionaries(
    st.integers(0, 12), st.one_of(st.none(), st.sampled_from(CHOICES)), max_size=8
)


@settings(max_examples=200, deadline=None)
@given(st.lists(precinct, min_size=1, max_size=4))
def test_each_person_counts_once(precincts: list[dict[int, str | None]]) -> None:
    reports = {f"node-{i}": report(m, index=10 + i) for i, m in enumerate(precincts)}
    once = count_once(reports)
    # The direct count, person by person: a person's ballot is their first one in
    # report order; everyone anywhere is one member of the electorate.
    everyone = {p for members in precincts for p in members}
    ballot: dict[int, str] = {}
    for members in precincts:
        for person, choice in members.items():
            if choice is not None:
                ballot.setdefault(person, choice)
    expected: dict[str, int] = {}
    for choice in ballot.values():
        expected[choice] = expected.get(choice, 0) + 1
    assert once["electorate"] == len(everyone)
    assert {b["choice"]: n for b, n in once["patterns"]} == expected
    shared = {p for p in everyone if sum(p in m for m in precincts) > 1}
    assert {d["person"] for d in once["duplicates"]} == {nullifier(p) for p in shared}
    assert sum(once["dropped"].values()) == sum(len(m) for m in precincts) - len(everyone)
    sets = [[n for n, _p in r["people"]] for r in reports.values()]
    assert distinct_people(sets) == len(everyone)


def test_the_first_report_keeps_the_ballot() -> None:
    first = report({1: "yes", 2: "no"}, index=20)
    second = report({1: "no", 3: None}, index=7)  # reported earlier
    once = count_once({"ash": first, "birch": second})
    assert once["duplicates"] == [
        {"person": nullifier(1), "counted_in": "birch", "also_in": ["ash"]}
    ]
    assert {b["choice"]: n for b, n in once["patterns"]} == {"no": 2}
    # Where the person voted in one precinct only, that ballot counts wherever reported.
    quiet = report({1: None, 4: "yes"}, index=1)
    once = count_once({"ash": first, "cedar": quiet})
    assert once["duplicates"][0]["counted_in"] == "ash"
    assert {b["choice"]: n for b, n in once["patterns"]} == {"yes": 2, "no": 1}


@pytest.mark.parametrize(
    ("people", "code"),
    [
        ([[nullifier(1), 0], [nullifier(1), None]], "double_counted"),
        ([[nullifier(1), 0]], "invalid_body"),  # fewer than the electorate
        ([[nullifier(1), None], [nullifier(2), None]], "invalid_body"),  # the ballot missing
        ([[nullifier(1), 0], ["not-hex", None]], "invalid_body"),
        ([[nullifier(1), 3], [nullifier(2), None]], "invalid_body"),  # no such pattern
    ],
)
def test_a_precinct_whose_people_do_not_add_up_is_refused(people: Any, code: str) -> None:
    subtotal = subtotal_of([{"choice": "yes"}], 2)
    with pytest.raises(DomainError) as refused:
        parse_people(people, subtotal)
    assert refused.value.code == code
