"""Community-issued credentials through the VC API: issued by role, endorsement and token,
refused when the constitution does not allow them (nothing logged, no index used), and
verified false — with the reason named — once tampered with, revoked or expired."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.core.commitment import commitment, new_salt
from commonweal.domain.catalog import default_registry
from commonweal.domain.membership.records import COUNTERS
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import community_credentials
from commonweal.store.credential_claims import ClaimStore
from commonweal.web.app import create_app
from tests.community import Community
from tests.credential_kinds import (
    ANY_TOKEN,
    COURSE_TOKEN,
    ScopedTokens,
)

V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture
def client(kinds_community: Community) -> Iterator[TestClient]:
    app = create_app(
        kinds_community.node, background_checkpoints=False, issuer_tokens=ScopedTokens()
    )
    with TestClient(app) as test_client:
        yield test_client


def joined(community: Community, name: str) -> str:
    community.apply(name)
    return community.did(name)


def request_body(vc_type: str, subject: str, claims: dict[str, Any]) -> dict[str, Any]:
    return {
        "credential": {
            "@context": [V2],
            "type": ["VerifiableCredential", vc_type],
            "credentialSubject": {"id": subject, **claims},
        }
    }


def signed_issue(
    community: Community, issuer: str, kind: str, vc_type: str, subject: str, claims: dict[str, Any]
) -> dict[str, Any]:
    """A member's signed issue request: the event commits to the claims under a salt."""
    salt = new_salt()
    body = {"kind": kind, "subject": subject, "claims": commitment(claims, salt)}
    event = community.events.event(issuer, type="credentials.issued", body=body)
    document = request_body(vc_type, subject, claims)
    document["options"] = {"event": event, "salt": salt}
    return document


def post(client: TestClient, path: str, document: object, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(path, content=orjson.dumps(document), headers=headers)


def verified(client: TestClient, vc: object) -> Any:
    return post(client, "/credentials/verify", {"verifiableCredential": vc, "options": {}})


def reasons(response: Any) -> list[str]:
    return [p["type"].rsplit("/", 1)[1] for p in response.json()["problemDetails"]]


class Unchanged:
    """The log's size, the next status index and the kept claims, before a refusal."""

    def __init__(self, community: Community) -> None:
        self.community = community
        self.before = self.now()

    def now(self) -> tuple[int, int, int]:
        node = self.community.node
        with node.store.engine.connect() as conn:
            kept = conn.exec_driver_sql("SELECT COUNT(*) FROM private_credential_claims").scalar()
        return node.size, node.state.get(COUNTERS, "status_index", 0), int(kept or 0)

    def check(self) -> None:
        assert self.now() == self.before


def test_a_steward_issues_a_course_credential_that_verifies(
    client: TestClient, kinds_community: Community
) -> None:
    bob = kinds_community.did("bob")
    uma = joined(kinds_community, "uma")
    claims = {"course": "Permaculture design", "hours": 72}
    issued = post(
        client,
        "/credentials/issue",
        signed_issue(kinds_community, "bob", "course", "CourseCredential", uma, claims),
    )
    assert issued.status_code == 201, issued.text
    vc = issued.json()["verifiableCredential"]
    assert vc["type"] == ["VerifiableCredential", "CourseCredential"]
    assert vc["credentialSubject"] == {"id": uma, **claims}
    assert vc["issuer"] == kinds_community.node.identity.did and "validUntil" in vc
    assert verified(client, vc).json() == {"verified": True, "results": [], "problemDetails": []}
    # the member's credentials include it, rebuilt byte for byte
    held = client.get(f"/v1/members/{uma}/credentials").json()["credentials"]
    assert vc in held
    # the log carries the commitment, never the claims
    (entry,) = [
        e
        for e in kinds_community.node.store.entries(0, kinds_community.node.size)
        if e.type == "credentials.issued"
    ]
    assert b"Permaculture" not in entry.leaf and bob.encode() in entry.leaf
    # the schema and context are served where the credential says, with the digest it pins
    schema = client.get(
        vc["credentialSchema"]["id"].split("://", 1)[1].split("/", 1)[1].join(["/", ""])
    )
    assert schema.status_code == 200
    context = client.get("/credentials/kinds/course/v1/context").json()
    assert context["@context"] == vc["@context"][1]


def test_an_operator_token_issues_only_the_kinds_it_is_scoped_to(
    client: TestClient, kinds_community: Community
) -> None:
    uma = joined(kinds_community, "uma")
    course = request_body("CourseCredential", uma, {"course": "Bees", "hours": 3})
    skill = request_body("SkillCredential", uma, {"skill": "carpentry"})
    unchanged = Unchanged(kinds_community)
    refused = post(client, "/credentials/issue", skill, COURSE_TOKEN)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert "course" in refused.json()["detail"]
    anonymous = post(client, "/credentials/issue", course)
    assert anonymous.status_code == 401
    unchanged.check()
    assert post(client, "/credentials/issue", course, COURSE_TOKEN).status_code == 201
    assert post(client, "/credentials/issue", skill, ANY_TOKEN).status_code == 201


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("not a steward", 403, "forbidden"),
        ("undefined kind", 422, "unknown_kind"),
        ("fails the schema", 422, "invalid_claims"),
        ("not a member", 403, "not_a_member"),
        ("endorsed kind issued directly", 403, "forbidden"),
    ],
)
def test_issuance_the_constitution_does_not_allow_is_refused_and_changes_nothing(
    client: TestClient, kinds_community: Community, case: str, status: int, code: str
) -> None:
    uma = joined(kinds_community, "uma")
    outsider = kinds_community.did("stranger")
    good = {"course": "Bees", "hours": 3}
    documents = {
        "not a steward": lambda: signed_issue(
            kinds_community, "uma", "course", "CourseCredential", uma, good
        ),
        "undefined kind": lambda: signed_issue(
            kinds_community, "bob", "nope", "CourseCredential", uma, good
        ),
        "fails the schema": lambda: signed_issue(
            kinds_community,
            "bob",
            "course",
            "CourseCredential",
            uma,
            {"course": "Bees", "hours": 0},
        ),
        "not a member": lambda: signed_issue(
            kinds_community, "bob", "course", "CourseCredential", outsider, good
        ),
        "endorsed kind issued directly": lambda: signed_issue(
            kinds_community, "bob", "skill", "SkillCredential", uma, {"skill": "welding"}
        ),
    }
    unchanged = Unchanged(kinds_community)
    refused = post(client, "/credentials/issue", documents[case]())
    assert (refused.status_code, refused.json()["code"]) == (status, code), refused.text
    assert refused.json()["detail"]
    unchanged.check()


def test_an_undefined_credential_type_is_named_as_such(
    client: TestClient, kinds_community: Community
) -> None:
    uma = joined(kinds_community, "uma")
    refused = post(
        client, "/credentials/issue", request_body("DiplomaCredential", uma, {"x": 1}), ANY_TOKEN
    )
    assert refused.status_code == 422 and refused.json()["code"] == "unknown_kind"
    assert "DiplomaCredential" in refused.json()["detail"] and "course" in refused.json()["detail"]


def test_a_claim_that_fails_the_schema_is_named(
    client: TestClient, kinds_community: Community
) -> None:
    uma = joined(kinds_community, "uma")
    body = request_body("CourseCredential", uma, {"course": "Bees", "hours": 3, "grade": "A"})
    refused = post(client, "/credentials/issue", body, ANY_TOKEN)
    assert refused.json()["code"] == "invalid_claims"
    assert "grade" in refused.json()["detail"]


def test_peers_endorse_a_skill_and_the_last_endorsement_issues_it(
    client: TestClient, kinds_community: Community
) -> None:
    uma = joined(kinds_community, "uma")
    claims = {"skill": "timber framing"}
    salt = new_salt()
    event = kinds_community.events.event(
        "uma",
        type="credentials.requested",
        body={"kind": "skill", "claims": commitment(claims, salt)},
    )
    logged = post(
        client, "/v1/credentials/requests", {"event": event, "claims": claims, "salt": salt}
    )
    assert logged.status_code == 201, logged.text
    number = logged.json()["index"]
    assert (
        kinds_community.refused("uma", "credentials.endorsed", {"request": number}) == "forbidden"
    )
    kinds_community.act("alice", "credentials.endorsed", {"request": number})
    assert kinds_community.refused("alice", "credentials.endorsed", {"request": number}) == (
        "already_endorsed"
    )
    assert client.get(f"/v1/members/{uma}/credentials").json()["credentials"][-1]["type"] != [
        "VerifiableCredential",
        "SkillCredential",
    ]
    kinds_community.act("bob", "credentials.endorsed", {"request": number})
    vc = client.get(f"/v1/members/{uma}/credentials").json()["credentials"][-1]
    assert vc["type"] == ["VerifiableCredential", "SkillCredential"]
    assert vc["credentialSubject"] == {"id": uma, **claims} and "validUntil" not in vc
    assert verified(client, vc).status_code == 200
    assert kinds_community.refused("carol", "credentials.endorsed", {"request": number}) == (
        "already_issued"
    )
    index = int(vc["credentialStatus"]["statusListIndex"])
    assert kinds_community.refused("alice", "credentials.revoked", {"index": index}) == "forbidden"
    with pytest.raises(Exception, match="cannot be revoked"):
        kinds_community.node.submit_as_node("credentials.revoked", {"index": index, "reason": ""})


def test_tampered_revoked_and_expired_credentials_verify_false_with_the_reason(
    client: TestClient, kinds_community: Community
) -> None:
    uma = joined(kinds_community, "uma")
    vc = post(
        client,
        "/credentials/issue",
        request_body("CourseCredential", uma, {"course": "Bees", "hours": 3}),
        COURSE_TOKEN,
    ).json()["verifiableCredential"]
    tampered = copy.deepcopy(vc)
    tampered["credentialSubject"]["hours"] = 300
    assert verified(client, tampered).status_code == 422
    assert reasons(verified(client, tampered)) == ["invalid_signature"]
    index = int(vc["credentialStatus"]["statusListIndex"])
    assert kinds_community.refused("uma", "credentials.revoked", {"index": index}) == "forbidden"
    kinds_community.act("carol", "credentials.revoked", {"index": index, "reason": "wrong hours"})
    assert reasons(verified(client, vc)) == ["revoked"]
    assert kinds_community.refused("carol", "credentials.revoked", {"index": index}) == (
        "already_revoked"
    )
    other = post(
        client,
        "/credentials/issue",
        request_body("CourseCredential", uma, {"course": "Soil", "hours": 5}),
        COURSE_TOKEN,
    ).json()["verifiableCredential"]
    kinds_community.clock.advance(days=366)
    assert reasons(verified(client, other)) == ["expired"]


def test_a_member_gets_their_passport_and_it_verifies(
    client: TestClient, kinds_community: Community
) -> None:
    uma = joined(kinds_community, "uma")
    claims = client.get(f"/v1/members/{uma}/passport-claims").json()["claims"]
    assert claims["memberOf"] == kinds_community.node.identity.did and claims["standing"] == "good"
    document = signed_issue(kinds_community, "uma", "passport", "PassportCredential", uma, claims)
    issued = post(client, "/credentials/issue", document)
    assert issued.status_code == 201, issued.text
    vc = issued.json()["verifiableCredential"]
    assert vc["credentialSubject"]["visas"] == [] and "validUntil" in vc
    assert verified(client, vc).status_code == 200
    forged = {
        **claims,
        "visas": [
            {
                "node": "did:web:elsewhere.example",
                "since": "2026-01-01T00:00:00Z",
                "rights": ["book"],
            }
        ],
    }
    refused = post(
        client,
        "/credentials/issue",
        signed_issue(kinds_community, "uma", "passport", "PassportCredential", uma, forged),
    )
    assert refused.json()["code"] == "invalid_claims" and "log" in refused.json()["detail"]
    someone_else = signed_issue(
        kinds_community, "bob", "passport", "PassportCredential", uma, claims
    )
    assert post(client, "/credentials/issue", someone_else).json()["code"] == "forbidden"


def test_verify_rebuilds_every_credentials_status_from_the_log(
    client: TestClient, kinds_community: Community
) -> None:
    uma = joined(kinds_community, "uma")
    vc = post(
        client,
        "/credentials/issue",
        request_body("CourseCredential", uma, {"course": "Bees", "hours": 3}),
        ANY_TOKEN,
    ).json()["verifiableCredential"]
    kinds_community.node.submit_as_node(
        "credentials.revoked", {"index": int(vc["credentialStatus"]["statusListIndex"])}
    )
    store = kinds_community.node.store
    assert verify_log(store, default_registry(), compare_with=store).ok
    # erasing the claims keeps the log whole; the credential is no longer rebuilt
    (row,) = community_credentials.issued_rows(kinds_community.node, uma)
    assert row["revoked"] is not None
    ClaimStore(store).erase([row["claims"]])
    assert community_credentials.credentials_of(kinds_community.node, uma) == []
    assert verify_log(store, default_registry(), compare_with=store).ok
