"""Passed proposals execute themselves; the constitution changes only by its own rules."""

from __future__ import annotations

from typing import Any

from commonweal.domain.catalog import default_registry
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.node.kernel.verify import verify_log
from tests.community import Community
from tests.governance import admit, close, draft, run_due, submit, to_voting, vote


def passed(community: Community, kind: str, actions: list[dict[str, Any]], **options: Any) -> int:
    """Draft, discuss and pass a proposal with the three founders voting yes."""
    proposal = draft(community, kind=kind, actions=actions, **options)
    submit(community, proposal)
    to_voting(community, proposal)
    for name in ("alice", "bob", "carol"):
        vote(community, name, proposal, {"choice": "yes"})
    assert close(community, proposal)["passed"] is True
    return proposal


def executions(community: Community, proposal: int) -> list[tuple[str, str]]:
    record = community.node.state.get("governance.proposals", proposal)
    return [(step["status"], step["reason"]) for step in record["executions"]]


def test_membership_decisions_execute_as_node_events(community: Community) -> None:
    admit(community, "dana")
    community.apply("erin")
    actions = [
        {"type": "membership.admit", "applicant": community.did("erin")},
        {"type": "membership.role.grant", "member": community.did("dana"), "role": "treasurer"},
        {"type": "membership.expel", "member": community.did("bob"), "reason": "by vote"},
    ]
    proposal = passed(community, "membership", actions)
    assert executions(community, proposal) == [("done", "")] * 3
    assert community.status("erin") == "member"
    assert community.status("bob") == "expelled"
    dana = community.node.state.get("membership.members", community.did("dana"))
    assert dana["roles"] == ["treasurer"]
    types = [e.type for e in community.node.store.entries(0, community.node.size)]
    assert types[-4:] == ["governance.proposal.closed"] + ["governance.decision.executed"] * 3
    assert run_due(community) == []  # nothing is executed twice


def test_an_action_that_cannot_be_done_is_recorded_as_failed(community: Community) -> None:
    admit(community, "dana")
    proposal = draft(
        community,
        kind="membership",
        actions=[
            {"type": "membership.expel", "member": community.did("dana"), "reason": "r"},
            {
                "type": "membership.role.grant",
                "member": community.did("carol"),
                "role": "treasurer",
            },
        ],
    )
    submit(community, proposal)
    to_voting(community, proposal)
    for name in ("alice", "bob", "carol"):
        vote(community, name, proposal, {"choice": "yes"})
    community.act("dana", "membership.member.left")  # dana leaves before the vote closes
    close(community, proposal)
    assert executions(community, proposal) == [
        ("failed", f"{community.did('dana')} is not a member"),
        ("done", ""),
    ]


def test_the_constitution_changes_only_by_a_passed_amendment(community: Community) -> None:
    amended = {**DEFAULT_CONSTITUTION, "preamble": "Be kind."}
    amended["kinds"] = {
        **DEFAULT_CONSTITUTION["kinds"],
        "decision": {**DEFAULT_CONSTITUTION["kinds"]["decision"], "voting_seconds": 3 * 86400},
    }
    amend = [{"type": "constitution.amend", "constitution": amended}]
    # only the amend kind may carry an amendment of the constitution
    body = {"kind": "decision", "title": "Shorter votes", "text": "x", "actions": amend}
    assert community.refused("alice", "governance.proposal.drafted", body) == "action_not_allowed"
    unamendable = {**amended, "kinds": {"decision": amended["kinds"]["decision"]}}
    body = {**body, "kind": "amend", "actions": [{**amend[0], "constitution": unamendable}]}
    assert community.refused("alice", "governance.proposal.drafted", body) == "invalid_body"
    ongoing = draft(community)
    submit(community, ongoing)  # submitted under the old rules: a week of voting
    proposal = passed(community, "amend", amend)
    state = community.node.state
    assert executions(community, proposal) == [("done", "")]
    assert state.get("governance.constitution", "version") == 2
    constitution = state.get("governance.constitution", "constitution")
    assert constitution["preamble"] == "Be kind."
    assert constitution["kinds"]["decision"]["voting_seconds"] == 3 * 86400
    # a proposal already under way keeps the rules it was submitted under
    assert state.get("governance.proposals", ongoing)["rules"]["voting_seconds"] == 7 * 86400
    later = draft(community)
    submit(community, later)
    assert state.get("governance.proposals", later)["rules"]["voting_seconds"] == 3 * 86400


def test_verify_recounts_every_closed_vote_and_replays_every_execution(
    community: Community,
) -> None:
    admit(community, "dana")
    passed(community, "membership", [{"type": "membership.expel", "member": community.did("dana")}])
    report = verify_log(community.node.store, default_registry(), compare_with=community.node.store)
    assert report.ok, report.failures
