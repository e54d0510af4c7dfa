"""Every response carries nosniff, a Permissions-Policy and Cross-Origin-Opener-Policy,
whichever layer answered it (web.security_headers): JSON, problems, tiles, static
files, pages, and the submission and witness edges ahead of the framework."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from commonweal.web.rendering import PAGE_HEADERS


@pytest.fixture
def client(node):  # type: ignore[no-untyped-def]
    with TestClient(create_app(node, background_checkpoints=False)) as test_client:
        yield test_client


RESPONSES = [
    ("GET", "/.well-known/commonweal", 200),  # JSON
    ("GET", "/v1/events/999999", 404),  # a problem
    ("GET", "/v1/events?start=-1", 400),  # a validation problem
    ("GET", "/log/checkpoint", 200),  # the log's text
    ("GET", "/log/tile/0/000.p/1", 200),  # a partial tile
    ("GET", "/static/site.css", 200),  # a static file
    ("GET", "/static/js/page.js", 200),
    ("GET", "/static/nothing.css", 404),
    ("GET", "/", 200),  # a page
    ("GET", "/no/such/page", 404),
    ("POST", "/v1/events", 400),  # the submission edge
    ("POST", "/v1/events/batch", 400),
    ("POST", "/witness/add-checkpoint", 401),  # the witness edge, unsigned
    ("POST", "/v1/checkpoints", 401),  # the operator's route, unsigned
]


@pytest.mark.parametrize(("method", "path", "status"), RESPONSES)
def test_every_response_carries_the_security_headers(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path, content=b"not json" if method == "POST" else None)
    assert response.status_code == status, response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    policy = response.headers["permissions-policy"]
    for denied in ("camera=()", "microphone=()", "payment=()", "usb=()"):
        assert denied in policy
    assert "geolocation=(self)" in policy  # the aid board's "near me"
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_a_header_a_route_sets_itself_is_kept_not_doubled(client: TestClient) -> None:
    response = client.get("/")
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    csp = response.headers.get_list("content-security-policy")
    assert csp == [PAGE_HEADERS["Content-Security-Policy"]]
