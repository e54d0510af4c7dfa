"""Refusals of membership and the notary said in the reader's language, their parameters
filled in; ``detail_en`` keeps the node's English, which is unchanged without the header."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from tests.community import Community


def _post(client: TestClient, event: dict[str, Any], language: str | None) -> dict[str, Any]:
    headers = {"Accept-Language": language} if language else {}
    answer = client.post("/v1/events", content=orjson.dumps(event), headers=headers)
    assert 400 <= answer.status_code < 500
    refusal: dict[str, Any] = answer.json()
    return refusal


def test_membership_and_notary_refusals_speak_the_readers_language(
    community: Community,
) -> None:
    dave = community.did("dave")
    events = community.events
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        vouch = events.event("alice", type="membership.vouch.given", body={"applicant": dave})
        english = _post(client, vouch, None)
        assert english["code"] == "no_application" and "lang" not in english
        assert english["detail"] == f"{dave} has no open application"
        french = _post(client, vouch, "fr")
        assert french["code"] == "no_application" and french["lang"] == "fr"
        assert french["detail"] == f"{dave} n’a aucune candidature ouverte"
        assert french["detail_en"] == english["detail"]

        grant = {"member": community.did("carol"), "role": "baker"}
        role = events.event("bob", type="membership.role.granted", body=grant)
        spanish = _post(client, role, "es")
        assert spanish["code"] == "invalid_body" and spanish["lang"] == "es"
        assert spanish["detail"] == "no hay ningún rol llamado 'baker'"
        assert spanish["detail_en"] == "there is no role called 'baker'"
        assert _post(client, role, None)["detail"] == "there is no role called 'baker'"

        document = {"digest": "sha256:" + "ab" * 32, "title": "Minutes"}
        first = events.event("carol", body=document)
        assert client.post("/v1/events", content=orjson.dumps(first)).status_code < 300
        again = events.event("carol", body=document)
        twice = _post(client, again, "fr")
        assert twice["code"] == "already_attested"
        assert twice["detail"].startswith("vous avez déjà attesté ce document à l'index ")
        assert twice["detail_en"].startswith("you already attested this document at index ")
        index = twice["detail_en"].rsplit(" ", 1)[1]
        assert index.isdigit() and twice["detail"].endswith(f" {index}")


def test_a_federation_refusal_speaks_arabic_with_the_field_named(community: Community) -> None:
    body = {"node": "someone", "key": "k", "origin": "o", "vkey": "v", "url": "u"}
    event = community.events.event("alice", type="federation.recognition.granted", body=body)
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        client.cookies.set("cw_lang", "ar")
        arabic = _post(client, event, None)
        assert arabic["code"] == "invalid_body" and arabic["lang"] == "ar"
        assert arabic["detail"] == "يجب أن يكون node من نوع did:key أو did:web"
        assert arabic["detail_en"] == "node must be a did:key or did:web"
        client.cookies.clear()
        assert _post(client, event, None)["detail"] == "node must be a did:key or did:web"
