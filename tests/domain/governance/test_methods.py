"""Every voting method through a real node: ballots in the log, a result the node recounts.

Each kind of proposal below uses one method; the test votes through the node,
closes the vote, and checks the logged result against an independent count of the
same ballots (pref_voting where it implements the method, the domain function
otherwise), then that ``verify`` recounts the same result from the log.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commonweal.domain.catalog import default_registry
from commonweal.domain.errors import InvalidBody
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION, parse_options
from commonweal.node.kernel.setup import init_node
from commonweal.node.kernel.verify import verify_log
from commonweal.node.read_models.plain import describe_kind
from tests.builders import Clock, EventFactory
from tests.community import FOUNDERS, Community
from tests.governance import admit, close, draft, submit, to_voting, vote

HOUR = 3600
VOTERS = ("alice", "bob", "carol", "dana", "erin", "fay", "gus")


def kind(method: str, **options: Any) -> dict[str, Any]:
    rules: dict[str, Any] = {
        "title": method,
        "proposers": "members",
        "electorate": "members",
        "discussion_seconds": HOUR,
        "voting_seconds": HOUR,
        "quorum": "0",
        "method": method,
        "options": options,
        "delegation": method not in ("consent", "double_majority"),
        "actions": [],
    }
    if method == "double_majority":
        rules["electorate"] = {"role": "member-node"}
    return rules


CONSTITUTION = {
    **DEFAULT_CONSTITUTION,
    "kinds": {
        **DEFAULT_CONSTITUTION["kinds"],
        "plural": kind("plurality"),
        "approve": kind("approval"),
        "scores": kind("score", max_score=5),
        "stars": kind("star", max_score=5),
        "quad": kind("quadratic", credits=25),
        "irv": kind("instant_runoff"),
        "beatpath": kind("schulze", status_quo=False),
        "pairs": kind("ranked_pairs", status_quo=False),
        "liquid": kind("schulze", status_quo=True),  # no_reverse_beat_path unstated: on
        "lf": kind("schulze", status_quo=True, no_reverse_beat_path=False),  # LF's default
        "lf-strict": kind("ranked_pairs", status_quo=True, no_reverse_beat_path=True),
        "seats": kind("stv", seats=2),
        "circle": kind("consent"),
        "council": kind("double_majority", blocking_minority=0),
        "eu": kind("double_majority"),
    },
}


@pytest.fixture
def town(tmp_path: Path, clock: Clock) -> Iterator[Community]:
    factory = EventFactory("", clock)
    node = init_node(
        tmp_path / "node",
        name="Town",
        clock=clock,
        founders=[factory.did(name) for name in FOUNDERS],
        admission={"admission": "vouch", "vouches_required": 2},
        constitution=CONSTITUTION,
    )
    factory.node_did = node.identity.did
    community = Community(node, factory, clock)
    admit(community, *VOTERS[3:])
    yield community
    node.close()


def run_vote(
    town: Community, kind_name: str, ballots: dict[str, dict[str, Any]], alternatives: int = 3
) -> tuple[list[str], dict[str, Any]]:
    """A proposal with ``alternatives`` options, the given ballots, closed: (options, result)."""
    proposal = draft(town, kind=kind_name, title="Which colour for the door?", text="Red.")
    submit(town, proposal)
    options = [str(proposal)]
    for n in range(alternatives - 1):
        added = town.act(
            VOTERS[n + 1],
            "governance.alternative.added",
            {"proposal": proposal, "title": f"Option {n + 2}", "text": "Another colour."},
        )
        options.append(str(added.index))
    to_voting(town, proposal)
    for name, ballot in ballots.items():
        vote(town, name, proposal, _named(ballot, options))
    return options, close(town, proposal)


def _named(ballot: Any, options: list[str]) -> Any:
    """Write ballots with letters (A, B, C) and turn them into the option ids."""
    letters = {chr(ord("A") + n): o for n, o in enumerate(options)} | {"SQ": "status_quo"}
    if isinstance(ballot, str):
        return letters.get(ballot, ballot)
    if isinstance(ballot, list):
        return [_named(b, options) for b in ballot]
    if isinstance(ballot, dict):
        return {letters.get(k, k): _named(v, options) for k, v in ballot.items()}
    return ballot


def test_plurality(town: Community) -> None:
    picks = dict(zip(VOTERS, "AABBBCA", strict=True))
    options, result = run_vote(town, "plural", {v: {"choice": p} for v, p in picks.items()})
    a, b, c = options
    assert result["first_choices"] == {a: 3, b: 3, c: 1}
    assert result["winners"] == [a, b]  # a tie is kept
    assert result["tie_break"]["rule"].startswith("lot") and result["decided"][0] in (a, b)


def test_approval_with_threshold(town: Community) -> None:
    ballots = {
        "alice": ["A", "B"],
        "bob": ["B"],
        "carol": ["B", "C"],
        "dana": ["A"],
        "erin": [],
    }
    options, result = run_vote(town, "approve", {v: {"approve": b} for v, b in ballots.items()})
    a, b, c = options
    assert result["scores"] == {a: 2, b: 3, c: 1}
    assert result["winners"] == [b]
    # 3 of 5 approve the winner: more than half
    assert result["threshold"]["met"] is True and result["passed"] is True


def test_score_and_star_agree_with_pref_voting(town: Community) -> None:
    from pref_voting.grade_methods import score_voting, star
    from pref_voting.grade_profiles import GradeProfile

    marks = [
        {"A": 5, "B": 0, "C": 1},
        {"A": 5, "B": 1, "C": 0},
        {"A": 0, "B": 4, "C": 3},
        {"A": 0, "B": 4, "C": 5},
        {"A": 1, "B": 5, "C": 4},
    ]
    ballots = {v: {"scores": m} for v, m in zip(VOTERS, marks, strict=False)}
    profile = GradeProfile(marks, [0, 1, 2, 3, 4, 5], candidates=["A", "B", "C"])
    for kind_name, oracle in (("scores", score_voting), ("stars", star)):
        options, result = run_vote(town, kind_name, ballots)
        letters = dict(zip(options, "ABC", strict=True))
        assert {letters[w] for w in result["winners"]} == set(oracle(profile)), kind_name


def test_quadratic_budget_and_net_votes(town: Community) -> None:
    ballots = {"alice": {"A": 5}, "bob": {"B": 3, "A": -2}, "carol": {"B": 4}, "dana": {"C": 2}}
    options, result = run_vote(town, "quad", {v: {"votes": b} for v, b in ballots.items()})
    a, b, c = options
    assert result["votes"] == {a: 3, b: 7, c: 2}
    assert result["winners"] == [b] and result["passed"] is True
    assert result["credits_spent"] == 25 + 13 + 16 + 4


def test_quadratic_ballot_over_budget_is_refused(town: Community) -> None:
    proposal = draft(town, kind="quad")
    submit(town, proposal)
    to_voting(town, proposal)
    body = {"proposal": proposal, "ballot": {"votes": {str(proposal): 6}}}  # 36 credits > 25
    assert town.refused("alice", "governance.ballot.cast", body) == "invalid_ballot"


RANKINGS = {
    "alice": ["A", "B", "C"],
    "bob": ["A", "C", "B"],
    "carol": ["B", "C", "A"],
    "dana": ["B", "C", "A"],
    "erin": ["C", "B", "A"],
    "fay": ["C", "B"],
    "gus": ["A"],
}


@pytest.mark.parametrize(
    ("kind_name", "oracle"),
    [("irv", "instant_runoff"), ("beatpath", "beat_path"), ("pairs", "ranked_pairs")],
)
def test_ranked_methods_agree_with_pref_voting(
    town: Community, kind_name: str, oracle: str
) -> None:
    from pref_voting import iterative_methods, margin_based_methods
    from pref_voting.profiles_with_ties import ProfileWithTies

    method = getattr(
        iterative_methods if oracle == "instant_runoff" else margin_based_methods, oracle
    )
    options, result = run_vote(town, kind_name, {v: {"ranking": r} for v, r in RANKINGS.items()})
    letters = dict(zip(options, "ABC", strict=True))
    rankings = [{c: n for n, c in enumerate(r)} for r in RANKINGS.values()]
    profile = ProfileWithTies(rankings, candidates=["A", "B", "C"])
    profile.use_extended_strict_preference()
    assert {letters[w] for w in result["winners"]} == set(method(profile))


def test_schulze_with_the_status_quo_as_liquidfeedback_does(town: Community) -> None:
    ballots = {
        "alice": ["A", "SQ", "B"],
        "bob": ["A", "SQ", "B"],
        "carol": ["SQ", "A", "B"],
        "dana": ["B", "A", "SQ"],
        "erin": [["A", "B"], "SQ"],
    }
    options, result = run_vote(town, "liquid", {v: {"ranking": r} for v, r in ballots.items()}, 2)
    a, _b = options
    assert "status_quo" in result["options"]
    assert result["pairwise"][a]["status_quo"] == 4 and result["pairwise"]["status_quo"][a] == 1
    assert result["liquidfeedback"]["winner"] == a
    assert result["winners"] == [a] and result["passed"] is True


def test_the_status_quo_can_win(town: Community) -> None:
    ballots = {"alice": ["SQ", "A"], "bob": ["SQ", "A"], "carol": ["A", "SQ"]}
    _options, result = run_vote(town, "liquid", {v: {"ranking": r} for v, r in ballots.items()}, 1)
    assert result["winners"] == ["status_quo"] and result["passed"] is False


CYCLE = {
    # A beats the status quo 5–2, the status quo beats B 5–2, B beats A 4–3: Schulze
    # ranks A first, yet the status quo reaches A by a path of wins (SQ → B → A)
    "alice": ["A", "SQ", "B"],
    "bob": ["A", "SQ", "B"],
    "carol": ["A", "SQ", "B"],
    "dana": ["SQ", "B", "A"],
    "erin": ["SQ", "B", "A"],
    "fay": ["B", "A", "SQ"],
    "gus": ["B", "A", "SQ"],
}


@pytest.mark.parametrize(
    ("kind_name", "a_wins"), [("liquid", False), ("lf", True), ("lf-strict", False)]
)
def test_the_reverse_beat_path_rule_is_the_kinds_choice(
    town: Community, kind_name: str, a_wins: bool
) -> None:
    options, result = run_vote(town, kind_name, {v: {"ranking": r} for v, r in CYCLE.items()}, 2)
    a, _b = options
    verdict = result["liquidfeedback"]["initiatives"][a]
    assert verdict["better_than_status_quo"] and verdict["direct_majority"]
    assert verdict["reverse_beat_path"] is True
    assert verdict["eligible"] is a_wins
    assert result["winners"] == ([a] if a_wins else ["status_quo"])
    assert result["passed"] is a_wins
    report = verify_log(town.node.store, default_registry(), compare_with=town.node.store)
    assert report.ok, report.failures


def test_stv_elects_two(town: Community) -> None:
    from pref_voting.profiles import Profile as PvProfile
    from pref_voting.proportional_methods import stv_scottish

    strict = {v: r for v, r in RANKINGS.items() if len(r) == 3}
    options, result = run_vote(town, "seats", {v: {"ranking": r} for v, r in strict.items()})
    letters = dict(zip(options, "ABC", strict=True))
    elected = {letters[w] for w in result["winners"]}
    assert len(elected) == 2 and result["stv"]["quota"]
    theirs = stv_scottish(
        PvProfile([[ord(c) - 65 for c in r] for r in strict.values()]), num_seats=2
    )
    assert elected == {chr(65 + c) for c in theirs}


def test_consent_passes_unless_an_objection_stands(town: Community) -> None:
    ballots = {
        "alice": {"position": "consent"},
        "bob": {"position": "stand_aside", "reason": "I will be away"},
        "carol": {"position": "object", "reason": "It blocks the fire exit"},
    }
    _options, result = run_vote(town, "circle", ballots, 1)
    assert result["counts"] == {"consent": 1, "stand_aside": 1, "object": 1}
    assert result["objections"] == ["It blocks the fire exit"] and result["passed"] is False
    ballots["carol"] = {"position": "consent"}
    _options, result = run_vote(town, "circle", ballots, 1)
    assert result["passed"] is True
    body = {"position": "object"}
    proposal = draft(town, kind="circle")
    submit(town, proposal)
    to_voting(town, proposal)
    refused = town.refused(
        "alice", "governance.ballot.cast", {"proposal": proposal, "ballot": body}
    )
    assert refused == "invalid_ballot"  # an objection needs its reason


def test_double_majority_of_member_nodes(town: Community) -> None:
    # three members of this alliance are nodes, each reporting its population
    town.act("alice", "membership.role.defined", {"name": "member-node", "permissions": []})
    for name, population in (("alice", 600), ("bob", 300), ("carol", 100)):
        town.act(
            "bob", "membership.role.granted", {"member": town.did(name), "role": "member-node"}
        )
        town.act(name, "governance.population.reported", {"population": population})
    yes_yes_no = {"alice": {"choice": "yes"}, "bob": {"choice": "yes"}, "carol": {"choice": "no"}}
    no_yes_yes = {"alice": {"choice": "no"}, "bob": {"choice": "yes"}, "carol": {"choice": "yes"}}
    # two of three nodes (67 % >= 55 %) holding 900 of 1,000 people (>= 65 %): passes
    _o, result = run_vote(town, "council", yes_yes_no, 1)
    assert result["counts"]["states"]["met"] and result["counts"]["population"]["met"]
    assert result["electorate"] == 3 and result["passed"] is True
    # two of three nodes holding 400 people: fails on population
    _o, result = run_vote(town, "council", no_yes_yes, 1)
    assert result["counts"]["states"]["met"] and not result["counts"]["population"]["met"]
    assert result["passed"] is False
    # under the EU rule one withholding node is fewer than a blocking minority of four,
    # so the population criterion is deemed met
    _o, result = run_vote(town, "eu", no_yes_yes, 1)
    assert result["counts"]["population"]["deemed_met"] is True and result["passed"] is True
    # only member nodes vote
    admit(town, "hal")
    proposal = draft(town, kind="council")
    submit(town, proposal)
    to_voting(town, proposal)
    body = {"proposal": proposal, "ballot": {"choice": "yes"}}
    assert town.refused("hal", "governance.ballot.cast", body) == "forbidden"


def test_every_closed_vote_verifies(town: Community) -> None:
    run_vote(town, "seats", {v: {"ranking": r} for v, r in RANKINGS.items() if len(r) == 3})
    run_vote(town, "liquid", {"alice": {"ranking": ["A", "status_quo"]}}, 2)
    report = verify_log(town.node.store, default_registry(), compare_with=town.node.store)
    assert report.ok, report.failures


def test_an_unstated_reverse_beat_path_option_stays_unstated_in_the_normal_form() -> None:
    # a default filled in would change the constitution an old log holds
    assert parse_options("schulze", {"status_quo": True}, "o") == {"status_quo": True}
    stated = parse_options("ranked_pairs", {"no_reverse_beat_path": False}, "o")
    assert stated == {"status_quo": True, "no_reverse_beat_path": False}
    assert DEFAULT_CONSTITUTION["kinds"]["choice"]["options"]["no_reverse_beat_path"] is False
    for method, options in (
        ("schulze", {"no_reverse_beat_path": "no"}),
        ("yes_no", {"no_reverse_beat_path": True}),
    ):
        with pytest.raises(InvalidBody):
            parse_options(method, options, "o")


def test_the_constitution_in_words_says_when_the_rule_applies() -> None:
    sentence = "An alternative the status quo reaches by a path of wins or ties cannot win."
    kinds = CONSTITUTION["kinds"]
    for name, says in (("liquid", True), ("lf", False), ("lf-strict", True), ("beatpath", False)):
        assert (sentence in describe_kind(kinds[name])) is says, name


def test_a_restarted_node_shares_identical_ballots_and_counts_the_same(
    town: Community, tmp_path: Path, clock: Clock
) -> None:
    """At start-up identical ballots are loaded as one object (a million decode a few
    hundred times); the count, which then adds them up by object, is the live count."""
    from commonweal.domain.governance.counters import _ranking
    from commonweal.domain.governance.tally import count, turnout
    from commonweal.node.kernel.setup import open_node

    proposal = draft(town, kind="irv", title="Which colour for the door?", text="Red.")
    submit(town, proposal)
    options = [str(proposal)]
    for n in range(2):
        body = {"proposal": proposal, "title": f"Option {n + 2}", "text": "Another colour."}
        options.append(str(town.act(VOTERS[n + 1], "governance.alternative.added", body).index))
    to_voting(town, proposal)
    for name, ranking in RANKINGS.items():
        vote(town, name, proposal, {"ranking": _named(ranking, options)})
    record = town.node.state.get("governance.proposals", proposal)
    live = count(town.node.state, record, node_did=town.node.identity.did)
    live_patterns = turnout(town.node.state, record).patterns(_ranking)
    town.node.close()
    town.node = open_node(tmp_path / "node", clock=clock)
    ballots = town.node.state.tables[f"governance.ballots.{proposal}"]
    assert ballots[town.did("carol")] is ballots[town.did("dana")]  # the same ranking
    assert ballots[town.did("alice")] is not ballots[town.did("bob")]
    assert len({id(b) for b in ballots.values()}) == len(RANKINGS) - 1
    assert turnout(town.node.state, record).patterns(_ranking) == live_patterns
    assert count(town.node.state, record, node_did=town.node.identity.did) == live
    assert close(town, proposal) == live


def test_patterns_are_the_same_whether_ballots_share_objects_or_not() -> None:
    from commonweal.domain.governance.counters import _ranking
    from commonweal.domain.governance.tally import Turnout
    from commonweal.domain.governance.turnout import _shared

    kinds = [{"ranking": ["1", "2"]}, {"ranking": ["2"]}, {"ranking": ["3", "1", "2"]}]
    shared = {f"v{n}": kinds[n * n % 3] for n in range(3000)}
    copies = {voter: {"ranking": list(b["ranking"])} for voter, b in shared.items()}
    extra = {"v1": 5, "v2": 2}
    assert _shared(shared.values()) and not _shared(copies.values())  # both ways are taken
    by_object = Turnout(3000, shared, extra, 0).patterns(_ranking)
    one_by_one = Turnout(3000, copies, extra, 0).patterns(_ranking)
    assert by_object == one_by_one
    assert sum(weight for _ranking_, weight in by_object) == 3007
