"""Recognition: directly by stewards, or only by a passed proposal when the constitution says."""

from __future__ import annotations

from pathlib import Path

from commonweal.domain.catalog import default_registry
from commonweal.domain.federation.recognition import GRANTED, WITHDRAWN_EVENT, decision_required
from commonweal.domain.federation.standing import RECOGNITIONS, recognition
from commonweal.node.kernel.verify import verify_log
from tests.builders import Clock
from tests.community import Community
from tests.federation import make_place, recognition_body
from tests.governance import close, draft, submit, to_voting, vote


def test_the_default_constitution_reserves_recognition_for_a_decision(
    community: Community, tmp_path: Path, clock: Clock
) -> None:
    other = make_place(tmp_path, "Harbour", clock)
    body = recognition_body(other.node)
    assert decision_required(community.node.state)
    assert community.refused("alice", GRANTED, body) == "decision_required"
    action = {"type": "federation.recognize", **body}
    proposal = draft(community, kind="recognition", title="Recognise Harbour", actions=[action])
    submit(community, proposal)
    to_voting(community, proposal)
    for name in ("alice", "bob"):
        vote(community, name, proposal, {"choice": "yes"})
    result = close(community, proposal)
    assert result["passed"]
    held = recognition(community.node.state, other.did)
    assert held is not None and held["origin"] == other.node.identity.origin
    assert held["terms"]["visitors"] == ["attend", "book", "comment"]
    assert held["witness"] == other.node.identity.witness.vkey
    withdraw = {"type": "federation.withdraw", "node": other.did, "reason": "dissolved"}
    proposal = draft(community, kind="recognition", title="Withdraw", actions=[withdraw])
    submit(community, proposal)
    to_voting(community, proposal)
    vote(community, "carol", proposal, {"choice": "yes"})
    assert close(community, proposal)["passed"]
    assert recognition(community.node.state, other.did) is None
    assert community.node.state.get(RECOGNITIONS, other.did)["withdrawn"]["reason"] == "dissolved"
    store = community.node.store
    assert verify_log(store, default_registry(), compare_with=store).ok
    other.node.close()


def test_stewards_recognise_directly_when_the_constitution_allows(
    tmp_path: Path, clock: Clock
) -> None:
    here = make_place(tmp_path, "Riverside", clock)
    there = make_place(tmp_path, "Harbour", clock)
    body = recognition_body(there.node, visitors=["comment"], witness=False)
    here.act("alice", GRANTED, body)
    held = recognition(here.node.state, there.did)
    assert held is not None
    assert held["terms"] == {
        "credentials": ["MembershipCredential"],
        "visitors": ["comment"],
        "witness": False,
        "mirror": True,
        "alliance": False,
    }
    # new terms for a recognition in force are a revision of the treaty
    here.act("bob", GRANTED, recognition_body(there.node, visitors=[]))
    assert here.node.state.get(RECOGNITIONS, there.did)["revision"] == 1
    here.act("carol", WITHDRAWN_EVENT, {"node": there.did})
    assert recognition(here.node.state, there.did) is None
    store = here.node.store
    assert verify_log(store, default_registry(), compare_with=store).ok
    here.node.close()
    there.node.close()


def test_recognition_refusals(tmp_path: Path, clock: Clock) -> None:
    import pytest

    from commonweal.node.kernel.errors import Rejected

    here = make_place(tmp_path, "Riverside", clock)
    there = make_place(tmp_path, "Harbour", clock)

    def code(name: str, event_type: str, body: dict) -> str:  # type: ignore[type-arg]
        with pytest.raises(Rejected) as refused:
            here.act(name, event_type, body)
        return refused.value.code

    body = recognition_body(there.node)
    assert code("stranger", GRANTED, body) == "forbidden"
    assert code("alice", GRANTED, recognition_body(here.node)) == "self_recognition"
    assert code("alice", GRANTED, {**body, "vkey": "not a key"}) == "invalid_body"
    assert code("alice", GRANTED, {**body, "url": "ftp://x"}) == "invalid_body"
    assert code("alice", GRANTED, {**body, "terms": {"visitors": ["vote"]}}) == "invalid_body"
    no_credentials = {"credentials": [], "visitors": ["comment"]}
    assert code("alice", GRANTED, {**body, "terms": no_credentials}) == "invalid_body"
    assert code("alice", GRANTED, {**body, "extra": 1}) == "invalid_body"
    assert code("alice", WITHDRAWN_EVENT, {"node": there.did}) == "not_recognized"
    here.act("alice", GRANTED, body)
    impostor = {**body, "node": "did:web:impostor.example"}
    assert code("alice", GRANTED, impostor) == "duplicate_key"
    here.node.close()
    there.node.close()
