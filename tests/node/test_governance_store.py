"""A recount from the store alone equals the node's own count, on SQLite and PostgreSQL."""

from __future__ import annotations

from commonweal.domain.governance.turnout import electorate
from commonweal.node.services import governance
from tests.community import Community
from tests.governance import admit, close, delegate, draft, submit, to_voting, vote


def test_the_database_picks_the_same_electorate_as_the_domain(community: Community) -> None:
    admit(community, "dana", "erin", "fay")
    community.act("alice", "membership.member.suspended", {"member": community.did("dana")})
    community.act("erin", "membership.member.left")
    community.act(
        "alice", "membership.role.granted", {"member": community.did("fay"), "role": "treasurer"}
    )
    community.apply("gus")  # an applicant, not yet a member
    store = community.node.store
    for group, role in (
        ("members", None),
        ({"role": "treasurer"}, "treasurer"),
        ({"role": "steward"}, "steward"),
    ):
        record = {"rules": {"electorate": group}}
        expected = electorate(community.node.state, record)
        assert store.members_in_standing("member", role) == expected, group
    assert store.members_in_standing("member", "treasurer") == {community.did("fay")}


def test_recount_from_the_store_equals_the_logged_result(community: Community) -> None:
    admit(community, "dana", "erin")
    delegate(community, "dana", "alice")
    delegate(community, "erin", "dana", "topic:commons")
    proposal = draft(community, kind="choice", topic="commons")
    submit(community, proposal)
    second = community.act(
        "bob",
        "governance.alternative.added",
        {"proposal": proposal, "title": "Blue", "text": "Blue."},
    ).index
    to_voting(community, proposal)
    vote(community, "alice", proposal, {"ranking": [str(proposal), "status_quo", str(second)]})
    vote(community, "bob", proposal, {"ranking": [str(second), [str(proposal), "status_quo"]]})
    community.act("alice", "membership.member.suspended", {"member": community.did("carol")})
    logged = close(community, proposal)
    assert logged["delegated_weight"] == 2 and logged["electorate"] == 4
    recount = governance.recount_from_store(
        community.node.store, proposal, community.node.identity.did
    )
    assert recount == logged
