"""``POST /v1/events/check``: an unsigned event asked about, answered {ok, code, detail},
and nothing written; the submission that follows agrees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.node.kernel.service import Node
from commonweal.web.app import create_app
from commonweal.web.ratelimit import route_class
from tests.builders import EventFactory

ATTESTED = "notary.document.attested"


@pytest.fixture
def client(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(node, background_checkpoints=False)) as test_client:
        yield test_client


def attestation(n: int) -> dict[str, Any]:
    return {"digest": "sha256:" + f"{n:02x}" * 32, "title": f"Minutes {n}"}


def test_an_accepted_check_writes_nothing_and_the_submission_agrees(
    client: TestClient, node: Node, events: EventFactory
) -> None:
    head = node.store.head()
    asked = {"type": ATTESTED, "author": events.did("alice"), "body": attestation(1)}
    answer = client.post("/v1/events/check", content=orjson.dumps(asked))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"ok": True, "code": "", "detail": ""}
    assert node.store.head() == head and node.size == head[0]
    assert client.get(f"/v1/authors/{events.did('alice')}").json()["last_seq"] == 0
    logged = client.post("/v1/events", content=events.raw("alice", body=attestation(1)))
    assert logged.status_code == 201, logged.text
    again = client.post("/v1/events/check", content=orjson.dumps(asked)).json()
    assert again["ok"] is False and again["code"] == "already_attested"
    refused = client.post("/v1/events", content=events.raw("alice", body=attestation(1)))
    assert refused.json()["code"] == again["code"]


@pytest.mark.parametrize(
    ("asked", "code"),
    [
        ({"type": "no.such.type", "body": {}}, "unknown_type"),
        ({"type": ATTESTED, "body": {"title": "x"}}, "invalid_body"),
        ({"type": ATTESTED, "body": {"digest": 1.5, "title": "x"}}, "float_not_allowed"),
        ({"type": ATTESTED, "body": attestation(2), "at": "2999-01-01T00:00:00Z"}, "at_in_future"),
        ({"type": ATTESTED, "body": attestation(2), "at": "yesterday"}, "invalid_event"),
    ],
)
def test_a_refused_check_names_the_code(
    client: TestClient, node: Node, events: EventFactory, asked: dict[str, Any], code: str
) -> None:
    head = node.store.head()
    answer = client.post(
        "/v1/events/check", content=orjson.dumps({"author": events.did("bob"), **asked})
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] is False and answer.json()["code"] == code
    assert answer.json()["detail"]
    assert node.store.head() == head


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{", "malformed_json"),
        (b'{"type": "a.b", "type": "a.b", "author": "x", "body": {}}', "duplicate_member"),
        (b'{"type": "a.b", "body": {}}', "invalid_request"),
        (b'{"type": "a.b", "author": "x", "body": {}, "sig": "z1"}', "invalid_request"),
        (b'{"type": "a.b", "author": "x", "body": []}', "invalid_request"),
        (b'{"type": 3, "author": "x", "body": {}}', "invalid_request"),
        (b"[]", "invalid_request"),
    ],
)
def test_a_malformed_check_is_a_problem(
    client: TestClient, node: Node, raw: bytes, code: str
) -> None:
    answer = client.post("/v1/events/check", content=raw)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == code


def test_a_check_is_charged_as_a_read() -> None:
    assert route_class({"method": "POST", "path": "/v1/events/check"}) == "read"
    assert route_class({"method": "POST", "path": "/v1/events"}) == "write"
