"""Refusals of the treasury said in the reader's language, their parameters filled in;
``detail_en`` keeps the node's English, which is unchanged without the header."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from tests.community import Community
from tests.treasury import of, open_treasury


def _post(client: TestClient, event: dict[str, Any], language: str | None) -> dict[str, Any]:
    headers = {"Accept-Language": language} if language else {}
    answer = client.post("/v1/events", content=orjson.dumps(event), headers=headers)
    assert 400 <= answer.status_code < 500
    refusal: dict[str, Any] = answer.json()
    return refusal


def test_treasury_refusals_speak_the_readers_language(community: Community) -> None:
    open_treasury(community)
    finn = of(community, "finn")
    events = community.events
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        body = {"to": "fund:garden", "unit": "EUR", "amount": 1_250}
        broke = events.event("finn", type="treasury.transfer.sent", body=body)
        english = _post(client, broke, None)
        assert english["code"] == "insufficient_funds" and "lang" not in english
        assert english["detail"] == f"{finn} holds only 0.00 EUR; this needs 12.50 EUR"
        french = _post(client, broke, "fr")
        assert french["code"] == "insufficient_funds" and french["lang"] == "fr"
        assert french["detail"] == f"{finn} ne détient que 0.00 EUR ; il faut 12.50 EUR"
        assert french["detail_en"] == english["detail"]

        unknown = {"to": "fund:garden", "unit": "XYZ", "amount": 5}
        spanish = _post(
            client, events.event("dana", type="treasury.transfer.sent", body=unknown), "es"
        )
        assert spanish["code"] == "unknown_unit" and spanish["lang"] == "es"
        assert spanish["detail"] == "Este nodo no ha declarado ninguna unidad XYZ"
        assert spanish["detail_en"] == "this node has declared no unit XYZ"

        shares = {"to": "fund:nowhere", "unit": "EUR", "amount": 5}
        nowhere = events.event("erin", type="treasury.transfer.sent", body=shares)
        arabic = _post(client, nowhere, "ar")
        assert arabic["code"] == "unknown_fund" and arabic["lang"] == "ar"
        assert arabic["detail"] == "لا يوجد صندوق 'nowhere'"
        assert arabic["detail_en"] == "there is no fund 'nowhere'"
        assert _post(client, nowhere, None)["detail"] == "there is no fund 'nowhere'"

        lower = {"to": "fund:garden", "unit": "eur", "amount": 5}
        coded = events.event("carol", type="treasury.transfer.sent", body=lower)
        portuguese = _post(client, coded, "pt")
        assert portuguese["code"] == "invalid_body" and portuguese["lang"] == "pt"
        assert portuguese["detail"] == (
            "unit deve ser um código de unidade de 2 a 12 letras maiúsculas e algarismos"
        )
        assert portuguese["detail_en"] == (
            "unit must be a unit code of 2-12 upper-case letters and digits"
        )
