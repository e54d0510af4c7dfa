"""The node's profile: changed by the node key, or by a member with ``node.profile``."""

from __future__ import annotations

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.verify import verify_log
from tests.community import Community

UPDATED = "node.profile.updated"


def test_a_steward_updates_the_profile_and_others_may_not(community: Community) -> None:
    community.act("alice", UPDATED, {"description": "Boats, nets and a workshop."})
    profile = community.node.state.get("node.profile", "profile")
    assert profile["description"] == "Boats, nets and a workshop."
    assert profile["name"] == "Test Commons"
    community.act(
        "alice", "membership.role.revoked", {"member": community.did("bob"), "role": "steward"}
    )
    assert community.refused("bob", UPDATED, {"name": "Bob's Place"}) == "forbidden"
    assert community.refused("mallory", UPDATED, {"name": "Owned"}) == "forbidden"
    assert community.node.state.get("node.profile", "profile")["name"] == "Test Commons"
    node = community.node
    assert verify_log(node.store, default_registry(), compare_with=node.store).ok
