"""A member derives a selective-disclosure credential from their page's route: the node
derives it from the base credential it issued, showing the chosen claims and the
mandatory ones only; it verifies, and a claim the credential lacks is refused by name."""

from __future__ import annotations

import time
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from commonweal.web.session import COOKIE, SignedIn
from tests.community import Community


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def signed_in_member(client: TestClient, community: Community, name: str) -> str:
    community.act("alice", "membership.policy.set", {"admission": "open"})
    community.apply(name)
    did = community.did(name)
    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    client.cookies.set(COOKIE, sessions.cookie_value(SignedIn(did, int(time.time()) + 600)))
    return did


def membership_id(client: TestClient, did: str) -> str:
    held = client.get(f"/v1/members/{did}/credentials/selective").json()["credentials"]
    (vc,) = [c for c in held if "MembershipCredential" in c["type"]]
    return str(vc["id"])


def derive(client: TestClient, did: str, body: Any) -> Any:
    return client.post(
        f"/v1/members/{did}/credentials/selective/derive", content=orjson.dumps(body)
    )


def verify(client: TestClient, vc: Any) -> Any:
    return client.post("/credentials/verify", content=orjson.dumps({"verifiableCredential": vc}))


def test_a_derived_credential_shows_only_the_chosen_claim_and_verifies(
    client: TestClient, community: Community
) -> None:
    did = signed_in_member(client, community, "uma")
    credential_id = membership_id(client, did)
    response = derive(client, did, {"id": credential_id, "reveal": ["/validFrom"]})
    assert response.status_code == 200, response.text
    shown = response.json()["verifiableCredential"]
    assert shown["proof"]["cryptosuite"] == "ecdsa-sd-2023"
    assert "validFrom" in shown
    assert shown["credentialSubject"] == {"id": did}  # a credential always has a subject
    assert {"issuer", "credentialStatus", "relatedResource"} <= set(shown)  # mandatory
    assert verify(client, shown).json() == {"verified": True, "results": [], "problemDetails": []}

    subject = derive(client, did, {"id": credential_id, "reveal": ["/credentialSubject/memberOf"]})
    shown = subject.json()["verifiableCredential"]
    assert shown["credentialSubject"] == {"id": did, "memberOf": community.node.identity.did}
    assert "validFrom" not in shown
    assert verify(client, shown).status_code == 200


def test_the_page_offers_the_claims_to_choose(client: TestClient, community: Community) -> None:
    signed_in_member(client, community, "vic")
    page = client.get("/me/credentials")
    assert page.status_code == 200
    assert 'value="/credentialSubject/memberOf"' in page.text
    assert 'value="/validFrom"' in page.text
    assert "/static/js/selective.js" in page.text


def test_a_claim_the_credential_lacks_is_refused_by_name(
    client: TestClient, community: Community
) -> None:
    did = signed_in_member(client, community, "wes")
    credential_id = membership_id(client, did)
    response = derive(
        client, did, {"id": credential_id, "reveal": ["/validFrom", "/credentialSubject/role"]}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "the credential has no claim at /credentialSubject/role"
    for reveal in (["/proof/proofValue"], ["validFrom"], "/validFrom", [3]):
        assert derive(client, did, {"id": credential_id, "reveal": reveal}).status_code == 400
    unknown = derive(client, did, {"id": "urn:uuid:nothing", "reveal": []})
    assert unknown.status_code == 404


def test_only_the_member_signed_in_derives_their_credentials(
    client: TestClient, community: Community
) -> None:
    did = signed_in_member(client, community, "xia")
    credential_id = membership_id(client, did)
    other = community.did("alice")
    assert derive(client, other, {"id": credential_id, "reveal": []}).status_code == 403
    client.cookies.clear()
    assert derive(client, did, {"id": credential_id, "reveal": []}).status_code == 401
