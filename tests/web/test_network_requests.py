"""A steward's requests to the node, in-process over HTTP: the forms are offered to a
steward only (the alliance call on the alliance's page), the API refuses anyone else
with a problem (403 ``forbidden``) and writes nothing, and lists what was asked."""

from __future__ import annotations

from pathlib import Path

import orjson
from fastapi.testclient import TestClient

from commonweal.core.commitment import commitment, new_salt
from commonweal.domain.federation import requests as rules
from commonweal.domain.federation.recognition import GRANTED
from commonweal.node.services import membership
from commonweal.web.app import create_app
from tests.builders import Clock
from tests.federation import Place, alliance_constitution, make_place, recognition_body
from tests.web.pages import page, sign_in

FORMS = ('data-testid="peer-request-form"', 'data-testid="sync-request-form"')


def _join(place: Place, name: str) -> str:
    profile = {"display_name": name.title()}
    salt = new_salt()
    body = {"commitment": commitment(profile, salt)}
    event = place.events.event(name, type="membership.application.submitted", body=body)
    membership.apply(place.node, event, profile, salt)
    return place.member(name)


def test_requests_are_a_stewards_in_the_pages_and_the_api(tmp_path: Path, clock: Clock) -> None:
    harbour = make_place(tmp_path, "Harbour", clock, members=("alice",))
    hub = make_place(
        tmp_path,
        "Alliance",
        clock,
        members=(),
        founders=[harbour.node.identity.key_did],
        constitution=alliance_constitution(),
    )
    harbour.act("alice", GRANTED, recognition_body(hub.node, alliance=True))
    dora = _join(harbour, "dora")
    with TestClient(create_app(harbour.node, background_checkpoints=False)) as client:
        for path in ("/network", f"/network/{hub.did}"):
            assert not any(form in page(client, path) for form in FORMS)
        sign_in(client, dora)
        assert not any(form in page(client, "/network") for form in FORMS)
        assert "call-request-form" not in page(client, f"/network/{hub.did}")

        asked = harbour.events.event(
            "dora", type=rules.PEER_REQUESTED, body={"url": "https://node.example.org"}
        )
        refused = client.post("/v1/events", content=orjson.dumps(asked))
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "forbidden"
        assert client.get("/v1/federation/requests").json() == {"pending": 0, "requests": []}

        sign_in(client, harbour.member("alice"))
        assert all(form in page(client, "/network") for form in FORMS)
        alliance_page = page(client, f"/network/{hub.did}")
        assert 'data-event="federation.alliance_call.requested"' in alliance_page
        assert f'name="alliance" value="{hub.did}"' in alliance_page
        good = harbour.events.event(
            "alice", type=rules.PEER_REQUESTED, body={"url": "https://node.example.org"}
        )
        assert client.post("/v1/events", content=orjson.dumps(good)).status_code in (200, 201)
        listed = client.get("/v1/federation/requests").json()
        assert listed["pending"] == 1
        (request,) = listed["requests"]
        assert request["kind"] == "peer" and request["by"] == harbour.member("alice")
        assert "https://node.example.org" in page(client, "/network")
        unsafe = harbour.events.event(
            "alice", type=rules.PEER_REQUESTED, body={"url": "https://169.254.169.254"}
        )
        answer = client.post("/v1/events", content=orjson.dumps(unsafe))
        assert (answer.status_code, answer.json()["code"]) == (422, "invalid_body")
        assert client.get("/v1/federation/requests").json()["pending"] == 1
