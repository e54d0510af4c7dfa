"""Credentials end to end: issued on admission, verified by API, CLI and a fresh process."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.core.vc.verify import create_presentation
from commonweal.node.services import credentials
from commonweal.web.app import create_app
from tests.community import Community

TOKEN = "issuer-token-for-tests"


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    tokens = frozenset({hashlib.sha256(TOKEN.encode()).hexdigest()})
    with TestClient(
        create_app(community.node, background_checkpoints=False, issuer_tokens=tokens)
    ) as test_client:
        yield test_client


def admitted(community: Community, name: str) -> str:
    community.act("alice", "membership.policy.set", {"admission": "open"})
    community.apply(name)
    return community.did(name)


def membership_credential(client: TestClient, did: str) -> dict[str, object]:
    (vc,) = [
        c
        for c in client.get(f"/v1/members/{did}/credentials").json()["credentials"]
        if "MembershipCredential" in c["type"]
    ]
    return vc


def verify(client: TestClient, vc: object):  # type: ignore[no-untyped-def]
    return client.post(
        "/credentials/verify", content=orjson.dumps({"verifiableCredential": vc, "options": {}})
    )


def test_admission_issues_a_credential_that_verifies_exactly(
    client: TestClient, community: Community
) -> None:
    vc = membership_credential(client, admitted(community, "uma"))
    assert vc["issuer"] == community.node.identity.did
    assert vc["credentialSubject"]["memberOf"] == community.node.identity.did
    response = verify(client, vc)
    assert response.status_code == 200
    assert response.json() == {"verified": True, "results": [], "problemDetails": []}


def test_credentials_are_rebuilt_identically(client: TestClient, community: Community) -> None:
    did = admitted(community, "vic")
    first = credentials.credentials_of(community.node, did)
    assert first == credentials.credentials_of(community.node, did)
    assert json.dumps(first[0]) == json.dumps(membership_credential(client, did))


def test_leaving_revokes(client: TestClient, community: Community) -> None:
    did = admitted(community, "wes")
    vc = membership_credential(client, did)
    community.act("wes", "membership.member.left")
    response = verify(client, vc)
    assert response.status_code == 422
    assert [p["type"].rsplit("/", 1)[1] for p in response.json()["problemDetails"]] == ["revoked"]
    status = client.get("/credentials/status/1").json()
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "id"), "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
        (("credentialStatus", "statusListIndex"), "99"),
        (("proof", "proofValue"), "z" + "3" * 86),
    ],
)
def test_tampering_fails(
    client: TestClient, community: Community, path: tuple[str, ...], value: str
) -> None:
    vc = copy.deepcopy(membership_credential(client, admitted(community, "xia")))
    target = vc
    for step in path[:-1]:
        target = target[step]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    response = verify(client, vc)
    assert response.status_code == 422 and response.json()["verified"] is False


def test_untrusted_issuer_fails(client: TestClient, community: Community, tmp_path: Path) -> None:
    from commonweal.node.kernel.setup import init_node

    other = init_node(tmp_path / "other", name="Elsewhere", founders=[community.did("yan")])
    (foreign,) = [
        c
        for c in credentials.credentials_of(other, community.did("yan"))
        if "MembershipCredential" in c["type"]
    ]
    other.close()
    response = verify(client, foreign)
    assert response.status_code == 422
    codes = {p["type"].rsplit("/", 1)[1] for p in response.json()["problemDetails"]}
    assert "untrusted_issuer" in codes


def test_bad_requests_are_400(client: TestClient) -> None:
    assert client.post("/credentials/verify", content=b"{").status_code == 400
    assert client.post("/credentials/verify", content=b'{"credential": {}}').status_code == 400


def test_issue_needs_a_token_and_returns_the_owed_credential(
    client: TestClient, community: Community
) -> None:
    did = admitted(community, "zoe")
    request = {
        "credential": {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://commonweal.invalid/contexts/membership/v1",
            ],
            "type": ["VerifiableCredential", "MembershipCredential"],
            "credentialSubject": {"id": did},
        },
        "options": {},
    }
    assert client.post("/credentials/issue", content=orjson.dumps(request)).status_code == 401
    headers = {"Authorization": f"Bearer {TOKEN}"}
    issued = client.post("/credentials/issue", content=orjson.dumps(request), headers=headers)
    assert issued.status_code == 201
    assert issued.json()["verifiableCredential"] == membership_credential(client, did)
    rdfc = client.post(
        "/credentials/issue",
        content=orjson.dumps({**request, "options": {"cryptosuite": "eddsa-rdfc-2022"}}),
        headers=headers,
    )
    vc = rdfc.json()["verifiableCredential"]
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022" and verify(client, vc).status_code == 200
    stranger = {
        **request,
        "credential": {**request["credential"], "credentialSubject": {"id": "did:key:z6MkNoOne"}},
    }  # type: ignore[dict-item]
    assert (
        client.post("/credentials/issue", content=orjson.dumps(stranger), headers=headers).json()[
            "code"
        ]
        == "not_owed"
    )


def test_presentation_verify(client: TestClient, community: Community) -> None:
    did = admitted(community, "ana")
    vc = membership_credential(client, did)
    vp = create_presentation(
        community.events.key("ana"),
        [vc],
        challenge="ch-1",
        domain="verifier.example",
        created="2026-11-23T12:00:00Z",
    )
    ok = client.post(
        "/presentations/verify",
        content=orjson.dumps(
            {
                "verifiablePresentation": vp,
                "options": {"challenge": "ch-1", "domain": "verifier.example"},
            }
        ),
    )
    assert ok.json() == {"verified": True, "results": [], "problemDetails": []}
    replayed = client.post(
        "/presentations/verify",
        content=orjson.dumps(
            {
                "verifiablePresentation": vp,
                "options": {"challenge": "ch-2", "domain": "verifier.example"},
            }
        ),
    )
    assert replayed.status_code == 422


def test_cli_and_a_fresh_process_agree(
    client: TestClient, community: Community, tmp_path: Path
) -> None:
    """The same file verifies offline with only the credential, the status list and a trust list."""
    from tests.cli.test_cli import run

    did = admitted(community, "bea")
    vc_file, status_file = tmp_path / "vc.json", tmp_path / "status.json"
    vc_file.write_text(json.dumps(membership_credential(client, did)))
    status_file.write_text(json.dumps(client.get("/credentials/status/1").json()))
    node_did = community.node.identity.did
    ok = run(
        "credential", "verify", str(vc_file), "--status-list", str(status_file), "--trust", node_did
    )
    assert ok.returncode == 0 and "valid" in ok.stdout, ok.stdout + ok.stderr
    untrusted = run("credential", "verify", str(vc_file), "--status-list", str(status_file))
    assert untrusted.returncode == 1 and "untrusted_issuer" in untrusted.stdout
    no_status = run("credential", "verify", str(vc_file), "--trust", node_did)
    assert no_status.returncode == 1 and "status_unavailable" in no_status.stdout
    community.act("bea", "membership.member.left")
    status_file.write_text(json.dumps(client.get("/credentials/status/1").json()))
    revoked = run(
        "credential", "verify", str(vc_file), "--status-list", str(status_file), "--trust", node_did
    )
    assert revoked.returncode == 1 and "revoked" in revoked.stdout


def test_a_node_with_a_domain_is_did_web(tmp_path: Path) -> None:
    """did:web: events, rules and credentials work; the DID document serves the key."""
    from commonweal.core.did import did_key_from_public_key
    from commonweal.core.keys import SigningKey
    from commonweal.domain.catalog import default_registry
    from commonweal.node.kernel.setup import init_node, open_node
    from commonweal.node.kernel.verify import verify_log
    from tests.cli.test_cli import run

    founder = did_key_from_public_key(
        SigningKey(hashlib.sha256(b"web founder").digest()).public_key
    )
    node = init_node(
        tmp_path / "web", name="Web Commons", domain="commons.example.org", founders=[founder]
    )
    assert node.identity.did == "did:web:commons.example.org"
    with TestClient(create_app(node, background_checkpoints=False)) as web:
        document = web.get("/.well-known/did.json").json()
        assert document["id"] == "did:web:commons.example.org"
        (vc,) = [
            c
            for c in web.get(f"/v1/members/{founder}/credentials").json()["credentials"]
            if "MembershipCredential" in c["type"]
        ]
        assert vc["issuer"] == "did:web:commons.example.org"
        assert vc["credentialStatus"]["statusListCredential"].startswith(
            "https://commons.example.org/"
        )
        assert verify(web, vc).json()["verified"] is True
        status = web.get("/credentials/status/1").json()
    assert verify_log(node.store, default_registry(), compare_with=node.store).ok
    node.close()
    reopened = open_node(tmp_path / "web")
    assert reopened.identity.did == "did:web:commons.example.org"
    reopened.close()
    files = {name: tmp_path / f"{name}.json" for name in ("vc", "status", "did")}
    for name, value in (("vc", vc), ("status", status), ("did", document)):
        files[name].write_text(json.dumps(value))
    args = (
        "credential",
        "verify",
        str(files["vc"]),
        "--status-list",
        str(files["status"]),
        "--trust",
        "did:web:commons.example.org",
    )
    assert run(*args, "--did-document", str(files["did"])).returncode == 0
    missing = run(*args)
    assert missing.returncode == 1 and "unresolvable_key" in missing.stdout


def test_a_did_key_node_has_no_did_document(client: TestClient) -> None:
    assert client.get("/.well-known/did.json").status_code == 404


def verify_vp(client: TestClient, vp: object, **options: object):  # type: ignore[no-untyped-def]
    body = {
        "verifiablePresentation": vp,
        "options": {"challenge": "ch-1", "domain": "verifier.example", **options},
    }
    return client.post("/presentations/verify", content=orjson.dumps(body))


def test_an_rdfc_presentation_of_the_nodes_credential_verifies(
    client: TestClient, community: Community
) -> None:
    """Both proofs are checked: the embedded credential's and the presentation's."""
    did = admitted(community, "ivy")
    vc = membership_credential(client, did)
    issued = client.post(
        "/credentials/issue",
        content=orjson.dumps(
            {
                "credential": {
                    "@context": vc["@context"],
                    "type": vc["type"],
                    "credentialSubject": {"id": did},
                },
                "options": {"cryptosuite": "eddsa-rdfc-2022"},
            }
        ),
        headers={"Authorization": f"Bearer {TOKEN}"},
    ).json()["verifiableCredential"]
    for embedded in (vc, issued):
        vp = create_presentation(
            community.events.key("ivy"),
            [embedded],
            challenge="ch-1",
            domain="verifier.example",
            created="2026-11-23T12:00:00Z",
            cryptosuite="eddsa-rdfc-2022",
        )
        assert verify_vp(client, vp).json() == {
            "verified": True,
            "results": [],
            "problemDetails": [],
        }
        forged = copy.deepcopy(vp)
        forged["verifiableCredential"][0]["credentialSubject"]["id"] = "did:key:z6MkSomeoneElse"
        assert verify_vp(client, forged).status_code == 422


def test_holder_binding_is_an_option_of_presentation_verify(
    client: TestClient, community: Community
) -> None:
    """By default the VC API's checks (a named holder signed it); more when asked."""
    vc = membership_credential(client, admitted(community, "joe"))
    other = community.events.key("alice")
    vp = create_presentation(
        other, [vc], challenge="ch-1", domain="verifier.example", created="2026-11-23T12:00:00Z"
    )
    assert verify_vp(client, vp).status_code == 200
    refused = verify_vp(client, vp, holderIsSubject=True)
    assert refused.status_code == 422
    assert [p["type"].rsplit("/", 1)[1] for p in refused.json()["problemDetails"]] == [
        "not_the_holder"
    ]
    bad = verify_vp(client, vp, holderRequired="yes")
    assert bad.status_code == 400 and "holderRequired" in bad.json()["detail"]
