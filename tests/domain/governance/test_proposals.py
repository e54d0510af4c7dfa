"""The proposal lifecycle through a real node: drafts, discussion, voting, closing, refusals."""

from __future__ import annotations

from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from tests.community import Community
from tests.governance import admit, close, draft, phase, rules, run_due, submit, to_voting, vote

DRAFTED = "governance.proposal.drafted"


def test_a_new_node_adopts_the_documented_constitution_once(community: Community) -> None:
    state = community.node.state
    constitution = state.get("governance.constitution", "constitution")
    assert set(constitution["kinds"]) == set(DEFAULT_CONSTITUTION["kinds"])
    assert constitution["kinds"]["amend"]["threshold"] == {"at_least": "2/3"}
    assert state.get("governance.constitution", "version") == 1
    again = {"constitution": DEFAULT_CONSTITUTION}
    assert community.refused("alice", "governance.constitution.adopted", again) == "forbidden"
    from commonweal.node.kernel.errors import Rejected

    try:
        community.node.submit_as_node("governance.constitution.adopted", again)
    except Rejected as refused:
        assert refused.code == "already_adopted"
    else:
        raise AssertionError("a second adoption must be refused")


def test_drafting_checks_who_may_propose_what(community: Community) -> None:
    body = {"kind": "decision", "title": "T", "text": "x"}
    assert community.refused("zed", DRAFTED, body) == "not_a_member"
    assert community.refused("alice", DRAFTED, {**body, "kind": "decree"}) == "invalid_body"
    assert community.refused("alice", DRAFTED, {**body, "topic": "weather"}) == "invalid_body"
    assert community.refused("alice", DRAFTED, {**body, "title": ""}) == "invalid_body"
    admit(community, "dana")
    # elections are proposed by stewards only; dana is a plain member
    assert community.refused("dana", DRAFTED, {**body, "kind": "election"}) == "forbidden"
    expel = {"type": "membership.expel", "member": community.did("bob")}
    assert community.refused("dana", DRAFTED, {**body, "actions": [expel]}) == "action_not_allowed"
    bad = {"type": "membership.expel", "member": "bob"}
    assert community.refused("dana", DRAFTED, {**body, "kind": "membership", "actions": [bad]}) == (
        "invalid_body"
    )
    proposal = draft(community, "dana", kind="membership", actions=[expel])
    assert phase(community, proposal) == "draft"
    assert community.node.state.get("governance.alternatives", proposal)["actions"] == [
        {"type": "membership.expel", "member": community.did("bob"), "reason": ""}
    ]


def test_only_the_author_submits_and_the_rules_are_copied_then(community: Community) -> None:
    proposal = draft(community)
    assert community.refused("bob", "governance.proposal.submitted", {"proposal": proposal}) == (
        "not_author"
    )
    submit(community, proposal)
    assert phase(community, proposal) == "discussion"
    assert rules(community, proposal)["method"] == "yes_no"
    record = community.node.state.get("governance.proposals", proposal)
    assert record["discussion_until"] == "2026-11-30T12:00:00Z"  # a week after submission
    assert community.refused("alice", "governance.proposal.submitted", {"proposal": proposal}) == (
        "wrong_phase"
    )
    assert community.refused("alice", "governance.proposal.submitted", {"proposal": 999}) == (
        "not_found"
    )


def test_revisions_amendments_and_arguments_during_discussion(community: Community) -> None:
    proposal = draft(community, text="Twelve trees.")
    community.act(
        "alice", "governance.alternative.revised", {"alternative": proposal, "text": "Ten trees."}
    )
    assert (
        community.refused(
            "bob", "governance.alternative.revised", {"alternative": proposal, "text": "No trees."}
        )
        == "not_author"
    )
    amendment = {"alternative": proposal, "text": "Ten apple trees.", "note": "Be specific"}
    assert community.refused("bob", "governance.amendment.proposed", amendment) == "wrong_phase"
    submit(community, proposal)
    first = community.act("bob", "governance.amendment.proposed", amendment).index
    second = community.act(
        "carol", "governance.amendment.proposed", {**amendment, "text": "Pears."}
    ).index
    assert community.refused("bob", "governance.amendment.accepted", {"amendment": first}) == (
        "not_author"
    )
    community.act("alice", "governance.amendment.accepted", {"amendment": first})
    community.act("alice", "governance.amendment.rejected", {"amendment": second, "reason": "No"})
    assert community.refused("alice", "governance.amendment.accepted", {"amendment": second}) == (
        "already_decided"
    )
    alternative = community.node.state.get("governance.alternatives", proposal)
    assert (alternative["text"], alternative["version"]) == ("Ten apple trees.", 3)
    pro = community.act(
        "bob",
        "governance.comment.posted",
        {"proposal": proposal, "text": "Shade!", "stance": "for"},
    ).index
    community.act(
        "carol",
        "governance.comment.posted",
        {"proposal": proposal, "text": "Why?", "reply_to": pro},
    )
    assert (
        community.refused(
            "carol",
            "governance.comment.posted",
            {"proposal": proposal, "text": "x", "stance": "meh"},
        )
        == "invalid_body"
    )
    assert (
        community.refused(
            "zed", "governance.comment.posted", {"proposal": proposal, "text": "spam"}
        )
        == "not_a_member"
    )
    # a yes/no vote decides one alternative: competing ones are refused
    competing = {"proposal": proposal, "title": "Hedge", "text": "A hedge instead."}
    assert community.refused("bob", "governance.alternative.added", competing) == "single_option"


def test_voting_opens_and_closes_only_when_the_log_says_so(community: Community) -> None:
    proposal = draft(community)
    submit(community, proposal)
    assert run_due(community) == []
    from commonweal.node.kernel.errors import Rejected

    try:
        community.node.submit_as_node("governance.voting.opened", {"proposal": proposal})
    except Rejected as refused:
        assert refused.code == "too_early"
    else:
        raise AssertionError("voting must not open before the discussion ends")
    assert community.refused("alice", "governance.voting.opened", {"proposal": proposal}) == (
        "forbidden"
    )
    assert community.refused(
        "bob", "governance.ballot.cast", {"proposal": proposal, "ballot": {"choice": "yes"}}
    ) == ("wrong_phase")
    to_voting(community, proposal)
    vote(community, "alice", proposal, {"choice": "yes"})
    vote(community, "bob", proposal, {"choice": "no"})
    vote(community, "bob", proposal, {"choice": "yes"})  # a vote can be changed until close
    assert community.refused(
        "carol", "governance.ballot.cast", {"proposal": proposal, "ballot": {"choice": "maybe"}}
    ) == ("invalid_ballot")
    assert community.refused(
        "zed", "governance.ballot.cast", {"proposal": proposal, "ballot": {"choice": "no"}}
    ) == ("not_a_member")
    result = close(community, proposal)
    assert result["counts"] == {"yes": 2, "no": 0, "abstain": 0}
    assert result["electorate"] == 3 and result["participating"] == 2
    assert result["quorum"] == {"share": "1/5", "needed": 1, "met": True}
    assert result["passed"] is True and result["winners"] == [str(proposal)]
    assert community.refused(
        "carol", "governance.ballot.cast", {"proposal": proposal, "ballot": {"choice": "no"}}
    ) == ("wrong_phase")


def test_a_ballot_received_after_the_deadline_is_refused(community: Community) -> None:
    proposal = draft(community)
    submit(community, proposal)
    to_voting(community, proposal)
    community.clock.advance(seconds=rules(community, proposal)["voting_seconds"])
    body = {"proposal": proposal, "ballot": {"choice": "yes"}}
    assert community.refused("alice", "governance.ballot.cast", body) == "voting_closed"


def test_a_forged_tally_is_refused(community: Community) -> None:
    proposal = draft(community)
    submit(community, proposal)
    to_voting(community, proposal)
    vote(community, "alice", proposal, {"choice": "no"})
    community.clock.advance(seconds=rules(community, proposal)["voting_seconds"])
    from commonweal.domain.governance.tally import count
    from commonweal.node.kernel.errors import Rejected

    record = community.node.state.get("governance.proposals", proposal)
    honest = count(community.node.state, record, node_did=community.node.identity.did)
    forged = {**honest, "counts": {"yes": 1, "no": 0, "abstain": 0}, "passed": True}
    try:
        community.node.submit_as_node(
            "governance.proposal.closed", {"proposal": proposal, "result": forged}
        )
    except Rejected as refused:
        assert refused.code == "tally_mismatch" and "result.counts" in refused.message
    else:
        raise AssertionError("a result that differs from the recount must be refused")
    assert phase(community, proposal) == "voting"
    community.node.submit_as_node(
        "governance.proposal.closed", {"proposal": proposal, "result": honest}
    )
    assert phase(community, proposal) == "closed"


def test_quorum_and_threshold(community: Community) -> None:
    admit(community, "dana", "erin", "fay", "gus", "hal")  # 8 members
    proposal = draft(community, kind="membership", actions=[])
    submit(community, proposal)
    to_voting(community, proposal)
    vote(community, "alice", proposal, {"choice": "yes"})
    result = close(community, proposal)
    # quorum 1/4 of 8 is 2; one ballot is not enough
    assert result["quorum"] == {"share": "1/4", "needed": 2, "met": False}
    assert result["passed"] is False
    second = draft(community, kind="membership")
    submit(community, second)
    to_voting(community, second)
    for name, choice in (("alice", "yes"), ("bob", "yes"), ("carol", "no"), ("dana", "abstain")):
        vote(community, name, second, {"choice": choice})
    result = close(community, second)
    # two thirds of yes+no: 2 of 3 reaches "at least 2/3"; the abstention counts for quorum only
    assert result["threshold"]["met"] is True and result["passed"] is True
    assert result["participating"] == 4


def test_cancel_and_withdraw(community: Community) -> None:
    admit(community, "dana")
    proposal = draft(community)
    # a plain member cannot cancel someone else's proposal (stewards moderate)
    assert community.refused("dana", "governance.proposal.cancelled", {"proposal": proposal}) == (
        "not_author"
    )
    community.act(
        "alice", "governance.proposal.cancelled", {"proposal": proposal, "reason": "Later"}
    )
    assert phase(community, proposal) == "cancelled"
    second = draft(community, "dana")
    submit(community, second, "dana")
    to_voting(community, second)
    # the author may not withdraw once voting has begun; a moderator (a steward) may cancel
    assert community.refused("dana", "governance.proposal.cancelled", {"proposal": second}) == (
        "wrong_phase"
    )
    community.act("bob", "governance.proposal.cancelled", {"proposal": second, "reason": "spam"})
    record = community.node.state.get("governance.proposals", second)
    assert record["phase"] == "cancelled"
    assert record["cancelled"] == {"by": community.did("bob"), "reason": "spam"}
    assert run_due(community) == []  # a cancelled vote never closes


def test_a_proposal_whose_alternatives_are_all_withdrawn_is_cancelled(community: Community) -> None:
    proposal = draft(community, kind="choice")
    submit(community, proposal)
    community.act("alice", "governance.alternative.withdrawn", {"alternative": proposal})
    community.clock.advance(seconds=rules(community, proposal)["discussion_seconds"])
    assert run_due(community) == ["governance.proposal.cancelled"]
    assert phase(community, proposal) == "cancelled"
