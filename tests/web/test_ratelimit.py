"""Rate limits through real HTTP: per address, per signing DID, per route class, per peer.

Issue 14: 10,662 requests from one address in 24 s met no 429. Each test sets small
budgets, spends them, and checks the 429 problem, ``Retry-After`` and the
``RateLimit`` / ``RateLimit-Policy`` structured fields (draft-ietf-httpapi-ratelimit-headers),
and that a refused submission logged nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from http_sf import ser

from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import SetupError, init_node
from commonweal.web.app import create_app
from commonweal.web.ratelimit import (
    NO_RATE_LIMITS,
    Budget,
    Quota,
    RateLimiter,
    RateLimits,
)
from tests.builders import Clock, EventFactory
from tests.server import free_port


def _limits(**quotas: str) -> RateLimits:
    return RateLimits().with_quotas(quotas)


def _client(node: Node, limits: RateLimits, address: str = "203.0.113.7") -> TestClient:
    app = create_app(node, background_checkpoints=False, rate_limits=limits)
    return TestClient(app, client=(address, 50000))


def _field(response: httpx.Response, name: str) -> tuple[str, dict[str, object]]:
    """One structured-field item with integer parameters, checked against RFC 8941's form."""
    text = response.headers[name]
    name_part, *params = text.split(";")
    parsed = {k: int(v) for k, v in (p.split("=") for p in params)}
    value = name_part.strip('"')
    assert ser((value, dict(parsed))) == text
    return value, parsed


def test_reads_over_the_budget_get_429_with_retry_after(node: Node) -> None:
    with _client(node, _limits(read="3/60")) as client:
        answers = [client.get("/.well-known/commonweal") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert _field(answers[0], "ratelimit-policy") == ("read", {"q": 3, "w": 60})
    assert [_field(a, "ratelimit")[1]["r"] for a in answers[:3]] == [2, 1, 0]
    refused = answers[3]
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["status"] == 429 and problem["code"] == "rate_limited"
    assert "at most 3 per 60 s" in problem["detail"]
    assert int(refused.headers["retry-after"]) in range(19, 22)  # one request every 20 s
    assert _field(refused, "ratelimit")[1]["r"] == 0


def test_each_address_has_its_own_budget(node: Node) -> None:
    limits = _limits(read="2/60")
    app = create_app(node, background_checkpoints=False, rate_limits=limits)
    with TestClient(app, client=("198.51.100.1", 1)) as flooder:
        assert [flooder.get("/.well-known/commonweal").status_code for _ in range(3)][-1] == 429
        other = TestClient(app, client=("198.51.100.2", 1))
        assert other.get("/.well-known/commonweal").status_code == 200


def test_route_classes_have_their_own_budgets(node: Node, events: EventFactory) -> None:
    with _client(node, _limits(read="1/60", write="50/60", sign_in="1/60")) as client:
        assert client.get("/.well-known/commonweal").status_code == 200
        assert client.get("/.well-known/commonweal").status_code == 429
        submitted = client.post("/v1/events", content=events.raw("alice"))
        assert submitted.status_code == 201
        assert _field(submitted, "ratelimit-policy")[0] == "write"
        assert client.post("/session/challenge").status_code != 429
        assert client.post("/session/challenge").status_code == 429


def test_one_signing_key_is_limited_whatever_its_address(node: Node, events: EventFactory) -> None:
    limits = _limits(author="2/60")
    app = create_app(node, background_checkpoints=False, rate_limits=limits)
    with TestClient(app, client=("192.0.2.1", 1)) as first:
        second = TestClient(app, client=("192.0.2.2", 1))
        assert first.post("/v1/events", content=events.raw("alice")).status_code == 201
        assert second.post("/v1/events", content=events.raw("alice")).status_code == 201
        size = node.size
        refused = second.post("/v1/events", content=events.raw("alice"))
        assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
        assert "signed by this key" in refused.json()["detail"]
        assert _field(refused, "ratelimit-policy") == ("author", {"q": 2, "w": 60})
        assert "retry-after" in refused.headers
        assert node.size == size  # refused before the sequencer: nothing logged
        assert first.post("/v1/events", content=events.raw("bob")).status_code == 201


def test_a_batch_charges_each_author_once(node: Node, events: EventFactory) -> None:
    with _client(node, _limits(author="1/60", batch="10/60")) as client:
        batch = [events.event("carol"), events.event("carol")]
        accepted = client.post("/v1/events/batch", json={"events": batch})
        assert accepted.status_code == 201, accepted.text
        again = client.post("/v1/events/batch", json={"events": [events.event("carol")]})
        assert again.status_code == 429


def test_anonymous_writes_per_address(node: Node, events: EventFactory) -> None:
    """Keys that are not members: the edge's budget per address (not in the log)."""
    with _client(node, _limits(anonymous="2/3600")) as client:
        for name in ("k1", "k2"):
            assert client.post("/v1/events", content=events.raw(name)).status_code == 201
        refused = client.post("/v1/events", content=events.raw("k3"))
    assert refused.status_code == 429
    assert "not members" in refused.json()["detail"]


def test_no_rate_limit_turns_it_all_off(node: Node) -> None:
    app = create_app(node, background_checkpoints=False, rate_limits=NO_RATE_LIMITS)
    with TestClient(app) as client:
        answers = [client.get("/.well-known/commonweal") for _ in range(30)]
    assert {a.status_code for a in answers} == {200}
    assert "ratelimit" not in answers[0].headers


def test_the_write_policy_refuses_as_problems(tmp_path: Path, clock: Clock) -> None:
    """A default node: an anonymous attestation without its proof of work is a 403."""
    guarded = init_node(tmp_path / "guarded", name="Guarded", clock=clock)
    events = EventFactory(guarded.identity.did, clock)
    with _client(guarded, RateLimits()) as client:
        refused = client.post("/v1/events", content=events.raw("stranger", seq=1))
        assert refused.status_code == 403
        assert refused.json()["code"] == "work_required"
        assert "body.pow" in refused.json()["detail"]
        accepted = client.post("/v1/events", content=events.raw("stranger", seq=1, work_bits=16))
        assert accepted.status_code == 201
    guarded.close()


def test_peers_under_a_treaty_have_their_own_budget() -> None:
    limiter = RateLimiter(
        _limits(federation="1/60", peer="3/60"), is_peer=lambda k: k == "did:peer"
    )
    signed = {
        "type": "http",
        "method": "POST",
        "path": "/witness/add-checkpoint",
        "client": ("192.0.2.9", 1),
        "headers": [(b"signature-input", b'sig1=("@method");keyid="did:peer";created=1')],
    }
    unsigned = {**signed, "headers": []}
    assert [limiter.check_request(signed).name for _ in range(3)] == ["peer"] * 3
    assert limiter.check_request(unsigned).name == "federation"
    with pytest.raises(Exception, match="too many federation requests"):
        limiter.check_request(unsigned)
    forged = {**signed, "client": ("192.0.2.66", 1)}  # a forger elsewhere spends its own
    assert limiter.check_request(forged).name == "peer"


def test_memory_is_bounded_and_idle_keys_are_forgotten() -> None:
    budget = Budget("read", Quota(10, 10), max_keys=100)
    for n in range(1000):
        budget.take(f"203.0.113.{n}", now=0.0)
    assert len(budget) == 100
    budget.take("late", now=100.0)  # everything before recovered fully long ago
    assert len(budget) == 1


def test_bad_settings_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="REQUESTS/SECONDS"):
        RateLimits().with_quotas({"read": "lots"})
    with pytest.raises(ValueError, match="unknown rate-limit class 'reeds'"):
        RateLimits().with_quotas({"reeds": "1/1"})
    assert not RateLimits.from_settings({"enabled": False}).enabled
    assert RateLimits.from_settings({"write": "5/10"}).quotas["write"] == Quota(5, 10)


def test_serve_refuses_a_bad_rate_limit_flag(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from commonweal.cli.main import app  # the real command

    init_node(tmp_path / "n", name="N").close()
    result = CliRunner().invoke(
        app, ["serve", "--data-dir", str(tmp_path / "n"), "--rate-limit", "write=often"]
    )
    assert result.exit_code != 0
    assert "REQUESTS/SECONDS" in result.output
    assert isinstance(SetupError("x"), Exception)


@contextmanager
def _serve(node: Node, limits: RateLimits) -> Iterator[str]:
    """``node`` behind a real uvicorn on a free port."""
    port = free_port()
    app = create_app(node, background_checkpoints=False, rate_limits=limits)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def served(node: Node) -> Iterator[str]:
    """The node behind a real uvicorn, with a small read budget."""
    with _serve(node, _limits(read="5/60")) as url:
        yield url


def test_the_client_stamps_proof_of_work_when_the_node_asks(tmp_path: Path, clock: Clock) -> None:
    """``commonweal event submit`` (NodeClient) reads the policy and computes the stamp."""
    from commonweal.client.http import NodeClient
    from commonweal.core.keys import SigningKey

    guarded = init_node(tmp_path / "guarded", name="Guarded")
    body = {"digest": "sha256:" + "ef" * 32}
    with _serve(guarded, RateLimits()) as url, NodeClient(url) as client:
        assert client.work_bits("notary.document.attested") == 16
        receipt = client.sign_and_submit(SigningKey.generate(), "notary.document.attested", body)
    event = guarded.store.entries(receipt["index"], receipt["index"] + 1)
    assert b'"pow"' in next(iter(event)).leaf
    guarded.close()


def test_node_json_settings_reach_serve(tmp_path: Path) -> None:
    import json

    from commonweal.cli.node_commands import serve_rate_limits

    init_node(tmp_path / "n", name="N").close()
    settings = tmp_path / "n" / "node.json"
    written = json.loads(settings.read_text())
    settings.write_text(json.dumps({**written, "rate_limits": {"write": "7/70"}}))
    limits = serve_rate_limits(tmp_path / "n", ["read=9/90"], enabled=True)
    assert limits.quotas["write"] == Quota(7, 70) and limits.quotas["read"] == Quota(9, 90)
    assert not serve_rate_limits(tmp_path / "n", [], enabled=False).enabled


def test_a_real_server_limits_by_source_address(served: str) -> None:
    flood = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
    with flood:
        codes = [flood.get(f"{served}/.well-known/commonweal").status_code for _ in range(8)]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}
    with httpx.Client() as calm:
        answer = calm.get(f"{served}/.well-known/commonweal")
    assert answer.status_code == 200
    assert _field(answer, "ratelimit") == ("read", {"r": 4, "t": 12})


def test_applications_spend_the_address_anonymous_budget(node: Node, events: EventFactory) -> None:
    from commonweal.core.commitment import commitment, new_salt

    def application(name: str) -> dict[str, object]:
        profile, salt = {"display_name": name, "show_name": True}, new_salt()
        body = {"commitment": commitment(profile, salt)}
        event = events.event(name, type="membership.application.submitted", body=body)
        return {"event": event, "profile": profile, "salt": salt}

    with _client(node, _limits(anonymous="1/3600")) as client:
        first = client.post("/v1/membership/applications", json=application("ana"))
        assert first.status_code == 201, first.text
        size = node.size
        refused = client.post("/v1/membership/applications", json=application("ben"))
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) > 3000
    assert _field(refused, "ratelimit-policy") == ("anonymous", {"q": 1, "w": 3600})
    assert node.size == size


def test_a_budget_of_one_admits_its_first_request_at_any_clock_reading() -> None:
    """``now + window - now`` can exceed ``window`` in floating point (e.g. at 2750.1234)."""
    budget = Budget("anonymous", Quota(1, 3600), 10)
    for now in (0.0, 2750.123456789, 1e6 + 0.1, 12345.6789):
        assert budget.take(f"k{now}", now).allowed
        assert not budget.take(f"k{now}", now + 1).allowed
