"""``POST /credentials/verify`` verifies ``Ed25519Signature2020`` and honours ``options.checks``.

The request is the one ``w3c-ccg/vc-api-verifier-test-suite`` sends in "MUST verify a
valid VC" (its ``ed25519Vector``, the published vector in tests/fixtures, and
``options.checks: ["proof"]``), answered through the node's edge as a suite would see it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.core.vc.verify import create_presentation
from commonweal.web.app import create_app
from tests.community import Community

VECTOR = Path(__file__).parents[1] / "fixtures" / "ed25519_signature_2020" / "signedEdSig.json"


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def vector() -> dict[str, Any]:
    signed: dict[str, Any] = json.loads(VECTOR.read_text())
    return signed


def post(client: TestClient, vc: Any, **options: Any):  # type: ignore[no-untyped-def]
    body = {"verifiableCredential": vc, "options": options}
    return client.post("/credentials/verify", content=orjson.dumps(body))


def problems(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [p["type"].rsplit("/", 1)[1] for p in response.json()["problemDetails"]]


def test_the_suites_valid_vc_verifies_with_the_proof_check(client: TestClient) -> None:
    response = post(client, vector(), checks=["proof"])
    assert response.status_code == 200
    assert response.json() == {"verified": True, "results": [], "problemDetails": []}


def test_without_checks_the_issuer_must_still_control_the_key(client: TestClient) -> None:
    response = post(client, vector())
    assert response.status_code == 422
    assert problems(response) == ["wrong_signer", "untrusted_issuer"]


def test_a_tampered_vector_fails_naming_the_signature(client: TestClient) -> None:
    tampered = vector()
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    response = post(client, tampered, checks=["proof"])
    assert response.status_code == 422
    assert problems(response) == ["invalid_signature"]
    assert response.json()["problemDetails"][0]["detail"] == (
        "the proof's signature does not verify"
    )


@pytest.mark.parametrize(
    "member", ["type", "created", "verificationMethod", "proofValue", "proofPurpose"]
)
def test_the_suites_negative_proof_cases_are_refused(client: TestClient, member: str) -> None:
    broken = vector()
    del broken["proof"][member]
    assert post(client, broken, checks=["proof"]).status_code == 422


def test_unknown_checks_are_refused_by_name(client: TestClient) -> None:
    response = post(client, vector(), checks=["proof", "signature", "zodiac"])
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "signature, zodiac" in detail
    assert "proof, issuer, validity, status" in detail
    for malformed in ([], "proof", [1]):
        assert post(client, vector(), checks=malformed).status_code == 400


def test_checks_select_what_a_revoked_credential_is_refused_for(
    client: TestClient, community: Community
) -> None:
    community.act("alice", "membership.policy.set", {"admission": "open"})
    community.apply("uma")
    did = community.did("uma")
    (vc,) = [
        c
        for c in client.get(f"/v1/members/{did}/credentials").json()["credentials"]
        if "MembershipCredential" in c["type"]
    ]
    community.act("uma", "membership.member.left")
    assert problems(post(client, vc)) == ["revoked"]
    assert problems(post(client, vc, checks=["credentialStatus"])) == ["revoked"]
    assert post(client, vc, checks=["proof", "issuer", "validity"]).status_code == 200
    presentation = create_presentation(
        community.events.key("uma"),
        [vc],
        challenge="ch-1",
        domain="verifier.example",
        created="2026-11-23T12:00:00Z",
    )

    def present(**more: Any):  # type: ignore[no-untyped-def]
        options = {"challenge": "ch-1", "domain": "verifier.example", **more}
        body = {"verifiablePresentation": copy.deepcopy(presentation), "options": options}
        return client.post("/presentations/verify", content=orjson.dumps(body))

    assert problems(present()) == ["revoked"]
    assert present(checks=["proof"]).status_code == 200
    assert present(checks=["proof", "status"]).status_code == 422
    assert present(checks=["nothing"]).status_code == 400
