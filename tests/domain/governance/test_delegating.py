"""Liquid democracy through a real node: delegations as events, weights in the closing tally."""

from __future__ import annotations

from commonweal.node.services import governance
from tests.community import Community
from tests.governance import admit, close, delegate, draft, submit, to_voting, vote

SET = "governance.delegation.set"


def voting(community: Community, topic: str = "general", kind: str = "decision") -> int:
    proposal = draft(community, topic=topic, kind=kind)
    submit(community, proposal)
    to_voting(community, proposal)
    return proposal


def test_delegation_events_are_checked(community: Community) -> None:
    admit(community, "dana")
    me = {"scope": "node", "trustee": community.did("dana")}
    to_self = {**me, "trustee": community.did("dana")}
    assert community.refused("dana", SET, to_self) == "invalid_body"
    to_stranger = {**me, "trustee": community.did("zed")}
    assert community.refused("dana", SET, to_stranger) == "not_a_member"
    assert community.refused("zed", SET, me) == "not_a_member"
    assert community.refused("alice", SET, {**me, "scope": "topic:weather"}) == "invalid_body"
    assert community.refused("alice", SET, {**me, "scope": "proposal:999"}) == "not_found"
    assert community.refused("alice", SET, {**me, "scope": "everything"}) == "invalid_body"
    community.act("alice", SET, me)
    revoke = {"scope": "topic:general"}
    assert community.refused("alice", "governance.delegation.revoked", revoke) == "no_delegation"
    community.act("alice", "governance.delegation.revoked", {"scope": "node"})
    assert community.node.state.get("governance.delegations", community.did("alice")) is None


def test_transitive_chain_and_the_most_specific_scope(community: Community) -> None:
    admit(community, "dana", "erin", "fay")
    delegate(community, "bob", "alice")  # node-wide
    delegate(community, "carol", "bob", "topic:money")  # topic: carol → bob → alice
    delegate(community, "dana", "bob")  # node-wide ...
    delegate(community, "dana", None, "topic:money")  # ... but explicitly no one for money
    delegate(community, "erin", "alice", "topic:money")
    proposal = voting(community, topic="money")
    delegate(community, "erin", "fay", f"proposal:{proposal}")  # the proposal scope wins
    vote(community, "alice", proposal, {"choice": "yes"})
    vote(community, "fay", proposal, {"choice": "no"})
    result = close(community, proposal)
    # alice carries bob and carol (3); fay carries erin (2); dana's weight stays home
    assert result["counts"] == {"yes": 3, "no": 2, "abstain": 0}
    assert result["direct_voters"] == 2 and result["delegated_weight"] == 3
    assert result["participating"] == 5 and result["electorate"] == 6


def test_a_direct_vote_overrides_and_a_delegate_may_vote_after_their_delegators(
    community: Community,
) -> None:
    admit(community, "dana")
    delegate(community, "bob", "alice")
    delegate(community, "carol", "alice")
    proposal = voting(community)
    vote(community, "carol", proposal, {"choice": "no"})  # carol votes herself: her own ballot
    path = governance.vote_path(community.node, proposal, community.did("bob"))
    assert path["chain"]["status"] == "no_vote:" + community.did("alice")
    vote(community, "alice", proposal, {"choice": "yes"})  # the delegate votes last
    path = governance.vote_path(community.node, proposal, community.did("bob"))
    assert path["chain"]["voter"] == community.did("alice")
    assert path["delegate_ballot"] == {"choice": "yes"}
    result = close(community, proposal)
    assert result["counts"] == {"yes": 2, "no": 1, "abstain": 0}


def test_withdrawing_a_ballot_lets_the_delegation_apply_again(community: Community) -> None:
    delegate(community, "bob", "alice")
    proposal = voting(community)
    vote(community, "alice", proposal, {"choice": "yes"})
    vote(community, "bob", proposal, {"choice": "no"})
    community.act("bob", "governance.ballot.withdrawn", {"proposal": proposal})
    result = close(community, proposal)
    assert result["counts"] == {"yes": 2, "no": 0, "abstain": 0}


def test_cycles_lose_weight_unless_someone_in_them_voted(community: Community) -> None:
    admit(community, "dana", "erin")
    delegate(community, "alice", "bob")
    delegate(community, "bob", "carol")
    delegate(community, "carol", "alice")  # a cycle with no voter
    delegate(community, "dana", "erin")
    delegate(community, "erin", "dana")  # a cycle in which erin votes
    proposal = voting(community)
    vote(community, "erin", proposal, {"choice": "yes"})
    result = close(community, proposal)
    assert result["counts"]["yes"] == 2  # erin and dana
    assert result["lost_delegations"] == 3  # alice, bob, carol


def test_a_suspended_intermediate_cuts_the_chain(community: Community) -> None:
    admit(community, "dana")
    delegate(community, "carol", "bob")
    delegate(community, "bob", "alice")
    proposal = voting(community)
    vote(community, "alice", proposal, {"choice": "yes"})
    suspension = {"member": community.did("bob"), "reason": "r"}
    community.act("alice", "membership.member.suspended", suspension)
    result = close(community, proposal)
    # bob is out of the electorate: his own weight and carol's through him are lost
    assert result["counts"]["yes"] == 1
    assert result["electorate"] == 3 and result["lost_delegations"] == 1


def test_votes_on_consent_are_personal(community: Community) -> None:
    proposal = draft(community, kind="agreement")
    submit(community, proposal)
    body = {"scope": f"proposal:{proposal}", "trustee": community.did("alice")}
    assert community.refused("bob", SET, body) == "delegation_not_allowed"
    delegate(community, "bob", "alice")  # a node-wide delegation exists ...
    to_voting(community, proposal)
    vote(community, "alice", proposal, {"position": "consent"})
    result = close(community, proposal)
    assert result["participating"] == 1  # ... but does not apply to a consent vote


def test_members_see_their_delegations_both_ways(community: Community) -> None:
    delegate(community, "bob", "alice")
    delegate(community, "carol", "alice", "topic:money")
    view = governance.delegations(community.node, community.did("alice"))
    assert view["incoming"] == sorted(
        [
            {"truster": community.did("bob"), "scope": "node"},
            {"truster": community.did("carol"), "scope": "topic:money"},
        ],
        key=lambda d: d["truster"],
    )
    assert governance.delegations(community.node, community.did("bob"))["outgoing"] == {
        "node": community.did("alice")
    }
