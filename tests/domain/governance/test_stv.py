"""Scottish STV: Droop's reference counts stage by stage, pref_voting as an oracle, edge cases."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonweal.domain.governance.profile import Profile
from commonweal.domain.governance.stv import SCALE, scottish_stv
from tests.domain.governance.blt import read_blt
from tests.vectors import find_vectors

DROOP = find_vectors() / "governance" / "stv_droop"
REFERENCE = [
    (blt, DROOP / "ref" / "report" / "scotland" / f"{blt.stem}-scotland-fixed-p5-d5.txt")
    for blt in sorted((DROOP / "blt" / "scotland").glob("*.blt"))
] + [
    (DROOP / "blt" / f"{name}.blt", DROOP / "ref" / "report" / f"{name}-scotland-fixed-p5-d5.txt")
    for name in ["42", "42t", "42u", "513", "M135", "SC", "SCw", "SCwopt", "SC-Vm-12"]
]
# No reference election is skipped: none has equal preferences or ballot IDs; the withdrawn
# candidate of SCw (a negative number) and SCwopt (a [withdrawn] option) is struck from the
# ballots, and 42t's [tie] option is the order lots are drawn in.

ACTION = re.compile(r"^Action: (.*)$")
HOLDING = re.compile(r"^\t(?:Elected|Pending|Hopeful):  (.*) \((\d+\.\d{5})\)$")
TIE = re.compile(r"^Break tie by (prior stage|lot) \((.*)\): \[(.*)\] -> (.*)$")
TIE_RESOLUTION = {"prior stage": "earlier stage", "lot": "lot"}
TIE_ACTION = {"largest surplus": "transfer surplus", "defeat low candidate": "exclude"}


@dataclass
class DroopStage:
    """One stage of a Droop report: the transfer, the totals after it, who was then elected."""

    action: str
    candidate: str | None
    votes: dict[str, str]
    non_transferable: str
    residual: str
    surplus: str | None = None
    elected: list[str] = field(default_factory=list)


@dataclass
class DroopReport:
    """What a Droop report says: header, stages, ties, the candidates elected at the end."""

    ballots: int
    quota: str
    stages: list[DroopStage]
    remaining: list[str]
    ties: list[tuple[str, frozenset[str], str, str]]
    winners: frozenset[str]


def spaced(name: str) -> str:
    """Droop's BLT reader joins the words of a name with single spaces ("Ellen   Hurcombe")."""
    return re.sub(" +", " ", name)


def found(pattern: str, text: str) -> re.Match[str]:
    """The first match of ``pattern``, which must be there."""
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match


def read_report(path: Path) -> DroopReport:
    """Parse a Droop ``scotland`` report into its stages.

    Droop elects a candidate who reaches the quota with "transfer pending" and transfers
    even a surplus of 0.00000 as a stage of its own (with a lot if two such are tied). The
    SSI has no such stage, since rule 48 only transfers votes that exceed the quota; those
    stages (and their lots) are dropped here, which changes no total.
    """
    text = path.read_text("utf-8")
    ballots = int(found(r"\tBallots: (\d+)", text).group(1))
    quota = found(r"\tQuota: (\S+)", text).group(1)
    blocks: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        match = ACTION.match(line)
        if match:
            blocks.append((match.group(1), []))
        elif blocks and line.startswith("\t"):
            blocks[-1][1].append(line)
    stages: list[DroopStage] = []
    remaining: list[str] = []
    ties: list[tuple[str, frozenset[str], str, str]] = []
    winners: frozenset[str] = frozenset()
    for message, lines in blocks:
        votes = {m.group(1): m.group(2) for m in map(HOLDING.match, lines) if m}
        totals = {key: value for key, _, value in (line.strip().partition(": ") for line in lines)}
        tie = TIE.match(message)
        if message == "Begin Count":
            stage = DroopStage("first preferences", None, votes, "", "")
        elif message.startswith("Surplus transferred: "):
            name, surplus = found(r"^Surplus transferred: (.*) \((.*)\)$", message).groups()
            if surplus == "0.00000":
                if ties and ties[-1][0] == "transfer surplus" and ties[-1][2] == name:
                    ties.pop()  # a lot for the order of two zero surpluses
                continue
            stage = DroopStage("transfer surplus", name, votes, "", "", surplus=surplus)
        elif message.startswith("Transfer defeated: "):
            stage = DroopStage("exclude", message.split(": ", 1)[1], votes, "", "")
        elif message.startswith("Elect, transfer pending: "):
            stages[-1].elected.append(message.split(": ", 1)[1])
            continue
        elif message.startswith("Elect remaining candidates: "):
            remaining.append(message.split(": ", 1)[1])
            continue
        elif message == "Count Complete":
            winners = frozenset(
                m.group(1) for m in map(re.compile(r"^\tElected:  (.*) \(").match, lines) if m
            )
            continue
        elif tie:
            how, reason, tied, chosen = tie.groups()
            ties.append((TIE_ACTION[reason], frozenset(tied.split(", ")), chosen, how))
            continue
        else:
            continue
        stage.non_transferable = totals["Nontransferable votes"]
        stage.residual = totals["Residual"]
        stages.append(stage)
    ties = [(action, tied, chosen, TIE_RESOLUTION[how]) for action, tied, chosen, how in ties]
    return DroopReport(ballots, quota, stages, remaining, ties, winners)


@pytest.mark.parametrize(("blt", "report"), REFERENCE, ids=[b.stem for b, _ in REFERENCE])
def test_droop_reference_count(blt: Path, report: Path) -> None:
    election = read_blt(blt)
    reference = read_report(report)
    result = scottish_stv(election.profile(), election.seats, lot=election.lot)
    detail = json.loads(spaced(json.dumps(result.detail)))

    assert {spaced(name) for name in result.winners} == reference.winners
    assert len(result.winners) == election.seats
    assert (detail["ballots"], detail["quota"]) == (reference.ballots, reference.quota)
    stages = [r for r in detail["rounds"] if r["action"] != "elect remaining"]
    assert [(r["action"], r["candidate"]) for r in stages] == [
        (s.action, s.candidate) for s in reference.stages
    ]
    for ours, theirs in zip(stages, reference.stages, strict=True):
        assert ours["votes"] == theirs.votes, f"stage {ours['stage']}"
        assert ours["non_transferable"] == theirs.non_transferable, f"stage {ours['stage']}"
        assert ours["residual"] == theirs.residual, f"stage {ours['stage']}"
        assert ours.get("surplus") == theirs.surplus
    # Droop fills the last vacancies before electing whoever an exclusion brought to the
    # quota; the SSI (rule 47, then 52) elects them first. Both elect the same people.
    *earlier, last = stages
    assert [set(r["elected"]) for r in earlier] == [set(s.elected) for s in reference.stages[:-1]]
    closing = detail["rounds"][-1]["elected"] if detail["rounds"][-1] is not last else []
    assert set(last["elected"]) | set(closing) == set(reference.stages[-1].elected) | set(
        reference.remaining
    )
    ties = [
        (r["action"], frozenset(r["tie"]["tied"]), r["candidate"], r["tie"]["resolved_by"])
        for r in stages
        if "tie" in r
    ]
    assert ties == reference.ties
    assert len(detail["lots"]) == sum(1 for tie in reference.ties if tie[3] == "lot")


def test_reference_counts_are_nontrivial() -> None:
    # The comparison above must have material: lots, look-backs, truncation residue.
    reports = [read_report(report) for _blt, report in REFERENCE]
    assert len(reports) == 32
    ties = [tie for report in reports for tie in report.ties]
    assert {tie[3] for tie in ties} == {"lot", "earlier stage"}
    # Droop's only surplus ties are between zero surpluses, which the SSI never transfers;
    # test_surplus_tie_resolved_by_an_earlier_stage covers a real one.
    assert {tie[0] for tie in ties} == {"exclude"}
    assert any(stage.residual != "0.00000" for r in reports for stage in r.stages)
    assert sum(len(r.stages) for r in reports) > 250


# ---- pref_voting as an independent oracle ----

NAMES = "ABCDEF"


class RecordingRandom:
    """A stand-in for ``random`` that records whether pref_voting drew a lot."""

    def __init__(self) -> None:
        self.draws = 0

    def choice(self, options: list[str]) -> str:
        self.draws += 1
        return options[0]


@st.composite
def elections(draw: st.DrawFn) -> tuple[Profile, int]:
    size = draw(st.integers(3, 6))
    names = NAMES[:size]
    patterns = draw(
        st.lists(
            st.tuples(
                st.permutations(names).flatmap(
                    lambda order: st.integers(1, len(order)).map(lambda k: tuple(order[:k]))
                ),
                st.integers(1, 3),
            ),
            min_size=1,
            max_size=10,
        )
    )
    return Profile.from_counts(tuple(names), patterns), draw(st.integers(1, 3))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_agrees_with_pref_voting(election: tuple[Profile, int]) -> None:
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.proportional_methods import stv_scottish

    profile, seats = election
    ours = scottish_stv(profile, seats)
    rankings = [{name: rank for rank, name in enumerate(r)} for r, _count in profile.patterns]
    counts = [count for _ranking, count in profile.patterns]
    theirs = ProfileWithTies(rankings, rcounts=counts, candidates=list(profile.candidates))
    lots = RecordingRandom()
    expected = stv_scottish(theirs, num_seats=seats, rng=lots)
    if ours.detail["lots"] or lots.draws:
        return  # either count drew a lot: any outcome of the draw would be lawful
    assert ours.winners == frozenset(expected)


@settings(max_examples=200, deadline=None)
@given(elections())
def test_every_stage_accounts_for_every_ballot(election: tuple[Profile, int]) -> None:
    profile, seats = election
    result = scottish_stv(profile, seats)
    detail = result.detail
    assert len(result.winners) == min(seats, len(profile.candidates))
    assert len(detail["elected"]) == len(result.winners)  # nobody is elected twice
    assert set(detail["elected"]) == result.winners
    whole = detail["ballots"] * SCALE
    quota = units(detail["quota"])
    residual = 0
    for entry in detail["rounds"]:
        held = sum(units(v) for v in entry["votes"].values())
        assert held + units(entry["non_transferable"]) + units(entry["residual"]) == whole
        assert units(entry["residual"]) >= residual  # truncation only ever loses value
        residual = units(entry["residual"])
        for name in entry["elected"]:
            if entry["action"] != "elect remaining":
                assert units(entry["votes"][name]) >= quota
    assert_json_without_floats(detail)


def units(text: str) -> int:
    """A decimal string with five places as an integer number of 0.00001 units."""
    whole, fraction = text.split(".")
    assert len(fraction) == 5
    return int(whole) * SCALE + int(fraction)


def assert_json_without_floats(value: object) -> None:
    json.dumps(value)
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            assert_json_without_floats(item)
    elif isinstance(value, list):
        for item in value:
            assert_json_without_floats(item)
    else:
        assert value is None or isinstance(value, str | int), value
        assert not isinstance(value, float)


# ---- edge cases ----


def test_a_worked_count() -> None:
    # 9 ballots, 2 seats: quota 9 // 3 + 1 = 4. A has 6, a surplus of 2; each of A's papers
    # moves on at 2 * 1 / 6 = 0.33333 (truncated), so B gets 4 * 0.33333 = 1.33332 and
    # 2 * 0.33333 = 0.66666 is non-transferable; 0.00002 is lost to truncation.
    profile = Profile.from_counts("ABC", [("AB", 4), ("A", 2), ("C", 2), ("B", 1)])
    result = scottish_stv(profile, 2)
    first, surplus, exclusion, closing = result.detail["rounds"]
    assert (result.detail["ballots"], result.detail["quota"]) == (9, "4.00000")
    assert first["votes"] == {"A": "6.00000", "B": "1.00000", "C": "2.00000"}
    assert first["elected"] == ["A"]
    assert (surplus["action"], surplus["candidate"]) == ("transfer surplus", "A")
    assert surplus["surplus"] == "2.00000"
    assert surplus["votes"] == {"A": "4.00000", "B": "2.33332", "C": "2.00000"}
    assert (surplus["non_transferable"], surplus["residual"]) == ("0.66666", "0.00002")
    # C (2.00000) is below B (2.33332) and is excluded; C's papers have no next preference.
    assert (exclusion["action"], exclusion["candidate"]) == ("exclude", "C")
    assert exclusion["votes"] == {"A": "4.00000", "B": "2.33332"}
    assert exclusion["non_transferable"] == "2.66666"
    assert (closing["action"], closing["elected"]) == ("elect remaining", ["B"])  # rule 52
    assert result.winners == {"A", "B"}
    assert result.detail["elected"] == ["A", "B"]


def test_each_paper_of_a_weighted_ballot_is_truncated_on_its_own() -> None:
    # A delegate's 30 papers each move at 14 / 30 = 0.46666, giving 13.99980, not 14.
    profile = Profile.from_counts("ABC", [("AB", 30), ("C", 12), ("B", 5)])
    result = scottish_stv(profile, 2)
    assert result.detail["quota"] == "16.00000"  # 47 // 3 + 1
    surplus = result.detail["rounds"][1]
    assert surplus["votes"] == {"A": "16.00000", "B": "18.99980", "C": "12.00000"}
    assert surplus["residual"] == "0.00020"
    assert surplus["elected"] == ["B"]
    assert result.winners == {"A", "B"}


def test_huge_weights_are_counted_as_parcels() -> None:
    # 9 000 000 000 ballots in four patterns: expanding them would never finish.
    giga = 10**9
    profile = Profile.from_counts(
        "ABC", [("AB", 4 * giga), ("A", 2 * giga), ("C", 2 * giga), ("B", giga)]
    )
    result = scottish_stv(profile, 2)
    quota = 9 * giga // 3 + 1
    value = (6 * giga - quota) * SCALE // (6 * giga)  # per paper, in units of 0.00001
    assert result.detail["quota"] == f"{quota}.00000"
    assert units(result.detail["rounds"][1]["votes"]["B"]) == giga * SCALE + 4 * giga * value
    assert result.winners == {"A", "B"}


def test_fewer_candidates_than_seats_elects_them_all() -> None:
    profile = Profile.from_counts("AB", [("A", 3), ("BA", 1)])
    result = scottish_stv(profile, 3)
    assert result.winners == {"A", "B"}
    actions = [r["action"] for r in result.detail["rounds"]]
    assert actions == ["first preferences", "elect remaining"]
    assert result.detail["rounds"][0]["elected"] == ["A"]  # 3 >= quota 4 // 4 + 1 = 2
    assert result.detail["elected"] == ["A", "B"]


def test_as_many_candidates_as_seats_elects_them_all_without_transfers() -> None:
    profile = Profile.from_counts("ABC", [("A", 5), ("B", 1)])
    result = scottish_stv(profile, 3)
    assert result.winners == {"A", "B", "C"}
    assert result.detail["elected"] == ["A", "B", "C"]
    assert [r["action"] for r in result.detail["rounds"]] == [
        "first preferences",
        "elect remaining",
    ]


def test_all_ballots_exhausted() -> None:
    # Everyone votes for A alone: A's surplus is non-transferable, B and C stay at zero and
    # are tied at every stage, so a lot decides which is excluded.
    profile = Profile.from_counts("ABC", [("A", 10)])
    drawn: list[list[str]] = []

    def lot(tied: Sequence[str]) -> list[str]:
        drawn.append(list(tied))
        return list(reversed(tied))

    result = scottish_stv(profile, 2, lot=lot)
    assert result.detail["quota"] == "4.00000"
    assert drawn == [["B", "C"]]
    surplus, exclusion, closing = result.detail["rounds"][1:]
    assert surplus["non_transferable"] == "6.00000"
    assert (exclusion["action"], exclusion["candidate"]) == ("exclude", "C")
    assert closing["elected"] == ["B"]
    assert result.winners == {"A", "B"}


def test_empty_rankings_are_not_valid_ballot_papers() -> None:
    profile = Profile.from_counts("AB", [((), 7), (("B",), 1)])
    result = scottish_stv(profile, 1)
    assert (result.detail["ballots"], result.detail["quota"]) == (1, "1.00000")
    assert result.winners == {"B"}


def test_no_valid_ballots_at_all() -> None:
    profile = Profile.from_counts("AB", [((), 7)])
    result = scottish_stv(profile, 1)
    assert (result.detail["ballots"], result.detail["quota"]) == (0, "1.00000")
    assert result.detail["lots"][0]["drawn"] == ["A", "B"]
    assert result.winners == {"B"}  # the first drawn, A, is excluded


@pytest.mark.parametrize("seats", [0, -1, True, 1.5, "2"])
def test_invalid_seat_count(seats: Any) -> None:
    with pytest.raises(ValueError, match="seats"):
        scottish_stv(Profile.from_counts("AB", [("A", 1)]), seats)


def test_tied_tiers_are_refused() -> None:
    # Built directly: the profile may or may not accept tied tiers yet.
    patterns: Any = ((("A", ("B", "C")), 1),)
    tiered = Profile(("A", "B", "C"), patterns)
    with pytest.raises(ValueError, match="strict rankings"):
        scottish_stv(tiered, 1)


def test_exclusion_tie_resolved_by_an_earlier_stage() -> None:
    # Quota 15 // 3 + 1 = 6. A (1) is excluded and their paper goes to B: B 3, C 3. At the
    # first stage B had 2 and C 3, so B is excluded (rule 51(2)(a)).
    profile = Profile.from_counts("ABCDE", [("AB", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 5)])
    result = scottish_stv(profile, 2)
    rounds = result.detail["rounds"]
    assert [(r["action"], r["candidate"]) for r in rounds[1:4]] == [
        ("exclude", "A"),
        ("exclude", "B"),
        ("exclude", "C"),
    ]
    assert rounds[1]["votes"]["B"] == rounds[1]["votes"]["C"] == "3.00000"
    assert rounds[2]["tie"] == {"tied": ["B", "C"], "resolved_by": "earlier stage", "stage": 1}
    assert result.detail["lots"] == []
    assert result.winners == {"D", "E"}


def test_surplus_tie_resolved_by_an_earlier_stage() -> None:
    # Quota 34 // 5 + 1 = 7. A (10) and B (9) are elected; A's surplus of 3 moves at 0.3 a
    # paper and brings C from 6 to 9. B and C now have equal surpluses; at the first stage B
    # had more (9 to 6), so B's surplus is transferred first (rule 49(2)).
    profile = Profile.from_counts(
        "ABCDEF", [("AC", 10), ("BD", 9), ("CE", 6), ("D", 5), ("E", 2), ("F", 2)]
    )
    result = scottish_stv(profile, 4)
    rounds = result.detail["rounds"]
    assert rounds[1]["votes"]["C"] == rounds[1]["votes"]["B"] == "9.00000"
    assert rounds[1]["elected"] == ["C"]
    assert (rounds[2]["action"], rounds[2]["candidate"]) == ("transfer surplus", "B")
    assert rounds[2]["tie"] == {"tied": ["B", "C"], "resolved_by": "earlier stage", "stage": 1}
    assert (rounds[3]["action"], rounds[3]["candidate"]) == ("transfer surplus", "C")
    assert result.detail["lots"] == []


def test_a_tie_at_every_stage_is_drawn_by_lot_and_recorded() -> None:
    # Quota 11 // 3 + 1 = 4. A's surplus has nowhere to go; B, C and D have 2 each at every
    # stage, so the lot decides who is excluded first.
    profile = Profile.from_counts("ABCD", [("A", 5), ("BA", 2), ("CA", 2), ("DA", 2)])
    calls: list[list[str]] = []

    def lot(tied: Sequence[str]) -> list[str]:
        calls.append(list(tied))
        return sorted(tied, key="CDB".index)

    result = scottish_stv(profile, 2, lot=lot)
    assert calls == [["B", "C", "D"], ["B", "D"]]  # sorted by name
    exclusions = [r for r in result.detail["rounds"] if r["action"] == "exclude"]
    assert [r["candidate"] for r in exclusions] == ["C", "D"]
    assert exclusions[0]["tie"] == {
        "tied": ["B", "C", "D"],
        "resolved_by": "lot",
        "drawn": ["C", "D", "B"],
    }
    assert result.detail["lots"] == [
        {
            "stage": exclusions[0]["stage"],
            "reason": "exclusion",
            "tied": ["B", "C", "D"],
            "drawn": ["C", "D", "B"],
        },
        {
            "stage": exclusions[1]["stage"],
            "reason": "exclusion",
            "tied": ["B", "D"],
            "drawn": ["D", "B"],
        },
    ]
    assert result.winners == {"A", "B"}
    by_name = scottish_stv(profile, 2)
    assert [r["candidate"] for r in by_name.detail["rounds"] if r["action"] == "exclude"] == [
        "B",
        "C",
    ]
    assert by_name.winners == {"A", "D"}


def test_a_lot_that_does_not_order_the_tied_candidates_is_refused() -> None:
    profile = Profile.from_counts("ABC", [("A", 1), ("B", 1), ("C", 1)])
    with pytest.raises(ValueError, match="lot"):
        scottish_stv(profile, 1, lot=lambda tied: ["Z", "A", "B"])
    with pytest.raises(ValueError, match="lot"):
        scottish_stv(profile, 1, lot=lambda tied: list(tied)[:1])
