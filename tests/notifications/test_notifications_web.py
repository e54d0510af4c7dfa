"""Notifications over HTTP: signed preferences, RFC 8058 one-click unsubscribe (a forged or
expired link refused and nothing changed), and the Atom feeds (RFC 4287) of the public log."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.node.services import notifications
from commonweal.store.notification_store import NotificationStore
from commonweal.web.app import create_app
from tests.community import Community
from tests.governance import draft, submit, to_voting
from tests.notifications.mailbox import signed, subscribe

A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def client(community: Community) -> Iterator[TestClient]:
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def kept(community: Community, name: str) -> dict[str, object]:
    stored = NotificationStore(community.node.store).preferences(community.did(name))
    return orjson.loads(stored) if stored else {}


def test_preferences_are_set_and_read_with_signed_requests(
    community: Community, client: TestClient
) -> None:
    prefs = {"email": "alice@example.org", "levels": {"budget": "decisions"}, "digest": "weekly"}
    request = signed(community, "alice", notifications.PREFERENCES_PURPOSE, preferences=prefs)
    answer = client.post("/v1/notifications/preferences", json=request)
    assert answer.status_code == 200, answer.text
    assert answer.json()["preferences"]["digest"] == "weekly"
    mine = client.post(
        "/v1/notifications/mine", json=signed(community, "alice", notifications.READ_PURPOSE)
    )
    assert mine.status_code == 200
    assert mine.json()["preferences"]["levels"] == {"budget": "decisions"}
    assert mine.json()["notifications"] == []
    bad = signed(community, "alice", notifications.PREFERENCES_PURPOSE, preferences={"digest": 3})
    refused = client.post("/v1/notifications/preferences", json=bad)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "invalid_preferences"
    assert kept(community, "alice")["digest"] == "weekly"  # nothing written


def test_one_click_unsubscribe_needs_no_sign_in(community: Community, client: TestClient) -> None:
    subscribe(community, "alice")
    token = notifications.unsubscribe_token(community.node, community.did("alice"), "general")
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and f'action="/unsubscribe/{token}"' in page.text
    assert kept(community, "alice")["levels"] == {}  # fetching the link changes nothing
    answer = client.post(
        f"/unsubscribe/{token}",
        content="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"unsubscribed": {"topic": "general", "level": "nothing"}}
    assert kept(community, "alice")["levels"] == {"general": "nothing"}
    pressed = client.post(f"/unsubscribe/{token}", headers={"accept": "text/html"})
    assert pressed.status_code == 200 and 'data-testid="unsubscribed"' in pressed.text


@pytest.mark.parametrize("how", ["forged", "altered", "garbage", "not ascii"])
def test_a_forged_unsubscribe_link_is_refused_and_changes_nothing(
    community: Community, client: TestClient, how: str
) -> None:
    subscribe(community, "alice")
    token = notifications.unsubscribe_token(community.node, community.did("alice"), "general")
    payload, mac = token.split(".")
    bad = {
        "forged": f"{payload}.{'A' * len(mac)}",
        "altered": f"{payload[:-2]}xx.{mac}",
        "garbage": "not-a-token",
        "not ascii": f"{payload}.é{mac[1:]}",
    }[how]
    answer = client.post(f"/unsubscribe/{bad}", content="List-Unsubscribe=One-Click")
    assert answer.status_code == 403
    assert answer.json()["code"] == "unsubscribe_invalid"
    page = client.post(f"/unsubscribe/{bad}", headers={"accept": "text/html"})
    assert page.status_code == 403 and "not one this node made" in page.text
    assert kept(community, "alice")["levels"] == {}


def test_an_expired_unsubscribe_link_is_refused(community: Community, client: TestClient) -> None:
    subscribe(community, "alice")
    token = notifications.unsubscribe_token(
        community.node, community.did("alice"), "general", lifetime=timedelta(days=1)
    )
    community.clock.advance(days=1, seconds=1)
    answer = client.post(f"/unsubscribe/{token}", content="List-Unsubscribe=One-Click")
    assert answer.status_code == 410 and answer.json()["code"] == "unsubscribe_expired"
    assert kept(community, "alice")["levels"] == {}


def atom(text: str) -> ET.Element:
    """The feed, parsed, with RFC 4287's required elements checked (4.1.1, 4.1.2)."""
    feed = ET.fromstring(text)
    assert feed.tag == f"{A}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{A}{required}") is not None and feed.findtext(f"{A}{required}")
    for entry in feed.findall(f"{A}entry"):
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{A}{required}"), required
        assert entry.find(f"{A}link").get("href")  # type: ignore[union-attr]
    return feed


def test_the_feeds_are_atom_from_the_public_log(community: Community, client: TestClient) -> None:
    subscribe(community, "alice")
    orchard = draft(community, title="Plant an orchard", topic="general")
    submit(community, orchard)
    to_voting(community, orchard)
    node_feed = client.get("/feeds/node.atom")
    assert node_feed.headers["content-type"].startswith("application/atom+xml")
    feed = atom(node_feed.text)
    assert len(feed.findall(f"{A}entry")) == community.node.size
    assert "alice@example.org" not in node_feed.text  # nothing private
    proposal = atom(client.get(f"/feeds/proposals/{orchard}.atom").text)
    titles = [e.findtext(f"{A}title") for e in proposal.findall(f"{A}entry")]
    assert titles == ["A proposal was drafted", "A proposal was submitted", "Voting opened"]
    assert proposal.findtext(f"{A}title", "").endswith("Plant an orchard")
    topic = atom(client.get("/feeds/topics/general.atom").text)
    assert len(topic.findall(f"{A}entry")) == 3
    assert atom(client.get("/feeds/topics/other.atom").text).findall(f"{A}entry") == []
    assert client.get("/feeds/proposals/99999.atom").status_code == 404
    assert client.get("/feeds/topics/NOT%20A%20TOPIC.atom").json()["code"] == "invalid_request"


def test_list_pages_link_their_feeds(community: Community, client: TestClient) -> None:
    orchard = draft(community, title="Plant an orchard", topic="general")
    listing = client.get("/proposals").text
    assert '<link rel="alternate" type="application/atom+xml"' in listing
    assert 'href="/feeds/node.atom"' in listing
    page = client.get(f"/proposals/{orchard}").text
    assert f'href="/feeds/proposals/{orchard}.atom"' in page


def test_the_notifications_page_is_for_the_signed_in_member(
    community: Community, client: TestClient
) -> None:
    from tests.web.pages import sign_in

    assert client.get("/notifications").status_code == 401
    sign_in(client, community.did("alice"))
    page = client.get("/notifications")
    assert page.status_code == 200
    assert 'data-me="' + community.did("alice") + '"' in page.text
    assert "/static/js/notifications-page.js" in page.text
    assert 'href="/notifications"' in client.get("/me").text
    assert 'href="/notifications"' not in client.get(f"/members/{community.did('bob')}").text


def test_the_members_own_page_says_when_mail_could_not_be_delivered(
    community: Community, client: TestClient
) -> None:
    from commonweal.node.services.notification_mail import smtp_config
    from tests.notifications.mailbox import free_port
    from tests.web.pages import sign_in

    notifications.run_notifier(community.node)
    subscribe(community, "alice")
    community.apply("dana")
    notifications.run_notifier(community.node)
    sign_in(client, community.did("alice"))
    assert 'data-testid="undelivered"' not in client.get("/me").text
    nobody_listens = smtp_config("127.0.0.1", port=free_port())
    assert notifications.run_sender(community.node, settings=nobody_listens) == 0
    assert "1 mail could not be delivered yet" in client.get("/me").text
    sign_in(client, community.did("bob"))
    assert 'data-testid="undelivered"' not in client.get(f"/members/{community.did('alice')}").text
