"""The typed state rows (membership.records.MemberRow, governance.records.ProposalRow) say
exactly which members the rules write: every row a real node holds has the declared keys,
the required ones always, and no other."""

from __future__ import annotations

from typing import Any

from commonweal.domain.governance.records import PROPOSALS, ProposalRow
from commonweal.domain.membership.records import MEMBERS, MemberRow
from tests.community import Community
from tests.governance import admit, close, draft, submit, to_voting, vote


def _fits(row: dict[str, Any], declared: Any) -> None:
    required, optional = declared.__required_keys__, declared.__optional_keys__
    assert required <= set(row), f"missing {sorted(required - set(row))}"
    assert set(row) <= required | optional, f"undeclared {sorted(set(row) - required - optional)}"


def test_member_and_proposal_rows_have_the_declared_keys(community: Community) -> None:
    admit(community, "dana")
    community.apply("erin")
    community.act("dana", "membership.member.left")
    decided = draft(community)
    submit(community, decided)
    to_voting(community, decided)
    vote(community, "alice", decided, {"choice": "yes"})
    close(community, decided)
    cancelled = draft(community, "bob")
    community.act("bob", "governance.proposal.cancelled", {"proposal": cancelled, "reason": ""})
    draft(community, "carol")
    state = community.node.state
    members = dict(state.items(MEMBERS))
    assert {row["status"] for row in members.values()} >= {"member", "applicant", "left"}
    for row in members.values():
        _fits(row, MemberRow)
    proposals = dict(state.items(PROPOSALS))
    assert {row["phase"] for row in proposals.values()} == {"closed", "cancelled", "draft"}
    for row in proposals.values():
        _fits(row, ProposalRow)
