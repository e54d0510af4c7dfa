"""Signing in with a signed challenge: the cookie, its protections, and every refusal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.core.rfc3339 import format_utc
from commonweal.core.vc.verify import create_presentation
from commonweal.web.app import create_app
from commonweal.web.session import COOKIE, Sessions
from tests.community import Community

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def client(community: Community) -> Iterator[TestClient]:
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def answer(client: TestClient, key: SigningKey, community: Community, **change: str) -> dict:  # type: ignore[type-arg]
    challenge = client.post("/session/challenge", headers=JSON, content=b"{}").json()
    return create_presentation(
        key,
        [],
        challenge=change.get("challenge", challenge["challenge"]),
        domain=change.get("domain", challenge["domain"]),
        created=format_utc(community.clock()),
    )


def test_sign_in_sets_a_strict_http_only_cookie(client: TestClient, community: Community) -> None:
    key = community.events.key("alice")
    response = client.post("/session", json=answer(client, key, community))
    assert response.status_code == 200, response.text
    assert response.json()["did"] == community.did("alice")
    header = response.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=strict" in header and "path=/" in header
    assert client.get("/session").json() == {"did": community.did("alice")}
    page = client.get("/proposals")
    assert "Signed in as" in page.text
    assert f'name="commonweal-member" content="{community.did("alice")}"' in page.text
    assert client.post("/session/end", headers=JSON, content=b"{}").status_code == 200
    assert client.get("/session").json() == {"did": None}


def test_anyone_with_a_key_may_sign_in_even_before_joining(
    client: TestClient, community: Community
) -> None:
    stranger = SigningKey.generate()
    response = client.post("/session", json=answer(client, stranger, community))
    assert response.json()["did"] == did_key_from_public_key(stranger.public_key)
    assert "apply to join" in client.get("/key").text.lower()


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"challenge": "invented.token"}, "unknown or expired"),
        ({"domain": "elsewhere.example"}, "another domain"),
    ],
)
def test_a_wrong_answer_is_refused(
    client: TestClient, community: Community, change: dict[str, str], detail: str
) -> None:
    response = client.post(
        "/session", json=answer(client, community.events.key("bob"), community, **change)
    )
    assert response.status_code == 401
    assert response.json()["code"] == "sign_in_failed" and detail in response.json()["detail"]
    assert COOKIE not in response.cookies


def test_a_challenge_answers_once_and_a_forged_signature_fails(
    client: TestClient, community: Community
) -> None:
    signed = answer(client, community.events.key("bob"), community)
    assert client.post("/session", json=signed).status_code == 200
    replay = client.post("/session", json=signed)
    assert replay.status_code == 401 and "already used" in replay.json()["detail"]
    forged = answer(client, community.events.key("bob"), community)
    forged["holder"] = community.did("alice")  # claim to be alice with bob's signature
    refused = client.post("/session", json=forged)
    assert refused.status_code == 401 and "does not prove" in refused.json()["detail"]


def test_challenges_and_sessions_expire(community: Community) -> None:
    now = [1_000_000.0]
    sessions = Sessions(community.node, now=lambda: now[0])
    token = sessions.challenge("example.org")["challenge"]
    now[0] += 301
    with pytest.raises(Exception, match="unknown or expired"):
        sessions.sign_in({"proof": {"challenge": token}}, "example.org")
    from commonweal.web.session import SignedIn

    cookie = sessions.cookie_value(SignedIn(community.did("alice"), int(now[0]) + 10))

    class Request:
        def __init__(self, value: str) -> None:
            self.cookies = {COOKIE: value}

    assert sessions.current(Request(cookie)) is not None  # type: ignore[arg-type]
    assert sessions.current(Request(cookie[:-3] + "AAA")) is None  # type: ignore[arg-type]
    now[0] += 11
    assert sessions.current(Request(cookie)) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "application/json", "Origin": "https://evil.example"},
        {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_other_sites_cannot_sign_anyone_in_or_out(
    client: TestClient, headers: dict[str, str]
) -> None:
    for path in ("/session/challenge", "/session", "/session/end"):
        response = client.post(path, headers=headers, content=b"{}")
        assert response.status_code == 403 and response.json()["code"] == "cross_site", path
