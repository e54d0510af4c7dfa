"""Selective disclosure end to end: the node's base credential, a holder's derived one
("member of this node since …", without the subject's other claims), verified by
``POST /credentials/verify``; tampering and revocation verify false with the reason named."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.core.vc import ecdsa_sd
from commonweal.node.services import selective
from commonweal.node.services.credentials import did_document_of
from commonweal.web.app import create_app
from commonweal.web.session import COOKIE, SignedIn
from tests.community import Community

MEMBER_SINCE = ["/credentialSubject/memberOf", "/validFrom"]


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def admitted(community: Community, name: str) -> str:
    community.act("alice", "membership.policy.set", {"admission": "open"})
    community.apply(name)
    return community.did(name)


def held(client: TestClient, did: str) -> Any:
    """``did``'s base credentials, asked for as that member signed in (they go to their
    holder only: tests/web/test_selective_access.py)."""
    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    client.cookies.set(COOKIE, sessions.cookie_value(SignedIn(did, int(time.time()) + 600)))
    return client.get(f"/v1/members/{did}/credentials/selective")


def base_membership(client: TestClient, did: str) -> dict[str, Any]:
    response = held(client, did)
    assert response.status_code == 200
    (vc,) = [c for c in response.json()["credentials"] if "MembershipCredential" in c["type"]]
    return vc


def verify(client: TestClient, vc: object) -> Any:
    return client.post(
        "/credentials/verify", content=orjson.dumps({"verifiableCredential": vc, "options": {}})
    )


def problems(response: Any) -> list[str]:
    return [p["type"].rsplit("/", 1)[1] for p in response.json()["problemDetails"]]


def test_a_member_shows_membership_and_date_only(client: TestClient, community: Community) -> None:
    did = admitted(community, "uma")
    base = base_membership(client, did)
    assert base["proof"]["cryptosuite"] == "ecdsa-sd-2023"
    assert (
        base["proof"]["verificationMethod"] == community.node.identity.selective_verification_method
    )
    derived = ecdsa_sd.derive(base, MEMBER_SINCE)
    assert derived["credentialSubject"] == {"id": did, "memberOf": community.node.identity.did}
    assert derived["validFrom"] == base["validFrom"]
    assert derived["credentialStatus"] == base["credentialStatus"]
    response = verify(client, derived)
    assert response.json() == {"verified": True, "results": [], "problemDetails": []}


def test_a_member_can_hide_the_date(client: TestClient, community: Community) -> None:
    derived = ecdsa_sd.derive(base_membership(client, admitted(community, "val")), [])
    assert "validFrom" not in derived and "credentialSubject" not in derived
    assert verify(client, derived).status_code == 422  # a credential needs a subject
    derived = ecdsa_sd.derive(base_membership(client, community.did("val")), MEMBER_SINCE[:1])
    assert "validFrom" not in derived
    assert verify(client, derived).status_code == 200


def test_base_credentials_are_rebuilt_identically(client: TestClient, community: Community) -> None:
    did = admitted(community, "wyn")
    assert selective.selective_credentials_of(community.node, did) == [
        c for c in held(client, did).json()["credentials"]
    ]


def test_the_did_document_publishes_the_p256_key(community: Community) -> None:
    document = did_document_of(community.node)
    method = community.node.identity.selective_verification_method
    assert method in document["assertionMethod"]
    (entry,) = [m for m in document["verificationMethod"] if m["id"] == method]
    assert entry["publicKeyMultibase"].startswith("zDn")


def test_an_altered_disclosed_claim_verifies_false(
    client: TestClient, community: Community
) -> None:
    derived = ecdsa_sd.derive(base_membership(client, admitted(community, "xia")), MEMBER_SINCE)
    altered = copy.deepcopy(derived)
    altered["validFrom"] = "2020-01-01T00:00:00Z"
    response = verify(client, altered)
    assert response.status_code == 422
    assert problems(response) == ["invalid_signature"]
    assert "disclosed claim was altered" in response.json()["problemDetails"][0]["detail"]


def test_a_base_proof_is_refused_by_the_verifier(client: TestClient, community: Community) -> None:
    response = verify(client, base_membership(client, admitted(community, "yan")))
    assert response.status_code == 422
    assert problems(response) == ["PROOF_VERIFICATION_ERROR"]


def test_a_revoked_credential_stays_revoked_when_derived(
    client: TestClient, community: Community
) -> None:
    did = admitted(community, "zed")
    base = base_membership(client, did)
    community.act("zed", "membership.member.left")
    response = verify(client, ecdsa_sd.derive(base, MEMBER_SINCE))
    assert problems(response) == ["revoked"]


def test_the_holder_cannot_drop_a_mandatory_claim(client: TestClient, community: Community) -> None:
    derived = ecdsa_sd.derive(base_membership(client, admitted(community, "ada")), MEMBER_SINCE)
    del derived["credentialStatus"]
    response = verify(client, derived)
    assert response.status_code == 422
    assert problems(response) == ["PROOF_VERIFICATION_ERROR"]
    assert "added or removed" in response.json()["problemDetails"][0]["detail"]


def test_credentials_of_another_issuer_key_are_refused(
    client: TestClient, community: Community
) -> None:
    derived = ecdsa_sd.derive(base_membership(client, admitted(community, "bea")), MEMBER_SINCE)
    derived["proof"]["verificationMethod"] = community.node.identity.verification_method
    response = verify(client, derived)
    assert response.status_code == 422
    assert problems(response)[0] == "unresolvable_key"


def test_the_cli_derives_and_the_cli_verifies_offline(
    client: TestClient, community: Community, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from commonweal.cli.main import app

    runner = CliRunner()
    base_file, out = tmp_path / "base.json", tmp_path / "shown.json"
    base_file.write_text(json.dumps(base_membership(client, admitted(community, "cy"))))
    args = ["credential", "derive", str(base_file), "-r", MEMBER_SINCE[0], "-r", MEMBER_SINCE[1]]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    shown = json.loads(out.read_text())
    assert set(shown["credentialSubject"]) == {"id", "memberOf"}
    status = tmp_path / "status.json"
    status.write_text(client.get("/credentials/status/1").text)
    did_document = tmp_path / "did.json"
    did_document.write_text(json.dumps(did_document_of(community.node)))
    node = community.node.identity.did
    check = ["credential", "verify", str(out), "--trust", node, "--status-list", str(status)]
    verified = runner.invoke(app, [*check, "--did-document", str(did_document)])
    assert verified.exit_code == 0, verified.output
    bad = runner.invoke(app, ["credential", "derive", str(base_file), "-r", "/nothing/here"])
    assert bad.exit_code != 0
    assert "JSON Pointer does not match" in bad.output
