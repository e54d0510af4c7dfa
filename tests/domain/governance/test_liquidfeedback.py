"""LiquidFeedback's own results: delegation, battles, Schulze with the status quo, winners.

The scenario is LF core 3.2.0's ``test.sql`` with the tables LF computed from it.
It maps onto Commonweal as: LF unit → our "node" scope, area → "topic:<area id>",
issue → "proposal:<issue id>"; members are ``m<id>``, initiatives ``"<id>"`` and the
status quo (LF's NULL initiative id) ``"status_quo"``.

What LF counts, and so what the mapping needs:

* Its ``issue_delegation`` view keeps, per truster, the most specific delegation of
  the issue's unit/area/issue, and only for trusters who are active and have voting
  right in the unit. It places no condition on the trustee (area membership matters
  only for the population snapshot, where members of the area are the ones who
  count directly). Every member of the scenario is active and LF's ``test.sql`` gives
  all of them voting right in the one unit, so the electorate is every member.
* Only initiatives LF admitted take part in the vote (admission by supporter quorum
  is out of scope): the expected ``admitted`` flags are taken as input.
* An initiative a ballot does not grade counts as grade 0, level with the status quo.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.domain.governance.delegation import Resolution, resolve
from commonweal.domain.governance.liquid import (
    STATUS_QUO,
    Majority,
    Outcome,
    Policy,
    decide,
    graded_profile,
    schulze_ranks,
    status_quo_outcome,
)
from commonweal.domain.governance.profile import Profile
from commonweal.domain.governance.ranked import (
    METHODS,
    borda,
    instant_runoff,
    schulze,
    schulze_ranking,
)
from tests.domain.governance.oracles import MAX_TIE_BREAK_ORDERS, tie_break_orders
from tests.vectors import find_vectors

LF = find_vectors() / "governance" / "liquidfeedback"
SCENARIO = json.loads((LF / "lf_core_v3.2.0_test_sql_scenario.json").read_text())
DATA, EXPECTED = SCENARIO["data"], SCENARIO["expected"]
ISSUES = [issue["id"] for issue in DATA["issue"]]
FLAGS = (
    "positive_votes",
    "negative_votes",
    "direct_majority",
    "indirect_majority",
    "schulze_rank",
    "better_than_status_quo",
    "reverse_beat_path",
    "multistage_majority",
    "eligible",
    "winner",
    "rank",
)
LF_SCOPE = {"unit": "node", "area": "topic", "issue": "proposal"}


def member(lf_id: int) -> str:
    return f"m{lf_id}"


def option(lf_id: int | None) -> str:
    return STATUS_QUO if lf_id is None else str(lf_id)


def scope_of(row: Mapping[str, Any]) -> str:
    """Our scope for an LF delegation row (or for the ``scope`` column LF reports)."""
    kind = row["scope"]
    if kind == "unit":
        return "node"
    key = "area_id" if kind == "area" else "issue_id"
    return f"{LF_SCOPE[kind]}:{row[key]}"


def rows(table: str, issue_id: int) -> list[dict[str, Any]]:
    return [row for row in EXPECTED[table] if row["issue_id"] == issue_id]


def parse_ids(array: str) -> tuple[str, ...]:
    """LF's ``delegate_member_ids`` is a PostgreSQL array literal such as ``{10,9}``."""
    return tuple(member(int(i)) for i in array.strip("{}").split(","))


@dataclass(frozen=True)
class Issue:
    """One LF issue mapped onto our inputs."""

    id: int
    area: int
    scopes: tuple[str, ...]

    @property
    def admitted(self) -> list[str]:
        return [option(i["id"]) for i in rows("initiative", self.id) if i["admitted"]]

    def voters(self) -> set[str]:
        return {member(r["member_id"]) for r in DATA["direct_voter"] if r["issue_id"] == self.id}

    def supporters(self) -> set[str]:
        initiatives = {i["id"] for i in DATA["initiative"] if i["issue_id"] == self.id}
        return {
            member(s["member_id"]) for s in DATA["supporter"] if s["initiative_id"] in initiatives
        }

    def area_members(self) -> set[str]:
        return {member(m["member_id"]) for m in DATA["membership"] if m["area_id"] == self.area}

    def resolve(self, direct: set[str]) -> Resolution:
        return resolve(
            electorate=ELECTORATE, direct=direct, delegations=DELEGATIONS, scopes=self.scopes
        )

    def ballots(self) -> dict[str, dict[str, int]]:
        grades: dict[str, dict[str, int]] = defaultdict(dict)
        for vote in DATA["vote"]:
            if vote["issue_id"] == self.id:
                grades[member(vote["member_id"])][option(vote["initiative_id"])] = vote["grade"]
        return grades

    def profile(self) -> Profile:
        weights = self.resolve(self.voters()).weights
        ballots = self.ballots()
        return graded_profile(self.admitted, ((ballots[v], w) for v, w in weights.items()))


def issue(issue_id: int) -> Issue:
    (row,) = [i for i in DATA["issue"] if i["id"] == issue_id]
    area = row["area_id"]
    return Issue(issue_id, area, (f"proposal:{issue_id}", f"topic:{area}", "node"))


def lf_delegations() -> dict[str, dict[str, str | None]]:
    delegations: dict[str, dict[str, str | None]] = defaultdict(dict)
    for row in DATA["delegation"]:
        trustee = row["trustee_id"]
        delegations[member(row["truster_id"])][scope_of(row)] = (
            None if trustee is None else member(trustee)
        )
    return delegations


ELECTORATE = {member(m["id"]) for m in DATA["member"] if m["active"]}
DELEGATIONS = lf_delegations()
(POLICY_ROW,) = DATA["policy"]
# The scenario's policy leaves the indirect majority at LF's defaults (more than 1/2).
POLICY = Policy(
    direct_majority=Majority(
        POLICY_ROW["direct_majority_num"],
        POLICY_ROW["direct_majority_den"],
        POLICY_ROW["direct_majority_strict"],
    ),
    no_reverse_beat_path=POLICY_ROW["no_reverse_beat_path"],
    no_multistage_majority=POLICY_ROW["no_multistage_majority"],
)


@cache
def outcome(issue_id: int) -> Outcome:
    return decide(issue(issue_id).profile(), policy=POLICY)


# -- delegation ------------------------------------------------------------------------


@pytest.mark.parametrize("issue_id", ISSUES)
def test_direct_voter_weights(issue_id: int) -> None:
    resolution = issue(issue_id).resolve(issue(issue_id).voters())
    expected = {member(r["member_id"]): r["weight"] for r in rows("direct_voter", issue_id)}
    assert resolution.weights == expected
    (summary,) = [i for i in EXPECTED["issue"] if i["id"] == issue_id]
    assert resolution.total == summary["voter_count"]


@pytest.mark.parametrize("issue_id", ISSUES)
def test_delegating_voters_scope_chain_and_weight(issue_id: int) -> None:
    subject = issue(issue_id)
    resolution = subject.resolve(subject.voters())
    expected = {
        member(r["member_id"]): (
            scope_of({**r, "area_id": subject.area, "issue_id": issue_id}),
            parse_ids(r["delegate_member_ids"]),
            r["weight"],
        )
        for r in rows("delegating_voter", issue_id)
    }
    got = {m: (c.scope, c.path, c.weight) for m, c in resolution.chains.items()}
    assert got == expected
    # LF keeps no record of weight that never arrives; here member 23's chain ends at 22,
    # who neither voted nor delegates.
    assert resolution.lost == {"m23": "no_vote:m22"}


@pytest.mark.parametrize("issue_id", ISSUES)
@pytest.mark.parametrize("kind", ["population", "interest"])
def test_population_and_interest_snapshots(issue_id: int, kind: str) -> None:
    """The same resolution, with LF's snapshot members in place of the direct voters.

    At the full freeze LF counts as "interested" the supporters of the issue's
    initiatives, and as the "population" those plus the members of the issue's
    area; the delegations then run exactly as for voting. The population is
    the quorum base, delegated weight included.
    """
    subject = issue(issue_id)
    direct = subject.supporters()
    if kind == "population":
        direct |= subject.area_members()
    resolution = subject.resolve(direct)
    at_freeze = [
        r for r in rows(f"direct_{kind}_snapshot", issue_id) if r["event"] == "full_freeze"
    ]
    assert resolution.weights == {member(r["member_id"]): r["weight"] for r in at_freeze}
    delegating = [
        r for r in rows(f"delegating_{kind}_snapshot", issue_id) if r["event"] == "full_freeze"
    ]
    assert {m: (c.path, c.weight) for m, c in resolution.chains.items()} == {
        member(r["member_id"]): (parse_ids(r["delegate_member_ids"]), r["weight"])
        for r in delegating
    }
    if kind == "population":
        (summary,) = [i for i in EXPECTED["issue"] if i["id"] == issue_id]
        assert resolution.total == summary["population"]


def test_pirate_feedback_topic_delegation_beats_node_delegation() -> None:
    fixture = json.loads((LF / "pirate_feedback_test_voter_delegations.json").read_text())
    scenario = fixture["scenario"]
    delegations: dict[str, dict[str, str | None]] = defaultdict(dict)
    for row in scenario["delegations"]:
        delegations[member(row["truster"])][scope_of({**row, "area_id": row.get("area")})] = member(
            row["trustee"]
        )
    area = scenario["issue"]["area"]
    resolution = resolve(
        electorate={member(m) for m in scenario["members"]},
        direct={member(int(v)) for v in scenario["ballots"]},
        delegations=delegations,
        scopes=(f"proposal:{scenario['issue']['id']}", f"topic:{area}", "node"),
    )
    (expected,) = fixture["expected"]["delegating_voter"]
    chain = resolution.chains[member(expected["member_id"])]
    assert (chain.scope, chain.path) == (f"topic:{area}", (member(expected["delegate_member_id"]),))
    # "so the contra vote of 3 carries weight 2 and the pro vote of 2 weight 1"
    assert resolution.weights == {"m2": 1, "m3": 2}
    initiatives = [str(i) for i in scenario["issue"]["initiatives"]]
    ballots = {member(int(v)): grades for v, grades in scenario["ballots"].items()}
    profile = graded_profile(initiatives, ((ballots[v], w) for v, w in resolution.weights.items()))
    assert profile.pairwise["1", STATUS_QUO] == 1
    assert profile.pairwise[STATUS_QUO, "1"] == 2


# -- battles, Schulze with the status quo, and the winner ------------------------------


@pytest.mark.parametrize("issue_id", ISSUES)
def test_whole_battle_matrix(issue_id: int) -> None:
    profile = issue(issue_id).profile()
    expected = {
        (option(r["winning_initiative_id"]), option(r["losing_initiative_id"])): r["count"]
        for r in rows("battle", issue_id)
    }
    assert profile.pairwise == expected


@pytest.mark.parametrize("issue_id", ISSUES)
def test_every_initiative_flag_and_rank(issue_id: int) -> None:
    verdicts = outcome(issue_id).initiatives
    admitted = [r for r in rows("initiative", issue_id) if r["admitted"]]
    assert set(verdicts) == {option(r["id"]) for r in admitted}
    for row in admitted:
        verdict = verdicts[option(row["id"])]
        assert {flag: getattr(verdict, flag) for flag in FLAGS} == {
            flag: row[flag] for flag in FLAGS
        }, row["name"]


@pytest.mark.parametrize("issue_id", ISSUES)
def test_status_quo_rank_winner_and_state(issue_id: int) -> None:
    (summary,) = [i for i in EXPECTED["issue"] if i["id"] == issue_id]
    decided = outcome(issue_id)
    assert decided.status_quo_schulze_rank == summary["status_quo_schulze_rank"]
    assert decided.voter_count == summary["voter_count"]
    winners = [option(r["id"]) for r in rows("initiative", issue_id) if r["winner"]]
    assert [decided.winner] == (winners or [None])
    assert summary["state"] == ("finished_with_winner" if winners else "finished_without_winner")


@pytest.mark.parametrize("issue_id", ISSUES)
def test_lf_ranks_refine_the_margin_schulze_order(issue_id: int) -> None:
    """On this scenario LF's unique ranks only order candidates the margin Schulze ties."""
    profile = issue(issue_id).profile()
    ranks = schulze_ranks(profile)
    tiers = schulze_ranking(profile)
    ordered = sorted(profile.candidates, key=ranks.__getitem__)
    assert ordered == [c for tier in tiers for c in sorted(tier, key=ranks.__getitem__)]
    assert tiers[0] == schulze(profile).winners


def test_status_quo_outcome_reports_lf_verdict_for_a_result() -> None:
    class Threshold:
        share = Fraction(1, 2)
        strict = True

    profile = issue(1).profile()
    detail = status_quo_outcome(
        profile, Threshold(), list(profile.candidates), no_reverse_beat_path=True
    )
    assert detail["liquidfeedback"]["winner"] == "2"
    assert detail["liquidfeedback"]["initiatives"]["6"]["eligible"] is False
    json.dumps(detail)


# -- rankings with tied tiers ----------------------------------------------------------


def test_tiers_count_only_strict_preferences() -> None:
    profile = Profile.from_counts(["a", "b", "c", "d"], [(["a", ("b", "c")], 2), ([("c", "a")], 1)])
    assert profile.has_ties
    assert profile.pairwise["a", "b"] == 3  # b is unranked on the last ballot
    assert profile.pairwise["b", "c"] == 0 and profile.pairwise["c", "b"] == 1
    assert profile.pairwise["a", "c"] == 2 and profile.pairwise["c", "a"] == 0
    assert profile.pairwise["c", "d"] == 3  # unranked candidates tie at the bottom
    # a tier of one is that candidate; tiers are stored sorted, so equal ballots aggregate
    same = Profile.from_counts(["a", "b"], [([("a",), "b"], 1), (["a", "b"], 1)])
    assert same.patterns == ((("a", "b"), 2),)
    assert Profile.from_counts(["a", "b"], [([("b", "a")], 1), ([("a", "b")], 1)]).voters == 2
    assert (
        len(Profile.from_counts(["a", "b"], [([("b", "a")], 1), ([("a", "b")], 1)]).patterns) == 1
    )


def test_string_rankings_are_unchanged() -> None:
    profile = Profile.from_rankings(["a", "b", "c"], [["b", "a"], ["a"], ["b", "a"]])
    assert profile.patterns == ((("a",), 1), (("b", "a"), 2))
    assert not profile.has_ties


def test_invalid_tiered_rankings_are_refused() -> None:
    with pytest.raises(ValueError):
        Profile.from_counts(["a", "b"], [(["a", ("a", "b")], 1)])
    with pytest.raises(ValueError):
        Profile.from_counts(["a", "b"], [([("a", "z")], 1)])


def test_first_choice_methods_refuse_a_tied_top() -> None:
    profile = Profile.from_counts(["a", "b", "c"], [([("a", "b"), "c"], 1), (["c"], 1)])
    with pytest.raises(ValueError, match="ties a, b"):
        instant_runoff(profile)
    with pytest.raises(ValueError):
        METHODS["plurality"](profile)
    with pytest.raises(ValueError):
        borda(profile)
    # once b is out of the count, the ballot's top continuing choice is a alone
    assert profile.first_choices(["a", "c"]) == {"a": 1, "c": 1}
    # ties below the top are fine for IRV until they are reached
    fine = Profile.from_counts(["a", "b", "c"], [(["a", ("b", "c")], 3), (["b"], 1)])
    assert instant_runoff(fine).winners == {"a"}


def test_schulze_ranking_keeps_ties() -> None:
    cycle = Profile.from_rankings(
        ["a", "b", "c"], [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]
    )
    assert schulze_ranking(cycle) == (frozenset("abc"),)
    profile = Profile.from_counts(["a", "b", "c", "d"], [(["a", ("b", "c"), "d"], 2)])
    assert schulze_ranking(profile) == (frozenset("a"), frozenset("bc"), frozenset("d"))


def test_lf_ranks_break_every_tie() -> None:
    cycle = Profile.from_rankings(
        ["a", "b", "c"], [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]
    )
    assert sorted(schulze_ranks(cycle).values()) == [1, 2, 3]
    # nothing to go on but the order of the candidates (LF: the initiative ids)
    assert schulze_ranks(Profile.from_rankings(["x", "y"], [])) == {"x": 1, "y": 2}


tiered = st.integers(2, 5).flatmap(
    lambda n: st.lists(
        st.tuples(
            st.lists(
                st.integers(0, n), min_size=n, max_size=n
            ),  # a level per candidate; n = unranked
            st.integers(1, 3),
        ),
        min_size=1,
        max_size=12,
    ).map(lambda ballots: (n, ballots))
)


def tiers_of(levels: list[int]) -> list[tuple[str, ...]]:
    places = sorted({level for level in levels if level < len(levels)})
    return [tuple(str(c) for c, lv in enumerate(levels) if lv == place) for place in places]


@settings(max_examples=150, deadline=None)
@given(tiered)
def test_pairwise_methods_with_ties_agree_with_pref_voting(
    drawn: tuple[int, list[tuple[list[int], int]]],
) -> None:
    from pref_voting.c1_methods import copeland
    from pref_voting.margin_based_methods import beat_path, minimax, ranked_pairs
    from pref_voting.profiles_with_ties import ProfileWithTies

    size, ballots = drawn
    names = [str(i) for i in range(size)]
    ours = Profile.from_counts(names, [(tiers_of(levels), count) for levels, count in ballots])
    theirs = ProfileWithTies(
        [{c: lv for c, lv in enumerate(levels) if lv < size} for levels, _count in ballots],
        rcounts=[count for _levels, count in ballots],
        candidates=list(range(size)),
    )
    theirs.use_extended_strict_preference()  # unranked candidates tie below the ranked ones
    oracle = {"schulze": beat_path, "copeland": copeland, "minimax": minimax}
    if tie_break_orders(ours) <= MAX_TIE_BREAK_ORDERS:
        oracle["ranked_pairs"] = ranked_pairs
    for method, reference in oracle.items():
        assert METHODS[method](ours).winners == {str(c) for c in reference(theirs)}, method
    assert schulze_ranking(ours)[0] == schulze(ours).winners


graded_ballots = st.integers(1, 5).flatmap(
    lambda n: st.lists(
        st.tuples(st.lists(st.integers(-2, 2), min_size=n, max_size=n), st.integers(1, 3)),
        max_size=12,
    ).map(lambda ballots: (n, ballots))
)


@settings(max_examples=100, deadline=None)
@given(graded_ballots)
def test_lf_decision_is_consistent(drawn: tuple[int, list[tuple[list[int], int]]]) -> None:
    size, ballots = drawn
    initiatives = [str(i) for i in range(1, size + 1)]
    profile = graded_profile(
        initiatives, ((dict(zip(initiatives, grades, strict=True)), w) for grades, w in ballots)
    )
    decided = decide(profile)
    verdicts = decided.initiatives
    ranks = [v.schulze_rank for v in verdicts.values()] + [decided.status_quo_schulze_rank]
    assert sorted(ranks) == list(range(1, size + 2))
    assert sorted(v.rank for v in verdicts.values()) == list(range(1, size + 1))
    eligible = {c for c, v in verdicts.items() if v.eligible}
    if decided.winner is None:
        assert not eligible
    else:
        best = min(eligible, key=lambda c: verdicts[c].schulze_rank)
        assert decided.winner == best and verdicts[best].rank == 1
    for name, verdict in verdicts.items():
        assert verdict.positive_votes == profile.pairwise[name, STATUS_QUO]
        assert not verdict.eligible or (verdict.better_than_status_quo and verdict.direct_majority)
        assert not verdict.direct_majority or verdict.indirect_majority
        # a reverse beat path exists whenever the status quo is ranked above
        assert verdict.better_than_status_quo or verdict.reverse_beat_path
