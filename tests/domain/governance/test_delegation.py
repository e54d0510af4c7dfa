"""Delegation edge cases, one test each, and the numpy resolution against the plain one."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.domain.governance.delegation import (
    Resolution,
    chain_of,
    effective_trustee,
    final_voters,
    resolve,
    to_arrays,
    weights_of,
)

SCOPES = ("proposal:7", "topic:housing", "node")
"""The scopes of the proposal every test votes on, most specific first."""

MEMBERS = frozenset("abcdefgh")


def count(
    delegations: Mapping[str, Mapping[str, str | None]],
    *,
    voted: Collection[str],
    electorate: Collection[str] = MEMBERS,
) -> Resolution:
    return resolve(electorate=electorate, direct=voted, delegations=delegations, scopes=SCOPES)


def to(trustee: str | None, scope: str = "node") -> dict[str, str | None]:
    """One delegation, at node scope unless told otherwise."""
    return {scope: trustee}


def test_cycle_without_a_voter_loses_every_weight() -> None:
    delegations = {"a": to("b"), "b": to("c"), "c": to("a")}
    resolution = count(delegations, voted={"d"})
    assert resolution.weights == {"d": 1}
    assert resolution.chains == {}
    assert resolution.lost == {"a": "cycle", "b": "cycle", "c": "cycle"}
    view = chain_of("a", electorate=MEMBERS, direct={"d"}, delegations=delegations, scopes=SCOPES)
    assert (view["path"], view["voter"], view["status"]) == (["b", "c", "a"], None, "cycle")


def test_cycle_through_a_direct_voter_reaches_them() -> None:
    delegations = {"a": to("b"), "b": to("c"), "c": to("a")}
    resolution = count(delegations, voted={"c"})
    assert resolution.weights == {"c": 3}
    assert resolution.chains["a"].path == ("b", "c")
    assert resolution.chains["b"].path == ("c",)
    assert resolution.chains["b"].weight == 2  # b carries a's weight on to c
    assert resolution.lost == {}


def test_a_member_who_leads_into_a_cycle_is_lost_too() -> None:
    resolution = count({"a": to("b"), "b": to("c"), "c": to("b")}, voted=())
    assert resolution.lost == {"a": "cycle", "b": "cycle", "c": "cycle"}


def test_the_most_specific_scope_wins() -> None:
    everything = {"node": "b", "topic:housing": "c", "proposal:7": "d"}
    voted = {"b", "c", "d"}
    resolution = count({"a": everything}, voted=voted)
    assert (resolution.chains["a"].scope, resolution.weights["d"]) == ("proposal:7", 2)
    without_proposal = {k: v for k, v in everything.items() if k != "proposal:7"}
    resolution = count({"a": without_proposal}, voted=voted)
    assert (resolution.chains["a"].scope, resolution.weights["c"]) == ("topic:housing", 2)
    resolution = count({"a": {"node": "b", "topic:parks": "c", "proposal:8": "d"}}, voted=voted)
    assert (resolution.chains["a"].scope, resolution.weights["b"]) == ("node", 2)
    assert effective_trustee({}, SCOPES) is None


def test_explicit_no_delegation_blocks_a_broader_one() -> None:
    resolution = count({"a": {"node": "b", "topic:housing": None}}, voted={"b"})
    assert resolution.weights == {"b": 1}
    assert "a" not in resolution.chains and "a" not in resolution.lost  # a abstains
    assert effective_trustee({"node": "b", "topic:housing": None}, SCOPES) == (
        "topic:housing",
        None,
    )
    # …while a delegation for one proposal still beats a topic-wide "no delegation"
    resolution = count({"a": {"topic:housing": None, "proposal:7": "b"}}, voted={"b"})
    assert resolution.weights == {"b": 2}
    view = chain_of(
        "a",
        electorate=MEMBERS,
        direct={"b"},
        delegations={"a": {"node": "b", "proposal:7": None}},
        scopes=SCOPES,
    )
    assert view == {
        "member": "a",
        "scope": None,
        "path": [],
        "voter": None,
        "status": "not_delegating",
    }


def test_an_intermediate_who_loses_voting_rights_cuts_the_chain() -> None:
    delegations = {"a": to("b"), "b": to("c"), "d": to("c")}
    assert count(delegations, voted={"c"}).weights == {"c": 4}
    suspended = MEMBERS - {"b"}
    resolution = count(delegations, voted={"c", "b"}, electorate=suspended)
    assert resolution.weights == {"c": 2}  # b's own ballot and delegation no longer count
    assert resolution.lost == {"a": "cut:b"}
    view = chain_of("a", electorate=suspended, direct={"c"}, delegations=delegations, scopes=SCOPES)
    assert (view["path"], view["status"]) == (["b"], "cut:b")


def test_a_delegate_who_votes_after_their_delegators() -> None:
    """What counts is the state at the close, whoever voted first."""
    delegations = {"a": to("d"), "b": to("d"), "c": to("d")}
    # a has voted; d has not yet: b's and c's weight goes nowhere for now
    before = count(delegations, voted={"a"})
    assert before.weights == {"a": 1}
    assert before.lost == {"b": "no_vote:d", "c": "no_vote:d"}
    # d votes: a keeps their own vote, b and c flow to d
    after = count(delegations, voted={"a", "d"})
    assert after.weights == {"a": 1, "d": 3}
    assert set(after.chains) == {"b", "c"}


def test_transitive_chain() -> None:
    resolution = count({"a": to("b"), "b": to("c"), "c": to("d")}, voted={"d"})
    assert resolution.weights == {"d": 4}
    assert resolution.chains["a"].path == ("b", "c", "d")
    assert [resolution.chains[m].weight for m in "abc"] == [1, 2, 3]
    assert resolution.total == 4
    view = chain_of(
        "a",
        electorate=MEMBERS,
        direct={"d"},
        delegations={"a": to("b"), "b": to("c"), "c": to("d")},
        scopes=SCOPES,
    )
    assert view == {
        "member": "a",
        "scope": "node",
        "path": ["b", "c", "d"],
        "voter": "d",
        "status": "delegated",
    }


def test_a_chain_ending_at_a_non_voter_is_lost() -> None:
    resolution = count({"a": to("b"), "b": to(None, "topic:housing")}, voted=set())
    assert resolution.weights == {}
    assert resolution.lost == {"a": "no_vote:b"}


def test_a_trustee_who_is_not_a_member_cuts_the_chain() -> None:
    resolution = count({"a": to("stranger")}, voted={"stranger"})
    assert resolution.weights == {}
    assert resolution.lost == {"a": "cut:stranger"}


def test_chain_of_a_voter_and_of_an_outsider() -> None:
    voter = chain_of(
        "a", electorate=MEMBERS, direct={"a"}, delegations={"a": to("b")}, scopes=SCOPES
    )
    assert (voter["voter"], voter["status"]) == ("a", "voted")
    outsider = chain_of("z", electorate=MEMBERS, direct=(), delegations={}, scopes=SCOPES)
    assert outsider["status"] == "cut:z"


def test_arrays_append_names_outside_the_list() -> None:
    indexed = to_arrays(
        ["a", "b"],
        electorate={"a", "b"},
        direct={"b"},
        delegations={"a": to("c"), "c": to("b")},
        scopes=SCOPES,
    )
    assert indexed.members == ("a", "b", "c")
    assert indexed.trustee.tolist() == [2, -1, 1]
    assert indexed.eligible.tolist() == [True, True, False]
    assert weights_of(indexed.trustee, indexed.direct, indexed.eligible).tolist() == [0, 1, 0]


def test_pointer_jumping_follows_long_chains_and_cycles() -> None:
    size = 100_000
    trustee = np.arange(1, size + 1, dtype=np.int64)
    trustee[-1] = -1
    direct = np.zeros(size, dtype=np.bool_)
    direct[-1] = True
    eligible = np.ones(size, dtype=np.bool_)
    assert weights_of(trustee, direct, eligible)[-1] == size
    trustee[-1] = 0  # one cycle through everyone, and nobody voted
    nobody = np.zeros(size, dtype=np.bool_)
    assert (final_voters(trustee, nobody, eligible) == -1).all()
    nobody[size // 2] = True  # …and now someone on it did
    assert weights_of(trustee, nobody, eligible)[size // 2] == size


# -- the numpy resolution agrees with the plain one ------------------------------------

NAMES = [f"m{i}" for i in range(10)]
POOL = [*NAMES, "outsider"]
ALL_SCOPES = [*SCOPES, "proposal:8", "topic:parks"]


@st.composite
def electorates(
    draw: st.DrawFn,
) -> tuple[set[str], set[str], dict[str, dict[str, str | None]]]:
    names = NAMES[: draw(st.integers(1, len(NAMES)))]
    pool = [*names, "outsider"]
    electorate = draw(st.sets(st.sampled_from(names)))
    direct = draw(st.sets(st.sampled_from(pool)))
    delegations = draw(
        st.dictionaries(
            st.sampled_from(pool),
            st.dictionaries(
                st.sampled_from(ALL_SCOPES), st.none() | st.sampled_from(pool), max_size=3
            ),
        )
    )
    return electorate, direct, delegations


@settings(max_examples=300, deadline=None)
@given(electorates())
def test_numpy_resolution_agrees_with_resolve(
    drawn: tuple[set[str], set[str], dict[str, dict[str, str | None]]],
) -> None:
    electorate, direct, delegations = drawn
    resolution = resolve(
        electorate=electorate, direct=direct, delegations=delegations, scopes=SCOPES
    )
    indexed = to_arrays(
        sorted(electorate),
        electorate=electorate,
        direct=direct,
        delegations=delegations,
        scopes=SCOPES,
    )
    weights = weights_of(indexed.trustee, indexed.direct, indexed.eligible)
    final = final_voters(indexed.trustee, indexed.direct, indexed.eligible)
    for i, name in enumerate(indexed.members):
        assert weights[i] == resolution.weights.get(name, 0), name
        if name in resolution.chains:
            assert indexed.members[final[i]] == resolution.chains[name].voter
        elif name in resolution.weights:
            assert final[i] == i
        else:
            assert final[i] == -1
    # every member of the electorate is a voter, in a chain, lost, or abstaining
    voting = set(resolution.weights) | set(resolution.chains)
    assert resolution.total == len(voting)
    assert not voting & set(resolution.lost)
    for name in electorate:
        view = chain_of(
            name, electorate=electorate, direct=direct, delegations=delegations, scopes=SCOPES
        )
        if name in resolution.chains:
            assert view["status"] == "delegated"
            assert tuple(view["path"]) == resolution.chains[name].path
        elif name in resolution.lost:
            assert view["status"] == resolution.lost[name]
        elif name in resolution.weights:
            assert view["status"] == "voted"
        else:
            assert view["status"] == "not_delegating"
