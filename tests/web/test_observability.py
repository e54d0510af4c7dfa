"""/healthz, /readyz, /metrics, request ids and structured logs, through the app over HTTP."""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text

from commonweal.node.kernel.scheduler import Job
from commonweal.node.services.federation import rollback
from commonweal.node.services.federation.rollback import RollbackStatus, Sighting
from commonweal.web import logs
from commonweal.web.app import create_app
from commonweal.web.health import Check
from tests.community import Community

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def client(community: Community) -> Iterator[TestClient]:
    """The app with its scheduler thread running, as ``commonweal serve`` runs it."""
    with TestClient(create_app(community.node)) as test_client:
        yield test_client


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, keyed by name and sorted labels."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict[Any, float], name: str, **labels: str) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


def wait_ready(client: TestClient) -> tuple[int, dict[str, Any]]:
    """Poll /readyz until it says ready (the scheduler's first tick is a second away)."""
    deadline = time.monotonic() + 10
    while True:
        response = client.get("/readyz")
        if response.status_code == 200 or time.monotonic() > deadline:
            return response.status_code, response.json()
        time.sleep(0.1)


# -- health -------------------------------------------------------------------------


def test_healthz_says_alive(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert GENERATED_ID.fullmatch(response.headers["x-request-id"])


def test_readyz_is_ready_once_the_scheduler_has_ticked(client: TestClient) -> None:
    assert wait_ready(client) == (
        200,
        {
            "status": "ready",
            "checks": {
                "database": "ok",
                "log_head": "ok",
                "scheduler": "ok",
                "rollback": "ok",
                "log_follow": "ok",
            },
        },
    )


def test_readyz_fails_while_the_log_is_behind_a_witnessed_checkpoint(client: TestClient) -> None:
    """Rollback detection (node.federation.rollback) is one of the readiness checks."""
    wait_ready(client)
    federation = client.app.state.federation  # type: ignore[attr-defined]
    behind = RollbackStatus(
        local_size=3,
        sightings=(Sighting("http://127.0.0.1:9/", "witness", 40, bytes(32)),),
    )
    rollback.record(federation, behind)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["rollback"]
    assert "rolled_back" in response.json()["checks"]["rollback"]


def test_readyz_names_a_failing_check_in_a_problem(client: TestClient) -> None:
    wait_ready(client)
    client.app.state.readiness_checks.append(  # type: ignore[attr-defined]
        Check("storage", lambda: "the store is behind its cosigned checkpoint")
    )
    response = client.get("/readyz", headers={"X-Request-ID": "probe-7"})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "not_ready"
    assert problem["failing"] == ["storage"]
    assert problem["detail"] == "storage: the store is behind its cosigned checkpoint"
    assert problem["checks"]["database"] == "ok"
    assert problem["request_id"] == "probe-7" == response.headers["x-request-id"]


def test_readyz_fails_when_the_scheduler_stopped_ticking(client: TestClient) -> None:
    wait_ready(client)
    scheduler = client.app.state.scheduler  # type: ignore[attr-defined]
    scheduler.stop()
    scheduler.last_tick = time.time() - 120
    problem = client.get("/readyz").json()
    assert problem["failing"] == ["scheduler"]
    assert re.fullmatch(
        r"scheduler: the scheduler's latest tick ended 1\d\d s ago", problem["detail"]
    )


def test_readyz_fails_when_the_database_is_unreachable(
    client: TestClient, community: Community, tmp_path: Any
) -> None:
    wait_ready(client)
    store = community.node.store
    working = store.engine
    store.engine = create_engine(f"sqlite:///{tmp_path}/no/such/folder/node.db")
    try:
        problem = client.get("/readyz").json()
    finally:
        store.engine.dispose()
        store.engine = working
    assert problem["status"] == 503
    assert "database" in problem["failing"]
    assert "unable to open database file" in problem["checks"]["database"]
    assert client.get("/healthz").status_code == 200  # alive all the same


def test_readyz_fails_when_the_stored_head_disagrees_with_memory(
    client: TestClient, community: Community
) -> None:
    wait_ready(client)
    with community.node.store.engine.begin() as conn:
        conn.execute(text("UPDATE log_head SET root = :root"), {"root": b"\x01" * 32})
    problem = client.get("/readyz").json()
    assert problem["failing"] == ["log_head"]
    assert "differs from the root in memory" in problem["detail"]


# -- request ids --------------------------------------------------------------------


def test_a_well_formed_request_id_is_kept_and_returned(client: TestClient) -> None:
    response = client.get("/v1/no-such-thing", headers={"X-Request-ID": "edge-42.a:b"})
    assert response.status_code == 404
    assert response.headers["x-request-id"] == "edge-42.a:b"
    assert response.json()["request_id"] == "edge-42.a:b"


@pytest.mark.parametrize("sent", ["has spaces", "x" * 129, "", "semi;colon", "é"])
def test_a_malformed_request_id_is_replaced(client: TestClient, sent: str) -> None:
    response = client.get(
        "/v1/proposals/not-a-number", headers={"X-Request-ID": sent.encode("utf-8")}
    )
    assert response.status_code == 400
    returned = response.headers["x-request-id"]
    assert GENERATED_ID.fullmatch(returned)
    assert response.json()["request_id"] == returned


def test_problems_from_the_submission_edge_carry_the_request_id(
    client: TestClient, community: Community
) -> None:
    malformed = client.post("/v1/events", content=b"{", headers={"X-Request-ID": "sub-1"})
    assert malformed.status_code == 400
    assert malformed.json()["request_id"] == "sub-1" == malformed.headers["x-request-id"]
    batch = client.post("/v1/events/batch", content=b'{"events": []}')
    assert batch.json()["code"] == "invalid_batch"
    assert batch.json()["request_id"] == batch.headers["x-request-id"]
    accepted = client.post("/v1/events", content=community.events.raw("alice"))
    assert accepted.status_code == 201
    assert GENERATED_ID.fullmatch(accepted.headers["x-request-id"])
    assert "request_id" not in accepted.json()  # only problems carry it in the body


def test_each_request_gets_its_own_id(client: TestClient) -> None:
    ids = {client.get("/healthz").headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5


# -- metrics ------------------------------------------------------------------------


def test_metrics_count_events_refusals_latency_and_group_commits(
    client: TestClient, community: Community
) -> None:
    for _ in range(3):
        assert client.post("/v1/events", content=community.events.raw("alice")).status_code == 201
    stale = community.events.raw("alice", seq=1)  # alice's seq 1 holds another event
    assert client.post("/v1/events", content=stale).json()["code"] == "seq_replayed"
    assert client.get("/v1/proposals/999").status_code == 404
    assert client.get("/v1/proposals/998").status_code == 404
    found = samples(client)
    attested = value(found, "commonweal_events_appended_total", type="notary.document.attested")
    assert attested == 3
    assert value(found, "commonweal_refusals_total", code="seq_replayed") == 1
    assert value(found, "commonweal_refusals_total", code="not_found") == 2
    latency = "commonweal_http_request_duration_seconds"
    events = {"route": "/v1/events", "method": "POST"}
    assert value(found, f"{latency}_count", **events, status="2xx") == 3
    assert value(found, f"{latency}_count", **events, status="4xx") == 1
    assert value(found, f"{latency}_bucket", **events, status="2xx", le="+Inf") == 3
    fast = value(found, f"{latency}_bucket", **events, status="2xx", le="10.0")
    assert fast == 3  # cumulative buckets
    assert 0 < value(found, f"{latency}_sum", **events, status="2xx") < 30  # type: ignore[operator]
    template = "/v1/proposals/{proposal_id}"
    count = value(found, f"{latency}_count", route=template, method="GET", status="4xx")
    assert count == 2  # one series for the template, not one per id
    assert not any("998" in str(labels) for (_name, labels) in found)
    assert value(found, "commonweal_group_commit_events_count") == 3
    assert value(found, "commonweal_group_commit_events_sum") == 3
    assert value(found, "commonweal_log_entries") == community.node.size


def test_a_stray_path_or_method_adds_no_labels(client: TestClient) -> None:
    client.get("/random/path/1")
    client.get("/random/path/2")
    client.request("BREW", "/healthz")
    found = samples(client)
    routes = {
        dict(labels).get("route") for (name, labels) in found if name.startswith("commonweal_http")
    }
    assert "unmatched" in routes and not any(r and r.startswith("/random") for r in routes)
    methods = {
        dict(labels).get("method") for (name, labels) in found if name.startswith("commonweal_http")
    }
    assert "other" in methods and "BREW" not in methods


def test_metrics_show_checkpoint_age_and_unsigned_entries(
    client: TestClient, community: Community
) -> None:
    client.post("/v1/events", content=community.events.raw("alice"))
    before = samples(client)
    assert value(before, "commonweal_checkpoint_unsigned_entries") == 1
    community.clock.advance(seconds=30)
    client.app.state.node.checkpoint()  # type: ignore[attr-defined]  # as the operator would
    after = samples(client)
    assert value(after, "commonweal_checkpoint_unsigned_entries") == 0
    assert value(after, "commonweal_checkpoint_age_seconds") == 0
    community.clock.advance(seconds=90)
    assert value(samples(client), "commonweal_checkpoint_age_seconds") == 90


def test_metrics_count_scheduler_runs_and_failures(client: TestClient) -> None:
    def broken() -> None:
        raise RuntimeError("no")

    scheduler = client.app.state.scheduler  # type: ignore[attr-defined]
    scheduler.jobs.insert(0, Job("broken", broken))
    deadline = time.monotonic() + 10
    while scheduler.stats.get("broken") is None or scheduler.stats["broken"].failures < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    found = samples(client)
    assert value(found, "commonweal_scheduler_job_failures_total", job="broken") >= 2  # type: ignore[operator]
    runs = value(found, "commonweal_scheduler_job_runs_total", job="governance")
    assert runs is not None and runs >= 2  # the jobs after the broken one still ran
    assert value(found, "commonweal_scheduler_job_failures_total", job="governance") == 0
    age = value(found, "commonweal_scheduler_last_tick_age_seconds")
    assert age is not None and 0 <= age < 5


def test_two_apps_in_one_process_keep_separate_registries(community: Community) -> None:
    with TestClient(create_app(community.node, background_checkpoints=False)) as first:
        first.get("/healthz")
        first.get("/healthz")
        with TestClient(create_app(community.node, background_checkpoints=False)) as second:
            second.get("/healthz")
            one, two = samples(first), samples(second)
    key = (
        "commonweal_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/healthz"), ("status", "2xx")),
    )
    assert (one[key], two[key]) == (2, 1)


def test_observability_can_be_switched_off(community: Community) -> None:
    app = create_app(community.node, background_checkpoints=False, observability=False)
    with TestClient(app) as client:
        response = client.get("/v1/no-such-thing")
        assert "x-request-id" not in response.headers
        assert "request_id" not in response.json()
        assert client.get("/metrics").status_code == 404
        assert client.get("/healthz").status_code == 200


# -- structured logs ----------------------------------------------------------------


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """This process's logs, configured as ``serve`` does, into a buffer (restored after)."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    logs.configure(log_format="json", level="info", stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


def test_every_log_line_of_a_request_carries_its_id(
    community: Community, log_stream: io.StringIO
) -> None:
    app = create_app(community.node, background_checkpoints=False, access_log=True)
    with TestClient(app) as client:
        client.get("/v1/proposals/5", headers={"X-Request-ID": "trace-me"})
        client.post("/v1/events", content=b"[", headers={"X-Request-ID": "trace-too"})
    lines = [orjson.loads(line) for line in log_stream.getvalue().splitlines()]
    requests = [line for line in lines if line["event"] == "request"]
    assert [(r["request_id"], r["route"], r["status"], r["code"]) for r in requests] == [
        ("trace-me", "/v1/proposals/{proposal_id}", 404, "not_found"),
        ("trace-too", "/v1/events", 400, "malformed_json"),
    ]
    assert all(
        line["level"] in ("info", "warning", "error") and "timestamp" in line for line in lines
    )
    outside = [line for line in lines if line["event"] != "request"]
    assert all("request_id" not in line for line in outside)  # no request, no id


def test_a_failed_job_is_logged_as_json_with_its_traceback(
    community: Community, log_stream: io.StringIO
) -> None:
    from commonweal.node.kernel.scheduler import Scheduler

    def broken() -> None:
        raise ValueError("bad tally")

    Scheduler(community.node, jobs=[Job("broken", broken)]).tick()
    (line,) = [orjson.loads(x) for x in log_stream.getvalue().splitlines() if "broken" in x]
    assert line["event"] == "scheduled job failed"
    assert line["job"] == "broken" and line["level"] == "error"
    assert "ValueError: bad tally" in line["exception"]


def test_a_bug_answers_a_problem_naming_the_request_logged_with_its_traceback(
    community: Community, log_stream: io.StringIO
) -> None:
    app = create_app(community.node, background_checkpoints=False)

    def broken() -> None:
        raise ZeroDivisionError("a bug")

    app.add_api_route("/broken", broken)  # type: ignore[attr-defined]
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/broken", headers={"X-Request-ID": "bug-1"})
        found = samples(client)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "internal"
    assert response.json()["request_id"] == "bug-1"
    assert "a bug" not in response.text  # the details stay in the log
    lines = [orjson.loads(line) for line in log_stream.getvalue().splitlines()]
    (failed,) = [line for line in lines if line["event"] == "request failed"]
    assert failed["request_id"] == "bug-1" and failed["level"] == "error"
    assert "ZeroDivisionError: a bug" in failed["exception"]
    assert value(found, "commonweal_refusals_total", code="internal") == 1
    latency = "commonweal_http_request_duration_seconds_count"
    assert value(found, latency, route="/broken", method="GET", status="5xx") == 1


def test_serve_without_a_scheduler_reports_the_separate_ones_heartbeat(
    community: Community, tmp_path: Any
) -> None:
    from commonweal.node.kernel.scheduler import Scheduler

    heartbeat = tmp_path / "scheduler.json"
    with TestClient(create_app(community.node, scheduler_heartbeat=heartbeat)) as client:
        problem = client.get("/readyz").json()
        assert problem["checks"]["scheduler"] == "the scheduler has not run yet"
        jobs = [Job("governance", lambda: None)]
        Scheduler(
            community.node, jobs=jobs, heartbeat=heartbeat, wall=lambda: time.time() - 100
        ).tick()
        detail = client.get("/readyz").json()["checks"]["scheduler"]
        assert re.fullmatch(r"the scheduler's latest tick ended 10\d s ago", detail)
        separate = Scheduler(community.node, jobs=jobs, heartbeat=heartbeat)
        separate.tick()
        separate.tick()
        assert client.get("/readyz").status_code == 200
        found = samples(client)
    assert value(found, "commonweal_scheduler_job_runs_total", job="governance") == 2
    assert value(found, "commonweal_scheduler_job_failures_total", job="governance") == 0
