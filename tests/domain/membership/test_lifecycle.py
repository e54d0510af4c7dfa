"""Every membership path through a real node, and every refusal the issue names."""

from __future__ import annotations

from pathlib import Path

import orjson

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import membership
from tests.community import Community

VOUCH = "membership.vouch.given"


def test_founders_are_stewards_with_credentials(community: Community) -> None:
    node = community.node
    for name in ("alice", "bob", "carol"):
        record = node.state.get("membership.members", community.did(name))
        assert record["status"] == "member" and record["roles"] == ["steward"]
        assert node.state.get("membership.credentials", f"{community.did(name)} membership")
        assert node.state.get("membership.credentials", f"{community.did(name)} role:steward")


def test_vouch_admission_needs_enough_distinct_members(community: Community) -> None:
    community.apply("dana")
    assert community.status("dana") == "applicant"
    applicant = {"applicant": community.did("dana")}
    assert community.refused("dana", VOUCH, applicant) == "not_a_member"  # an applicant vouching
    assert community.refused("zed", VOUCH, applicant) == "not_a_member"  # a stranger vouching
    community.act("alice", VOUCH, applicant)
    assert community.status("dana") == "applicant"  # one vouch of two
    assert community.refused("alice", VOUCH, applicant) == "already_vouched"
    assert community.refused("bob", "membership.application.approved", applicant) == "policy"
    community.act("bob", VOUCH, applicant)
    assert community.status("dana") == "member"
    assert community.node.state.get("membership.credentials", f"{community.did('dana')} membership")
    assert community.refused("carol", VOUCH, applicant) == "no_application"


def test_a_member_cannot_vouch_for_themselves(community: Community) -> None:
    assert community.refused("alice", VOUCH, {"applicant": community.did("alice")}) == "self_vouch"


def test_suspended_member_cannot_act(community: Community) -> None:
    community.apply("erin")
    community.act(
        "alice", "membership.member.suspended", {"member": community.did("bob"), "reason": "r"}
    )
    assert community.status("bob") == "suspended"
    assert community.refused("bob", VOUCH, {"applicant": community.did("erin")}) == "suspended"
    assert (
        community.refused("bob", "membership.member.expelled", {"member": community.did("carol")})
        == "forbidden"
    )
    community.act("carol", "membership.member.reinstated", {"member": community.did("bob")})
    community.act("bob", VOUCH, {"applicant": community.did("erin")})


def test_open_and_approval_policies(community: Community) -> None:
    community.act("alice", "membership.policy.set", {"admission": "open"})
    community.apply("fay")
    assert community.status("fay") == "member"
    assert community.refused("fay", "membership.policy.set", {"admission": "vouch"}) == "forbidden"
    community.act("alice", "membership.policy.set", {"admission": "approval"})
    community.apply("gus")
    community.apply("hal")
    assert (
        community.refused(
            "fay", "membership.application.approved", {"applicant": community.did("gus")}
        )
        == "forbidden"
    )
    community.act("alice", "membership.application.approved", {"applicant": community.did("gus")})
    community.act(
        "bob",
        "membership.application.declined",
        {"applicant": community.did("hal"), "reason": "not now"},
    )
    assert (community.status("gus"), community.status("hal")) == ("member", "declined")
    assert (
        community.refused(
            "gus", "membership.application.submitted", {"commitment": "sha256:" + "0" * 64}
        )
        == "already_member"
    )


def test_leave_and_expel_revoke_credentials(community: Community) -> None:
    community.act("alice", "membership.policy.set", {"admission": "open"})
    community.apply("ivy")
    community.apply("jon")
    community.act("ivy", "membership.member.left")
    community.act(
        "alice", "membership.member.expelled", {"member": community.did("jon"), "reason": "harm"}
    )
    credentials = community.node.state.table("membership.credentials")
    assert credentials[f"{community.did('ivy')} membership"]["revoked"]["reason"] == "left"
    assert credentials[f"{community.did('jon')} membership"]["revoked"]["reason"] == "expelled"
    assert (
        community.refused(
            "jon", "membership.application.submitted", {"commitment": "sha256:" + "1" * 64}
        )
        == "expelled"
    )
    assert (
        community.refused("alice", "membership.member.expelled", {"member": community.did("alice")})
        == "self_sanction"
    )


def test_roles_are_granted_and_revoked_with_credentials(community: Community) -> None:
    dana = community.did("alice")
    assert (
        community.refused("alice", "membership.role.granted", {"member": dana, "role": "steward"})
        == "already_granted"
    )
    community.act(
        "alice", "membership.role.granted", {"member": community.did("bob"), "role": "treasurer"}
    )
    key = f"{community.did('bob')} role:treasurer"
    assert community.node.state.get("membership.credentials", key)["revoked"] is None
    community.act(
        "carol", "membership.role.revoked", {"member": community.did("bob"), "role": "treasurer"}
    )
    assert (
        community.node.state.get("membership.credentials", key)["revoked"]["reason"]
        == "role revoked"
    )
    assert (
        community.refused("alice", "membership.role.defined", {"name": "x", "permissions": []})
        == "invalid_body"
    )
    community.act(
        "alice", "membership.role.defined", {"name": "gardener", "permissions": ["treasury.spend"]}
    )


def test_directory_shows_names_only_by_choice(community: Community) -> None:
    community.act("alice", "membership.policy.set", {"admission": "open"})
    community.apply("kim", display_name="Kim Park", show_name=True)
    community.apply("lou", display_name="Lou Secret", show_name=False)
    names = {entry["did"]: entry["name"] for entry in membership.directory(community.node)}
    assert names[community.did("kim")] == "Kim Park"
    assert names[community.did("lou")] is None


def test_application_must_commit_to_the_profile(community: Community) -> None:
    import pytest

    from commonweal.node.kernel.errors import Rejected

    event = community.events.event(
        "mia", type="membership.application.submitted", body={"commitment": "sha256:" + "2" * 64}
    )
    with pytest.raises(Rejected) as refusal:
        membership.apply(community.node, event, {"display_name": "Mia"}, "s" * 43)
    assert refusal.value.code == "commitment_mismatch"
    assert community.node.store.profile_commitments() == set()


def test_erasure_removes_the_bytes_and_verify_still_passes(
    community: Community, tmp_path: Path
) -> None:
    if community.node.store.engine.dialect.name != "sqlite":
        return  # the byte-level check reads SQLite's files
    community.act("alice", "membership.policy.set", {"admission": "open"})
    secret = "Nadia Unforgettable-Surname"
    community.apply(
        "nadia", display_name=secret, contact="nadia-private@example.org", location="Rue Secrète 7"
    )
    files = [tmp_path / "node" / name for name in ("node.db", "node.db-wal")]
    assert membership.profile_of(community.node, community.did("nadia"))["display_name"] == secret
    community.act("nadia", "membership.profile.erased", {"member": community.did("nadia")})
    assert membership.profile_of(community.node, community.did("nadia")) is None
    for path in files:
        if path.exists():
            data = path.read_bytes()
            for fragment in (secret, "nadia-private@example.org", "Rue Secr"):
                assert fragment.encode() not in data, f"{fragment!r} is still in {path.name}"
    report = verify_log(community.node.store, default_registry(), compare_with=community.node.store)
    assert report.ok, report.failures


def test_the_log_never_holds_the_profile(community: Community) -> None:
    community.act("alice", "membership.policy.set", {"admission": "open"})
    community.apply("otto", display_name="Otto Visible-Nowhere")
    leaves = b"".join(community.node.store.leaves(0, community.node.size))
    assert b"Otto Visible-Nowhere" not in leaves
    assert orjson.loads(community.node.store.entry(community.node.size - 1).leaf)["event"]["body"][
        "commitment"
    ]
