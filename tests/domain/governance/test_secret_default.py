"""A new node's membership decisions are secret: an admission voted by sealed ballots,
on SQLite and PostgreSQL (the node's private keys table on both), recounted from the store."""

from __future__ import annotations

from commonweal.domain.catalog import default_registry
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import governance
from tests.community import Community
from tests.governance import admit, draft, rules, submit, to_voting
from tests.secret import close, open_secret
from tests.secret import vote as secret_vote


def test_the_default_constitution_makes_elections_and_membership_secret() -> None:
    kinds = DEFAULT_CONSTITUTION["kinds"]
    assert {name for name, kind in kinds.items() if kind.get("ballot") == "secret"} == {
        "election",
        "membership",
    }


def test_an_admission_by_secret_ballot(community: Community) -> None:
    admit(community, "dana")
    community.apply("erin")
    actions = [{"type": "membership.admit", "applicant": community.did("erin")}]
    proposal = draft(community, kind="membership", title="Admit Erin", actions=actions)
    submit(community, proposal)
    assert rules(community, proposal)["ballot"] == "secret"
    to_voting(community, proposal)
    open_secret(community)
    window = community.node.state.get("governance.writes", "hour")
    for name, choice in (("alice", "yes"), ("bob", "yes"), ("carol", "no"), ("dana", "yes")):
        secret_vote(community, name, proposal, {"choice": choice})
    # sealed ballots by one-time keys prove eligibility: the anonymous budget does not count them
    assert community.node.state.get("governance.writes", "hour") == window
    result = close(community, proposal)
    assert result["counts"] == {"yes": 3, "no": 1, "abstain": 0} and result["passed"]
    recount = governance.recount_from_store(
        community.node.store, proposal, community.node.identity.did
    )
    # (the store's electorate is today's, which now includes erin, admitted by the vote)
    assert recount["counts"] == result["counts"] and recount["secret"] == result["secret"]
    assert community.status("erin") == "member"
    assert verify_log(community.node.store, default_registry()).ok


def test_a_kind_says_public_or_secret_and_secret_has_limits() -> None:
    import pytest

    from commonweal.domain.errors import InvalidBody
    from commonweal.domain.governance.constitution import parse_kind

    base = {"discussion_seconds": 0, "voting_seconds": 60, "method": "yes_no"}
    assert "ballot" not in parse_kind(base, "k", [])  # unstated: public, and not filled in
    assert parse_kind({**base, "ballot": "secret"}, "k", [])["ballot"] == "secret"
    for bad in (
        {**base, "ballot": "hidden"},
        {**base, "method": "double_majority", "delegation": False, "ballot": "secret"},
        {**base, "method": "quadratic", "options": {"credits": 20_000}, "ballot": "secret"},
    ):
        with pytest.raises(InvalidBody):
            parse_kind(bad, "k", [])
