"""Recovery by guardians: threshold, time lock, cancellation, and the move to the new key."""

from __future__ import annotations

import pytest

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import membership
from tests.community import Community

GUARDIANS = "membership.guardians.set"
REQUEST = "membership.recovery.requested"
VOUCH = "membership.recovery.vouched"


def prepare(community: Community) -> tuple[str, str]:
    community.act(
        "alice", "membership.role.granted", {"member": community.did("alice"), "role": "treasurer"}
    )
    community.act(
        "alice",
        GUARDIANS,
        {"guardians": [community.did("bob"), community.did("carol")], "threshold": 2},
    )
    community.act("alice-new", REQUEST, {"member": community.did("alice")})
    return community.did("alice"), community.did("alice-new")


def test_full_recovery_moves_the_member_to_the_new_key(community: Community) -> None:
    old, new = prepare(community)
    assert community.refused("dana", VOUCH, {"member": old, "new": new}) == "not_guardian"
    community.act("bob", VOUCH, {"member": old, "new": new})
    assert community.refused("bob", VOUCH, {"member": old, "new": new}) == "already_vouched"
    assert membership.complete_due_recoveries(community.node) == []  # one vouch of two
    community.act("carol", VOUCH, {"member": old, "new": new})
    with pytest.raises(Rejected) as early:
        community.node.submit_as_node("membership.recovery.completed", {"member": old})
    assert early.value.code == "time_locked"
    community.clock.advance(minutes=59)
    assert membership.complete_due_recoveries(community.node) == []
    community.clock.advance(minutes=2)
    assert len(membership.complete_due_recoveries(community.node)) == 1
    members = community.node.state.table("membership.members")
    assert members[old]["status"] == "recovered" and members[old]["successor"] == new
    assert members[new]["status"] == "member" and members[new]["predecessor"] == old
    assert members[new]["roles"] == ["steward", "treasurer"]
    credentials = community.node.state.table("membership.credentials")
    assert credentials[f"{old} membership"]["revoked"]["reason"] == "key recovered"
    assert credentials[f"{new} membership"]["revoked"] is None
    assert credentials[f"{new} role:treasurer"]["revoked"] is None
    assert (
        community.refused("alice", "membership.vouch.given", {"applicant": new}) == "not_a_member"
    )
    report = verify_log(community.node.store, default_registry(), compare_with=community.node.store)
    assert report.ok, report.failures


def test_the_old_key_can_cancel_during_the_time_lock(community: Community) -> None:
    old, new = prepare(community)
    community.act("bob", VOUCH, {"member": old, "new": new})
    community.act("carol", VOUCH, {"member": old, "new": new})
    community.act("alice", "membership.recovery.cancelled", {"member": old})
    community.clock.advance(hours=2)
    assert membership.complete_due_recoveries(community.node) == []
    assert community.status("alice") == "member"


def test_recovery_refusals(community: Community) -> None:
    assert community.refused("x-new", REQUEST, {"member": community.did("alice")}) == "no_guardians"
    prepare(community)
    assert (
        community.refused("y-new", REQUEST, {"member": community.did("alice")}) == "recovery_open"
    )
    assert community.refused("bob", REQUEST, {"member": community.did("carol")}) == "no_guardians"
    assert (
        community.refused(
            "dana", "membership.recovery.cancelled", {"member": community.did("alice")}
        )
        == "forbidden"
    )
    assert (
        community.refused(
            "alice", GUARDIANS, {"guardians": [community.did("alice")], "threshold": 1}
        )
        == "invalid_body"
    )
    with pytest.raises(Rejected) as not_node:
        community.act("bob", "membership.recovery.completed", {"member": community.did("alice")})
    assert not_node.value.code == "forbidden"
