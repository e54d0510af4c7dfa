"""Credential kinds in the constitution: what a definition may say, the kinds a passed
vote issues, and a kind changed without raising its version."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from commonweal.core.commitment import commitment, new_salt
from commonweal.domain.credentials.kinds import parse_credential_kinds
from commonweal.domain.credentials.records import ISSUED, REQUESTS
from commonweal.domain.errors import InvalidBody
from commonweal.domain.governance.constitution import CONSTITUTION
from commonweal.domain.membership.records import COUNTERS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services import community_credentials
from tests.community import Community
from tests.credential_kinds import KINDS
from tests.governance import close, draft, submit, to_voting, vote


def kind(**changes: Any) -> dict[str, Any]:
    course = copy.deepcopy(KINDS["course"])
    course.update(changes)
    return course


@pytest.mark.parametrize(
    ("definition", "refusal"),
    [
        (kind(issuers="anyone"), "must be"),
        (kind(issuers={"endorsements": 0}), "endorsements"),
        (kind(claims={"type": "string"}), '"type": "object"'),
        (kind(claims={"type": "object", "properties": {}}), "at least one property"),
        (
            kind(claims={"type": "object", "properties": {"x": {"$ref": "https://evil.example"}}}),
            "$ref",
        ),
        (kind(claims={"type": "object", "properties": {"id": {"type": "string"}}}), "reserved"),
        (kind(type="course"), "CamelCase"),
        (kind(type="MembershipCredential"), "already used"),
        (kind(valid_days=0), "valid_days"),
        (kind(revocable="yes"), "true or false"),
        (kind(colour="blue"), "colour"),
    ],
)
def test_a_kind_that_says_something_wrong_is_refused_saying_what(
    definition: dict[str, Any], refusal: str
) -> None:
    with pytest.raises(InvalidBody) as refused:
        parse_credential_kinds({"course": definition})
    assert refusal in refused.value.message


def test_passport_is_built_in_and_the_normal_form_is_sorted() -> None:
    with pytest.raises(InvalidBody, match="built in"):
        parse_credential_kinds({"passport": kind()})
    parsed = parse_credential_kinds({"course": kind()})["course"]
    assert parsed["type"] == "CourseCredential" and parsed["version"] == 1
    assert list(parsed["claims"]) == sorted(parsed["claims"])
    assert parse_credential_kinds({"first-aid": kind()})["first-aid"]["type"] == (
        "FirstAidCredential"
    )


def test_a_passed_vote_issues_the_credential_a_member_requested(
    kinds_community: Community,
) -> None:
    node = kinds_community.node
    kinds_community.apply("uma")
    claims = {"years": 5}
    salt = new_salt()
    event = kinds_community.events.event(
        "uma",
        type="credentials.requested",
        body={"kind": "service", "claims": commitment(claims, salt)},
    )
    request = community_credentials.submit_signed(node, event, claims, salt).index
    # nobody issues a voted kind directly, not even a steward
    direct = {
        "kind": "service",
        "subject": kinds_community.did("uma"),
        "claims": commitment(claims, salt),
    }
    assert kinds_community.refused("alice", "credentials.issued", direct) == "forbidden"
    proposal = draft(
        kinds_community,
        title="Five years of service for Uma",
        actions=[{"type": "credentials.issue", "request": request}],
    )
    submit(kinds_community, proposal)
    to_voting(kinds_community, proposal)
    for name in ("alice", "bob", "carol"):
        vote(kinds_community, name, proposal, {"choice": "yes"})
    assert close(kinds_community, proposal)["passed"] is True
    (row,) = [r for _k, r in node.state.items(ISSUED)]
    assert (row["kind"], row["issuer"], row["request"]) == ("service", "vote", request)
    assert node.state.get(REQUESTS, f"{request:012d}")["issued"] == row["index"]
    (vc,) = community_credentials.credentials_of(node, kinds_community.did("uma"))
    assert vc["credentialSubject"]["years"] == 5


def test_a_kind_changed_without_a_new_version_is_refused_when_issued(
    kinds_community: Community,
) -> None:
    node = kinds_community.node
    kinds_community.apply("uma")
    uma = kinds_community.did("uma")
    community_credentials.issue_as_node(node, "course", uma, {"course": "Bees", "hours": 3})
    # an amendment changes the course kind but keeps version 1
    constitution = copy.deepcopy(node.state.get(CONSTITUTION, "constitution"))
    constitution["credentials"]["course"]["valid_days"] = 30
    amend(kinds_community, constitution)
    before = (node.size, node.state.get(COUNTERS, "status_index"))
    with pytest.raises(Rejected) as refused:
        community_credentials.issue_as_node(node, "course", uma, {"course": "Soil", "hours": 2})
    assert refused.value.code == "kind_version_reused"
    assert (node.size, node.state.get(COUNTERS, "status_index")) == before
    # raising the version is what an amendment that changes a kind does
    constitution["credentials"]["course"]["version"] = 2
    amend(kinds_community, constitution)
    community_credentials.issue_as_node(node, "course", uma, {"course": "Soil", "hours": 2})
    first, second = community_credentials.credentials_of(node, uma)
    assert first["credentialSchema"]["id"].endswith("/course/v1/schema")
    assert second["credentialSchema"]["id"].endswith("/course/v2/schema")
    assert "validUntil" in second


def amend(community: Community, constitution: dict[str, Any]) -> None:
    proposal = draft(
        community,
        kind="amend",
        title="Change the course kind",
        actions=[{"type": "constitution.amend", "constitution": constitution}],
    )
    submit(community, proposal)
    to_voting(community, proposal)
    for name in ("alice", "bob", "carol"):
        vote(community, name, proposal, {"choice": "yes"})
    assert close(community, proposal)["passed"] is True
