"""The census over HTTP and on its page: figures with funds and gatherings, a member's proof,
bad requests refused with a problem and nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from commonweal.core.multibase import encode_z
from commonweal.node.kernel.signed_reads import request_bytes
from commonweal.node.services import census
from commonweal.web.app import create_app
from tests.builders import Clock
from tests.census_town import (
    Town,
    independent_commitment,
    independent_root_from_proof,
    make_town,
)
from tests.commons import at
from tests.treasury import UNITS, evidence


@pytest.fixture
def town(tmp_path: Path, clock: Clock, database_url: str | None) -> Iterator[Town]:
    yield from make_town(tmp_path, clock, database_url)


@pytest.fixture
def client(town: Town) -> Iterator[TestClient]:
    with TestClient(create_app(town.node, background_checkpoints=False)) as test_client:
        yield test_client


def lively(town: Town) -> None:
    """Members, a donation to a fund, and a gathering two of them attended."""
    for name in ("carol", "dana"):
        town.join(name)
    town.node.submit_as_node("treasury.unit.declared", dict(UNITS[0]))
    town.node.submit_as_node("treasury.fund.opened", {"fund": "garden", "title": "Garden"})
    town.act("alice", "membership.role.granted", {"member": town.did("carol"), "role": "treasurer"})
    donation = {
        "to": "fund:garden",
        "unit": "EUR",
        "amount": 12_500,
        "source": "donation",
        "evidence": evidence("bank line"),
    }
    town.act("carol", "treasury.income.recorded", donation)
    body = {
        "kind": "gathering",
        "title": "Seed swap",
        "place": "The barn",
        "starts": at(town, hours=1),
        "ends": at(town, hours=3),
        "capacity": 0,
    }
    gathering = town.act("alice", "gatherings.gathering.scheduled", body).index
    for name in ("carol", "dana"):
        town.act(name, "gatherings.rsvp.given", {"gathering": gathering, "response": "yes"})
    town.clock.advance(hours=1)
    for name in ("carol", "dana"):
        member = {"gathering": gathering, "member": town.did(name)}
        town.act("alice", "gatherings.attendee.checked_in", member)
    town.clock.advance(hours=3)


def test_figures_with_funds_and_gatherings_over_http(town: Town, client: TestClient) -> None:
    lively(town)
    census.run_due(town.node)
    shown = client.get("/v1/census").json()
    assert shown["every_seconds"] == 86_400
    [taken] = shown["censuses"]
    assert taken["figures"]["funds"] == {"EUR": 12_500}
    assert (taken["figures"]["gatherings"], taken["figures"]["attendance"]) == (1, 2)
    assert taken["figures"]["members"] == 4 and taken["figures"]["active"] == 3
    assert client.get("/v1/census/1").json() == taken


def test_a_member_fetches_and_checks_their_proof(town: Town, client: TestClient) -> None:
    lively(town)
    census.run_due(town.node)
    at_ = "2026-11-23T16:00:00Z"
    did = town.did("dana")
    signed = request_bytes(census.PROOF_PURPOSE, town.node.identity.did, did, at_, epoch=1)
    request = {"did": did, "at": at_, "sig": encode_z(town.events.key("dana").sign(signed))}
    answer = client.post("/v1/census/proof", json=request | {"epoch": 1})
    assert answer.status_code == 200, answer.text
    proof = answer.json()
    leaf = independent_commitment(proof["salt"], did)
    root = bytes.fromhex(proof["members_root"].removeprefix("sha256:"))
    path = [bytes.fromhex(p) for p in proof["proof"]]
    assert independent_root_from_proof(proof["leaf_index"], proof["tree_size"], leaf, path) == root


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"not json", 400, "malformed_json"),
        (b'{"did": "x"}', 400, "invalid_request"),
        (b'{"did": "x", "at": "y", "sig": "z", "epoch": "one"}', 400, "invalid_request"),
        (
            b'{"did": "did:key:nope", "at": "2026-11-23T16:00:00Z", "sig": "z", "epoch": 1}',
            400,
            "invalid_request",
        ),
    ],
)
def test_bad_proof_requests_are_refused_with_a_problem(
    town: Town, client: TestClient, body: bytes, status: int, code: str
) -> None:
    census.run_due(town.node)
    size = town.node.size
    answer = client.post(
        "/v1/census/proof", content=body, headers={"content-type": "application/json"}
    )
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == code
    assert answer.status_code == status
    assert town.node.size == size


def test_unknown_epoch_and_non_steward_request(town: Town, client: TestClient) -> None:
    answer = client.get("/v1/census/9")
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
    town.join("carol")
    size = town.node.size
    event = town.events.event("carol", type="census.requested", body={})
    answer = client.post("/v1/events", json=event)
    assert (answer.status_code, answer.json()["code"]) == (403, "forbidden")
    assert town.node.size == size


def test_the_census_page_charts_every_epoch(town: Town, client: TestClient) -> None:
    for day in range(3):
        town.join(f"member{day}")
        census.run_due(town.node)
        town.clock.advance(days=1)
    html = client.get("/census").text
    assert html.count('data-chart="') == 4  # population, activity, gatherings, footprint
    assert "<svg" in html and 'data-epoch="3"' in html
    assert 'href="/census"' in client.get("/network").text
