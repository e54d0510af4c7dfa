"""Refusals of the node's own layers (the kernel, the event envelope, the read services and
the web edge) said in the reader's language: the detail is the catalogue's translation of
the refusal's template, filled with its parameters; ``detail_en`` keeps the node's English;
without a language asked for, the English is unchanged (docs/languages.md)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from tests.community import Community

FLOAT_EN = "floats are not allowed; use integers or decimal strings"
FLOAT_FR = (
    "les nombres à virgule flottante ne sont pas admis ; "
    "utilisez des entiers ou des chaînes décimales"
)


def test_node_refusals_are_said_in_the_readers_language(community: Community) -> None:
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        size = client.get("/v1/events").json()["size"]
        # a read the kernel refuses, its template filled with the index and the log's size
        english = client.get("/v1/events/999")
        assert english.status_code == 404 and "lang" not in english.json()
        assert english.json()["detail"] == f"the log has no entry 999; its size is {size}"
        french = client.get("/v1/events/999", headers={"Accept-Language": "fr"})
        assert french.status_code == 404 and french.json()["lang"] == "fr"
        assert french.json()["detail"] == f"le journal n’a pas d’entrée 999 ; sa taille est {size}"
        assert french.json()["detail_en"] == english.json()["detail"]
        # another language, through the switcher's cookie: a service's refusal
        client.cookies.set("cw_lang", "pt")
        missing = client.get("/v1/proposals/424242")
        assert missing.status_code == 404 and missing.json()["lang"] == "pt"
        assert missing.json()["detail"] == "não existe a proposta 424242"
        assert missing.json()["detail_en"] == "there is no proposal 424242"
        client.cookies.clear()
        assert client.get("/v1/proposals/424242").json()["detail"] == "there is no proposal 424242"


def test_an_envelope_refusal_and_a_batch_position_are_translated(community: Community) -> None:
    floating = community.events.raw("alice", type="governance.topic.opened", body={"share": 0.5})
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        before = client.get("/v1/events").json()["size"]
        english = client.post("/v1/events", content=floating)
        assert english.status_code == 422 and english.json()["code"] == "float_not_allowed"
        assert english.json()["detail"] == f"body.share: {FLOAT_EN}"
        french = client.post("/v1/events", content=floating, headers={"Accept-Language": "fr"})
        assert french.json()["detail"] == f"body.share : {FLOAT_FR}"
        assert french.json()["detail_en"] == f"body.share: {FLOAT_EN}"
        # the same refusal in a batch names the event it concerns, in the reader's words
        batch = b'{"events": [' + floating + b"]}"
        spanish = client.post("/v1/events/batch", content=batch, headers={"Accept-Language": "es"})
        refusal = spanish.json()
        assert spanish.status_code == 422 and refusal["position"] == 0
        assert refusal["detail"] == (
            "evento 0: body.share: no se admiten números de coma flotante; "
            "usa enteros o cadenas decimales"
        )
        assert refusal["detail_en"] == f"event 0: body.share: {FLOAT_EN}"
        assert client.get("/v1/events").json()["size"] == before  # nothing was written
