"""Network-wide votes counted by precinct: each subtotal is its node's recount, and the
alliance's per-capita result is exactly the count of every ballot in one place."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.domain.catalog import default_registry
from commonweal.domain.federation import alliance, precincts
from commonweal.domain.federation.calls import pool, pooled_turnout, subtotal_of
from commonweal.domain.federation.recognition import GRANTED
from commonweal.domain.governance.counters import COUNTERS, Count
from commonweal.domain.governance.turnout import Turnout
from commonweal.domain.state import State
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services.federation.alliance import PART_BYTES, split_people
from commonweal.node.services.federation.nullifiers import in_process, people_of
from tests.builders import Clock
from tests.federation import alliance_constitution, as_node, make_place, recognition_body

SIZES = {"Aster": 5, "Birch": 3, "Cedar": 4}
NAMES = ("alice", "bob", "carol", "dan", "eve")


class Network:
    def __init__(self, root: Path, clock: Clock, weighting: str) -> None:
        self.clock = clock
        self.nodes = {
            name: make_place(root, name, clock, members=NAMES[:size])
            for name, size in SIZES.items()
        }
        self.alliance = make_place(
            root,
            "Alliance",
            clock,
            members=(),
            founders=[p.node.identity.key_did for p in self.nodes.values()],
            constitution=alliance_constitution(weighting),
        )
        for place in self.nodes.values():
            place.act("alice", GRANTED, recognition_body(self.alliance.node, alliance=True))
        self.precinct: dict[str, int] = {}

    def call(self, kind: str, options: list[str], caller: str = "Aster") -> int:
        body = alliance.call_for(self.alliance.node.state, kind, "Join the seed bank", "", options)
        return as_node(self.nodes[caller].node, self.alliance.node, alliance.CALLED, body).index

    def open(self, vote: int) -> None:
        record = self.alliance.node.state.get(alliance.NETWORK_VOTES, vote)
        for name, place in self.nodes.items():
            body = {
                "alliance": self.alliance.did,
                "vote": vote,
                "call": record["call"],
                "voting_until": record["voting_until"],
            }
            self.precinct[name] = place.node.submit_as_node(precincts.OPENED, body).index

    def ballot(self, node: str, member: str, ballot: dict[str, Any]) -> None:
        body = {"precinct": self.precinct[node], "ballot": ballot}
        self.nodes[node].act(member, precincts.BALLOT_CAST, body)

    def close_and_report(self, vote: int) -> None:
        for name, place in self.nodes.items():
            record = place.node.state.get(precincts.PRECINCTS, self.precinct[name])
            subtotal = precincts.subtotal(place.node.state, record)
            closed = place.node.submit_as_node(
                precincts.CLOSED, {"precinct": self.precinct[name], "subtotal": subtotal}
            )
            source = {
                "origin": place.node.identity.origin,
                "precinct": self.precinct[name],
                "closed": closed.index,
            }
            evaluate = in_process(self.alliance.node, place.node.identity.key_did, vote)
            people = people_of(place.node, self.precinct[name], evaluate)
            body = {"vote": vote, "subtotal": subtotal, "source": source, "people": people}
            as_node(place.node, self.alliance.node, alliance.REPORTED, body)

    def close(self, vote: int) -> dict[str, Any]:
        state = self.alliance.node.state
        record = state.get(alliance.NETWORK_VOTES, vote)
        result = alliance.network_result(state, record, node_did=self.alliance.did)
        self.alliance.node.submit_as_node(alliance.CLOSED, {"vote": vote, "result": result})
        closed: dict[str, Any] = state.get(alliance.NETWORK_VOTES, vote)["result"]
        return closed

    def all_ballots(self) -> dict[str, dict[str, Any]]:
        cast = {}
        for name, place in self.nodes.items():
            ballots = place.node.state.tables.get(precincts.ballots_table(self.precinct[name]), {})
            cast.update({str(voter): b for voter, b in ballots.items()})
        return cast

    def verify_all(self) -> None:
        for place in [*self.nodes.values(), self.alliance]:
            store = place.node.store
            assert verify_log(store, default_registry(), compare_with=store).ok

    def close_nodes(self) -> None:
        for place in [*self.nodes.values(), self.alliance]:
            place.node.close()


@pytest.fixture
def network(tmp_path: Path, clock: Clock) -> Iterator[Network]:
    net = Network(tmp_path, clock, "per_capita")
    yield net
    net.close_nodes()


def direct_count(state: State, record: dict[str, Any], cast: dict[str, Any], did: str) -> Any:
    turnout = Turnout(electorate=sum(SIZES.values()), cast=cast, extra={}, lost_delegations=0)
    return COUNTERS[record["rules"]["method"]](
        Count(state, record, turnout, record["options"], did)
    )


def test_per_capita_schulze_equals_a_direct_count(network: Network) -> None:
    vote = network.call("network-choice", ["north", "south", "east"])
    network.open(vote)
    rankings = [
        ["north", "south", "east"],
        ["south", "east", "north"],
        ["east", "north"],
        ["south", "north", "east"],
    ]
    n = 0
    for node, size in SIZES.items():
        for member in NAMES[:size]:
            network.ballot(node, member, {"ranking": rankings[n % len(rankings)]})
            n += 1
    network.ballot("Birch", "bob", {"ranking": ["north"]})  # a changed mind: newest counts
    network.clock.advance(seconds=3600)
    network.close_and_report(vote)
    result = network.close(vote)
    state = network.alliance.node.state
    record = state.get(alliance.NETWORK_VOTES, vote)
    direct = direct_count(state, record, network.all_ballots(), network.alliance.did)
    assert result["winners"] == direct["winners"]
    assert result["pairwise"] == direct["pairwise"]
    assert result["participating"] == sum(SIZES.values())
    assert result["precincts"][network.nodes["Birch"].node.identity.key_did]["ballots"] == 3
    for name, place in network.nodes.items():
        subtotal = place.node.state.get(precincts.PRECINCTS, network.precinct[name])["subtotal"]
        reported = record["subtotals"][place.node.identity.key_did]
        assert reported["patterns"] == subtotal["patterns"]
        assert subtotal["ballots"] == SIZES[name]
    network.verify_all()


def test_refusals_keep_every_log_honest(network: Network) -> None:
    state = network.alliance.node.state
    wrong = {**alliance.call_for(state, "network", "T", "", ["adopt"]), "method": "approval"}
    with pytest.raises(Rejected) as refused:
        as_node(network.nodes["Aster"].node, network.alliance.node, alliance.CALLED, wrong)
    assert refused.value.code in ("terms_mismatch", "invalid_body")
    vote = network.call("network", ["adopt"])
    network.open(vote)
    with pytest.raises(Rejected) as refused:
        network.open(vote)
    assert refused.value.code == "already_open"
    with pytest.raises(Rejected) as refused:
        network.ballot("Aster", "stranger", {"choice": "yes"})
    assert refused.value.code == "not_a_member"
    with pytest.raises(Rejected) as refused:
        network.ballot("Aster", "alice", {"choice": "maybe"})
    assert refused.value.code == "invalid_ballot"
    network.ballot("Aster", "alice", {"choice": "yes"})
    aster = network.nodes["Aster"].node
    record = aster.state.get(precincts.PRECINCTS, network.precinct["Aster"])
    with pytest.raises(Rejected) as refused:
        aster.submit_as_node(
            precincts.CLOSED,
            {"precinct": record["id"], "subtotal": precincts.subtotal(aster.state, record)},
        )
    assert refused.value.code == "too_early"
    network.clock.advance(seconds=3600)
    forged = {"electorate": 5, "ballots": 5, "patterns": [[{"choice": "yes"}, 5]]}
    with pytest.raises(Rejected) as refused:
        aster.submit_as_node(precincts.CLOSED, {"precinct": record["id"], "subtotal": forged})
    assert refused.value.code == "tally_mismatch"
    vote_record = state.get(alliance.NETWORK_VOTES, vote)
    result = alliance.network_result(state, vote_record, node_did=network.alliance.did)
    with pytest.raises(Rejected) as refused:
        network.alliance.node.submit_as_node(alliance.CLOSED, {"vote": vote, "result": result})
    assert refused.value.code == "too_early"  # nobody reported yet, reporting still open
    network.close_and_report(vote)
    again = {
        "vote": vote,
        "subtotal": forged,
        "source": {"origin": "o", "precinct": 1, "closed": 2},
        "people": [],
    }
    with pytest.raises(Rejected) as refused:
        as_node(aster, network.alliance.node, alliance.REPORTED, again)
    assert refused.value.code == "already_reported"
    with pytest.raises(Rejected) as refused:
        as_node(network.alliance.node, network.alliance.node, alliance.REPORTED, again)
    assert refused.value.code == "not_a_member"
    result = network.close(vote)
    assert result["counts"] == {"yes": 1, "no": 0, "abstain": 0} and result["passed"]
    network.verify_all()


def test_one_node_one_vote_and_double_majority(tmp_path: Path, clock: Clock) -> None:
    for weighting in ("one_node_one_vote", "double_majority"):
        net = Network(tmp_path / weighting, clock, weighting)
        for name, size in SIZES.items():
            as_node(
                net.nodes[name].node,
                net.alliance.node,
                "governance.population.reported",
                {"population": size * 1000},
            )
        vote = net.call("network", ["adopt"])
        net.open(vote)
        # Aster (5 members) says no 3-2; Birch and Cedar say yes.
        for member, choice in zip(NAMES, ["no", "no", "no", "yes", "yes"], strict=True):
            net.ballot("Aster", member, {"choice": choice})
        net.ballot("Birch", "alice", {"choice": "yes"})
        net.ballot("Cedar", "alice", {"choice": "yes"})
        net.ballot("Cedar", "bob", {"choice": "abstain"})
        net.clock.advance(seconds=3600)
        net.close_and_report(vote)
        result = net.close(vote)
        keys = {name: p.node.identity.key_did for name, p in net.nodes.items()}
        assert result["node_votes"] == {
            keys["Aster"]: "no",
            keys["Birch"]: "yes",
            keys["Cedar"]: "yes",
        }
        if weighting == "one_node_one_vote":
            assert result["counts"]["yes"] == 2 and result["passed"]
        else:
            # 2 of 3 nodes (67 % ≥ 55 %) hold 7,000 of 12,000 people (58 % < 65 %), but one
            # node alone is no blocking minority (the Council's rule needs four): deemed met
            population = result["counts"]["population"]
            assert (population["yes"], population["of"]) == (7000, 12000)
            assert not population["met"] and population["deemed_met"]
            assert result["passed"]
        net.verify_all()
        net.close_nodes()


# -- the pooled count equals the direct count, for any ballots split any way -------------

OPTIONS = ["a", "b", "c", "d"]


def ballots_for(method: str) -> st.SearchStrategy[dict[str, Any]]:
    if method in ("yes_no",):
        return st.sampled_from(["yes", "no", "abstain"]).map(lambda c: {"choice": c})
    if method == "plurality":
        return st.sampled_from(OPTIONS).map(lambda c: {"choice": c})
    if method == "approval":
        return st.sets(st.sampled_from(OPTIONS)).map(
            lambda s: {"approve": sorted(s, key=OPTIONS.index)}
        )
    if method in ("score", "star"):
        return st.dictionaries(st.sampled_from(OPTIONS), st.integers(0, 5)).map(
            lambda d: {"scores": {o: d[o] for o in OPTIONS if o in d}}
        )
    return st.permutations(OPTIONS).flatmap(
        lambda p: st.integers(1, len(p)).map(lambda k: {"ranking": list(p[:k])})
    )


METHODS = ["yes_no", "plurality", "approval", "score", "star", "instant_runoff", "schulze"]


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(METHODS),
    data=st.data(),
)
def test_pooled_precincts_count_as_one(method: str, data: st.DataObject) -> None:
    ballots = data.draw(st.lists(ballots_for(method), min_size=1, max_size=40))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(ballots)), min_size=2, max_size=2)))
    parts = [ballots[: cuts[0]], ballots[cuts[0] : cuts[1]], ballots[cuts[1] :]]
    electorate = len(ballots) + 3
    subtotals = [subtotal_of(part, len(part) + 1) for part in parts]
    assert sum(s["ballots"] for s in subtotals) == len(ballots)
    options = ["adopt"] if method == "yes_no" else OPTIONS
    rules: dict[str, Any] = {
        "method": method,
        "options": {"max_score": 5} if method in ("score", "star") else {},
        "threshold": {"more_than": "1/2"},
    }
    if method == "schulze":
        rules["options"] = {"status_quo": False}
    record = {"id": 7, "rules": rules}
    state = State()
    pooled = pooled_turnout(electorate, pool(subtotals))
    direct = Turnout(
        electorate=electorate,
        cast={f"voter {n}": b for n, b in enumerate(ballots)},
        extra={},
        lost_delegations=0,
    )
    counter = COUNTERS[method]
    assert counter(Count(state, record, pooled, options, "did:x")) == counter(
        Count(state, record, direct, options, "did:x")
    )
    assert pooled.participating == direct.participating


def test_a_big_precinct_sends_its_people_in_parts(network: Network) -> None:
    """1,500 people do not fit in one event: the report carries the first part and
    ``federation.subtotal.people`` the rest; until all are in, the precinct is not
    counted, and a part out of order or beyond the electorate is refused."""
    vote = network.call("network", ["adopt"])
    alliance_node = network.alliance.node
    aster, birch = network.nodes["Aster"].node, network.nodes["Birch"].node
    electorate = 1500
    people = sorted(
        [hashlib.sha256(str(n).encode()).hexdigest(), 0 if n < 700 else None]
        for n in range(electorate)
    )
    subtotal = {"electorate": electorate, "ballots": 700, "patterns": [[{"choice": "yes"}, 700]]}
    parts = split_people(people, first=PART_BYTES - len(orjson.dumps(subtotal)))
    assert len(parts) >= 3 and sum(len(p) for p in parts) == electorate
    source = {"origin": "aster.example", "precinct": 1, "closed": 2}
    with pytest.raises(Rejected) as refused:
        as_node(aster, alliance_node, alliance.PEOPLE, {"vote": vote, "people": parts[1]})
    assert refused.value.code == "not_reported"
    body = {"vote": vote, "subtotal": subtotal, "source": source, "people": parts[0]}
    as_node(aster, alliance_node, alliance.REPORTED, body)  # under 64 KiB, or refused
    with pytest.raises(Rejected) as refused:  # a part that goes back before the last
        as_node(aster, alliance_node, alliance.PEOPLE, {"vote": vote, "people": parts[0][:1]})
    assert refused.value.code == "invalid_body"
    with pytest.raises(Rejected) as refused:  # a part that goes back over the first
        as_node(aster, alliance_node, alliance.PEOPLE, {"vote": vote, "people": parts[0][-1:]})
    assert refused.value.code == "double_counted"
    for part in parts[1:]:
        record = alliance_node.state.get(alliance.NETWORK_VOTES, vote)
        result = alliance.network_result(alliance_node.state, record, node_did=network.alliance.did)
        assert result["reported"] == 0  # not counted until complete
        as_node(aster, alliance_node, alliance.PEOPLE, {"vote": vote, "people": part})
    record = alliance_node.state.get(alliance.NETWORK_VOTES, vote)
    result = alliance.network_result(alliance_node.state, record, node_did=network.alliance.did)
    assert (result["reported"], result["electorate"], result["participating"]) == (1, 1500, 700)
    with pytest.raises(Rejected) as refused:
        as_node(aster, alliance_node, alliance.PEOPLE, {"vote": vote, "people": []})
    assert refused.value.code == "already_reported"
    # A precinct whose people do not add up to its subtotal is refused when complete.
    wrong = [[n, None] for n, _p in people[:3]]
    small = {"electorate": 3, "ballots": 1, "patterns": [[{"choice": "no"}, 1]]}
    body = {"vote": vote, "subtotal": small, "source": source, "people": wrong}
    with pytest.raises(Rejected) as refused:
        as_node(birch, alliance_node, alliance.REPORTED, body)
    assert refused.value.code == "invalid_body"
