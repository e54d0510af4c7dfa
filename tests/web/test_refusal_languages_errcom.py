"""Refusals of the commons, campaigns, places, gatherings and aid in the reader's language
(docs/languages.md): the detail is the catalogue's translation of the refusal's template,
filled with the same parameters; ``detail_en`` keeps the English, which is unchanged for a
reader who asks for none."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from tests.community import Community


def refuse(
    client: TestClient,
    community: Community,
    event_type: str,
    body: dict[str, Any],
    language: str | None = None,
) -> dict[str, Any]:
    """Post alice's event (at her next seq, which a refusal leaves unused); the problem."""
    seq = community.events.seqs.get("alice", 0) + 1
    event = community.events.raw("alice", type=event_type, body=body, seq=seq)
    headers = {"Accept-Language": language} if language else {}
    answer = client.post("/v1/events", content=event, headers=headers)
    assert 400 <= answer.status_code < 500, answer.text
    problem: dict[str, Any] = answer.json()
    return problem


def gathering(**changes: Any) -> dict[str, Any]:
    plan = {
        "title": "Garden day",
        "starts": "2031-05-01T09:00:00Z",
        "ends": "2031-05-01T12:00:00Z",
    }
    return {**plan, **changes}


def test_refusals_of_gatherings_and_aid_speak_french_and_spanish(community: Community) -> None:
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        too_many = gathering(capacity=200_000)
        english = refuse(client, community, "gatherings.gathering.scheduled", too_many)
        assert english["detail"] == "capacity must be 0 (no limit) to 100,000"
        assert "detail_en" not in english and "lang" not in english

        french = refuse(client, community, "gatherings.gathering.scheduled", too_many, "fr")
        assert french["lang"] == "fr" and french["code"] == english["code"]
        # the limit in the reader's own marks (domain/words.py, Number)
        assert french["detail"] == "capacity doit aller de 0 (sans limite) à 100\u202f000"
        assert french["detail_en"] == english["detail"]

        past = gathering(starts="2001-05-01T09:00:00Z", ends="2001-05-01T12:00:00Z")
        over = refuse(client, community, "gatherings.gathering.scheduled", past, "fr")
        assert over["code"] == "in_the_past" and over["status"] == 409
        assert over["detail"] == "2001-05-01T12:00:00Z est déjà passé"
        assert over["detail_en"] == "2001-05-01T12:00:00Z is in the past"

        asking = {"title": "A lift to the clinic", "category": "transport", "urgency": "now"}
        spanish = refuse(client, community, "aid.request.posted", asking, "es")
        assert spanish["lang"] == "es"
        assert spanish["detail"] == "urgency debe ser uno de low, normal, high, urgent"
        assert spanish["detail_en"] == "urgency must be one of low, normal, high, urgent"

        arabic = refuse(client, community, "aid.request.posted", asking, "ar")
        assert arabic["detail"] == "يجب أن تكون urgency إحدى القيم low, normal, high, urgent"


def test_a_place_that_does_not_exist_is_named_in_french_and_portuguese(
    community: Community,
) -> None:
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        body = {"place": 424242, "reason": "sold"}
        english = refuse(client, community, "places.place.closed", body)
        french = refuse(client, community, "places.place.closed", body, "fr")
        portuguese = refuse(client, community, "places.place.closed", body, "pt")
    assert english["status"] == 404 and english["detail"] == "there is no place 424242"
    assert french["detail"] == "il n'existe aucun lieu 424242"
    assert portuguese["detail"] == "não existe o lugar 424242"
    assert french["detail_en"] == portuguese["detail_en"] == "there is no place 424242"


def test_a_coordinate_out_of_range_is_named_by_its_axis(community: Community) -> None:
    body = {"place": 1, "location": {"lat": "48.8566", "lon": "190.5"}}
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        french = refuse(client, community, "places.place.updated", body, "fr")
        spanish = refuse(client, community, "places.place.updated", body, "es")
    assert french["code"] == spanish["code"] == "invalid_coordinates"
    assert french["detail_en"] == "location.lon: the longitude 190.5 is outside -180 to 180 degrees"
    assert french["detail"] == (
        "location.lon : la longitude 190.5 est hors de l'intervalle -180 à 180 degrés"
    )
    assert spanish["detail"] == (
        "location.lon: la longitud 190.5 está fuera del intervalo de -180 a 180 grados"
    )
