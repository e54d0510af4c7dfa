"""Gatherings over HTTP, and the attendance credential end to end: issued, verified, offline."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.core.vc.contexts import ATTENDANCE_PATH
from commonweal.core.vc.data_integrity import RDFC
from commonweal.core.vc.model import check_credential
from commonweal.core.vc.rdfc import check_terms
from commonweal.core.vc.verify import create_presentation
from commonweal.domain.gatherings.records import claim_proof, code_hash
from commonweal.node.services import credentials
from commonweal.web.app import create_app
from tests.commons import at, verified
from tests.community import Community
from tests.governance import admit

TOKEN = "issuer-token-for-gathering-tests"
CODE = "DOCK-5LRB-QX2T"


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    tokens = frozenset({hashlib.sha256(TOKEN.encode()).hexdigest()})
    app = create_app(community.node, background_checkpoints=False, issuer_tokens=tokens)
    with TestClient(app) as test_client:
        yield test_client


def attended(community: Community) -> int:
    """A past gathering dana attended (checked in by an organiser) and erin only RSVPed to."""
    admit(community, "dana", "erin")
    body = {
        "kind": "assembly",
        "title": "Autumn assembly",
        "place": "The barn",
        "starts": at(community, hours=2),
        "ends": at(community, hours=4),
        "capacity": 40,
        "checkin_code_hash": code_hash(CODE),
    }
    gathering = community.act("alice", "gatherings.gathering.scheduled", body).index
    for name in ("dana", "erin"):
        community.act(name, "gatherings.rsvp.given", {"gathering": gathering, "response": "yes"})
    community.clock.advance(hours=2)
    member = {"gathering": gathering, "member": community.did("dana")}
    community.act("alice", "gatherings.attendee.checked_in", member)
    community.clock.advance(hours=3)
    return gathering


def attendance_credential(client: TestClient, did: str) -> dict[str, Any]:
    (vc,) = [
        c
        for c in client.get(f"/v1/members/{did}/credentials").json()["credentials"]
        if "AttendanceCredential" in c["type"]
    ]
    return vc


def verify(client: TestClient, vc: object) -> Any:
    return client.post("/credentials/verify", content=orjson.dumps({"verifiableCredential": vc}))


def test_the_api_lists_and_shows_gatherings(client: TestClient, community: Community) -> None:
    past = attended(community)
    upcoming = {
        "title": "Seed swap",
        "starts": at(community, days=3),
        "ends": at(community, days=3, hours=2),
    }
    soon = community.act("bob", "gatherings.gathering.scheduled", upcoming).index
    community.act("carol", "gatherings.rsvp.given", {"gathering": soon, "response": "yes"})
    assert [g["id"] for g in client.get("/v1/gatherings").json()["gatherings"]] == [soon]
    assert [g["id"] for g in client.get("/v1/gatherings?when=past").json()["gatherings"]] == [past]
    assert len(client.get("/v1/gatherings?when=all").json()["gatherings"]) == 2
    assert client.get("/v1/gatherings?when=someday").status_code == 400
    view = client.get(f"/v1/gatherings/{past}").json()
    assert (view["kind"], view["going"], view["attended"], view["self_checkin"]) == (
        "assembly",
        2,
        1,
        True,
    )
    assert [a["member"] for a in view["attendance"]] == [community.did("dana")]
    assert CODE not in json.dumps(view)
    assert client.get("/v1/gatherings/99999").status_code == 404
    refused = client.post(
        "/v1/events",
        content=orjson.dumps(
            community.events.event(
                "carol", type="gatherings.rsvp.given", body={"gathering": soon, "response": "yes"}
            )
        ),
    )
    assert refused.status_code == 409 and refused.json()["code"] == "already_responded"


def test_the_attendance_credential_verifies(client: TestClient, community: Community) -> None:
    gathering = attended(community)
    vc = attendance_credential(client, community.did("dana"))
    assert vc["type"] == ["VerifiableCredential", "AttendanceCredential"]
    assert vc["@context"][1] == credentials.context_url(community.node, ATTENDANCE_PATH)
    assert client.get(ATTENDANCE_PATH).headers["content-type"] == "application/ld+json"
    subject = vc["credentialSubject"]
    assert subject["id"] == community.did("dana")
    assert subject["attended"]["id"].endswith(f"/v1/gatherings/{gathering}")
    assert subject["attended"]["type"] == "Assembly"
    assert subject["attended"]["name"] == "Autumn assembly"
    assert subject["checkedIn"] == vc["validFrom"]
    # the W3C data-model rules the project checks, and every term defined (no data loss)
    check_credential(vc)
    check_terms(vc)
    response = verify(client, vc)
    assert response.status_code == 200
    assert response.json() == {"verified": True, "results": [], "problemDetails": []}
    # the same credential signed with the RDF suite verifies too
    owed = credentials.owed(community.node, community.did("dana"), {"AttendanceCredential"})
    rdfc = credentials.credential(community.node, owed, RDFC)
    assert verify(client, rdfc).json()["verified"] is True
    # rebuilt from the log: byte-identical every time
    assert json.dumps(vc) == json.dumps(attendance_credential(client, community.did("dana")))
    # presented by its holder, for one challenge
    vp = create_presentation(
        community.events.key("dana"),
        [vc],
        challenge="c-9",
        domain="door.example",
        created=vc["validFrom"],
    )
    shown = client.post(
        "/presentations/verify",
        content=orjson.dumps(
            {
                "verifiablePresentation": vp,
                "options": {"challenge": "c-9", "domain": "door.example"},
            }
        ),
    )
    assert shown.json() == {"verified": True, "results": [], "problemDetails": []}
    forged = copy.deepcopy(vc)
    forged["credentialSubject"]["id"] = community.did("erin")
    assert verify(client, forged).status_code == 422
    assert verified(community)


def test_no_credential_for_someone_who_did_not_attend(
    client: TestClient, community: Community
) -> None:
    gathering = attended(community)
    erin = community.did("erin")
    kinds = [
        c["type"][1] for c in client.get(f"/v1/members/{erin}/credentials").json()["credentials"]
    ]
    assert "AttendanceCredential" not in kinds
    vc = attendance_credential(client, community.did("dana"))
    request = {
        "credential": {
            "@context": vc["@context"],
            "type": vc["type"],
            "credentialSubject": {**vc["credentialSubject"], "id": erin},
        }
    }
    headers = {"Authorization": f"Bearer {TOKEN}"}
    refused = client.post("/credentials/issue", content=orjson.dumps(request), headers=headers)
    assert refused.status_code == 422 and refused.json()["code"] == "not_owed"
    request["credential"]["credentialSubject"]["id"] = community.did("dana")
    issued = client.post("/credentials/issue", content=orjson.dumps(request), headers=headers)
    assert issued.status_code == 201
    assert issued.json()["verifiableCredential"]["credentialSubject"]["attended"]["id"].endswith(
        f"/{gathering}"
    )


def test_self_check_in_through_the_api(client: TestClient, community: Community) -> None:
    admit(community, "erin")
    body = {
        "title": "Work day",
        "starts": at(community, hours=1),
        "ends": at(community, hours=3),
        "checkin_code_hash": code_hash(CODE),
    }
    gathering = community.act("bob", "gatherings.gathering.scheduled", body).index
    community.clock.advance(hours=2)
    proof = claim_proof(CODE, community.node.identity.did, gathering, community.did("erin"))
    claim = {"gathering": gathering, "proof": proof}
    event = community.events.event("erin", type="gatherings.checkin.claimed", body=claim)
    assert client.post("/v1/events", content=orjson.dumps(event)).status_code == 201
    community.clock.advance(hours=1)
    reveal = {"gathering": gathering, "code": CODE}
    event = community.events.event("bob", type="gatherings.code.revealed", body=reveal)
    assert client.post("/v1/events", content=orjson.dumps(event)).status_code == 201
    vc = attendance_credential(client, community.did("erin"))
    assert verify(client, vc).json()["verified"] is True
    assert client.get(f"/v1/gatherings/{gathering}").json()["code_revealed_at"] is not None


def test_the_offline_cli_accepts_an_attendance_credential(
    client: TestClient, community: Community, tmp_path: Path
) -> None:
    from tests.cli.test_cli import run

    attended(community)
    vc_file, status_file = tmp_path / "attended.json", tmp_path / "status.json"
    vc_file.write_text(json.dumps(attendance_credential(client, community.did("dana"))))
    status_file.write_text(json.dumps(client.get("/credentials/status/1").json()))
    node_did = community.node.identity.did
    ok = run(
        "credential", "verify", str(vc_file), "--status-list", str(status_file), "--trust", node_did
    )
    assert ok.returncode == 0 and "valid" in ok.stdout, ok.stdout + ok.stderr
    # leaving revokes membership, not the record of having attended
    community.act("dana", "membership.member.left")
    status_file.write_text(json.dumps(client.get("/credentials/status/1").json()))
    still = run(
        "credential", "verify", str(vc_file), "--status-list", str(status_file), "--trust", node_did
    )
    assert still.returncode == 0, still.stdout
