"""Web Push: a member's browser subscribed with a signed request, pushes recorded once in
the push outbox and posted to a real push service on 127.0.0.1 that checks the VAPID JWT
(RFC 8292) and decrypts the payload (RFC 8291); 404/410 forgets the device; bad
subscriptions are refused and nothing is kept; the endpoint policy holds at connect time."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import requests
from fastapi.testclient import TestClient

from commonweal.core.webpush import check_p256dh
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services import notifications, push
from commonweal.node.services.notifications import run_notifier, run_sender
from commonweal.node.services.push import run_push_sender
from commonweal.node.services.push_delivery import allowed_peer, guarded_session
from commonweal.store.push_store import PushStore
from commonweal.web.app import create_app
from tests.community import Community
from tests.governance import draft, submit, to_voting
from tests.notifications.mailbox import SmtpServer, signed, smtp, subscribe
from tests.notifications.push_service import Device, PushService, b64, push_service
from tests.notifications.test_notifier import start_recovery

__all__ = ["push_service", "smtp"]


def subscribe_device(
    community: Community, service: PushService, name: str, device: Device | None = None
) -> Device:
    """``name`` subscribes a new browser of theirs, with a request signed by their key."""
    device = device or service.device(name)
    request = signed(
        community,
        name,
        push.SUBSCRIBE_PURPOSE,
        subscription=service.subscription(device),
    )
    push.subscribe(community.node, request)
    return device


def open_vote(community: Community, title: str = "Plant an orchard") -> int:
    proposal = draft(community, title=title)
    submit(community, proposal)
    to_voting(community, proposal)
    return proposal


def test_a_vote_opening_is_pushed_signed_and_encrypted_once(
    community: Community, push_service: PushService
) -> None:
    run_notifier(community.node)
    phone = subscribe_device(community, push_service, "alice")
    laptop = subscribe_device(community, push_service, "alice", push_service.device("laptop"))
    proposal = open_vote(community)
    assert run_notifier(community.node) == 2  # one per device (alice has no mail address)
    assert run_notifier(community.node) == 0
    assert run_push_sender(community.node) == 2
    assert run_push_sender(community.node) == 0  # nothing twice
    assert push_service.errors == []
    for device in (phone, laptop):
        (got,) = device.received
        assert got["payload"] == {
            "title": "Voting has opened: Plant an orchard",
            "body": got["payload"]["body"],
            "url": got["payload"]["url"],
            "kind": "vote_opened",
            "urgent": False,
        }
        assert got["payload"]["url"].endswith(f"/proposals/{proposal}")
        assert "is open until" in got["payload"]["body"]
        assert got["claims"]["aud"] == push_service.origin
        assert got["urgency"] == "normal"
    rows = PushStore(community.node.store).all_rows()
    assert {r.status for r in rows} == {"sent"}


def test_a_key_recovery_goes_on_every_channel_at_once_whatever_the_preferences(
    community: Community, push_service: PushService, smtp: SmtpServer
) -> None:
    run_notifier(community.node)
    subscribe(
        community,
        "alice",
        default_level="nothing",
        digest="weekly",
        quiet_hours={"from": "00:00", "to": "23:59"},
    )
    phone = subscribe_device(community, push_service, "alice")
    open_vote(community)  # alice hears nothing of it: her level is "nothing"
    start_recovery(community)
    run_notifier(community.node)
    assert run_sender(community.node, settings=smtp.settings) == 1
    assert run_push_sender(community.node) == 1
    (mail,) = smtp.mailbox.to("alice@example.org")
    assert mail["Subject"] == "A recovery of your key has started"
    assert "List-Unsubscribe" not in mail
    (got,) = phone.received
    assert got["payload"]["kind"] == "key_recovery" and got["payload"]["urgent"] is True
    assert got["payload"]["title"] == "A recovery of your key has started"
    assert got["urgency"] == "high"
    assert push_service.errors == []


def test_a_subscription_the_service_says_is_gone_is_forgotten(
    community: Community, push_service: PushService
) -> None:
    run_notifier(community.node)
    phone = subscribe_device(community, push_service, "alice")
    phone.answer = 410
    open_vote(community)
    run_notifier(community.node)
    assert run_push_sender(community.node) == 0
    store = PushStore(community.node.store)
    assert store.subscriptions_of(community.did("alice")) == []
    (row,) = store.all_rows()
    assert row.status == "dropped" and row.last_error and "gone" in row.last_error
    mine = notifications.my_notifications(
        community.node, signed(community, "alice", notifications.READ_PURPOSE)
    )
    assert mine["notifications"][0]["channel"] == "push"
    assert mine["notifications"][0]["status"] == "dropped" and mine["devices"] == []
    assert notifications.undelivered(community.node, community.did("alice")) == 1
    open_vote(community, "Another")
    assert run_notifier(community.node) == 0  # no device left: nothing recorded


def test_a_push_service_that_is_down_delays_pushes_and_loses_none(
    community: Community, push_service: PushService
) -> None:
    run_notifier(community.node)
    phone = subscribe_device(community, push_service, "alice")
    phone.answer = 503
    open_vote(community)
    run_notifier(community.node)
    assert run_push_sender(community.node) == 0
    (row,) = PushStore(community.node.store).all_rows()
    assert row.status == "pending" and row.attempts == 1 and "503" in (row.last_error or "")
    push_service.stop()
    community.clock.advance(seconds=30)
    assert run_push_sender(community.node) == 0  # refused connection: retried later
    (row,) = PushStore(community.node.store).all_rows()
    assert row.attempts == 2 and row.status == "pending"
    push_service.start()
    phone.answer = 201
    assert run_push_sender(community.node) == 0  # backing off: 60 s after the 2nd failure
    community.clock.advance(seconds=60)
    assert run_push_sender(community.node) == 1
    assert len(phone.received) == 1 and push_service.errors == []


def test_a_redirect_is_not_followed(community: Community, push_service: PushService) -> None:
    run_notifier(community.node)
    phone = subscribe_device(community, push_service, "alice")
    phone.answer = 307
    open_vote(community)
    run_notifier(community.node)
    assert run_push_sender(community.node) == 0
    assert push_service.hits == [phone.path]  # never /elsewhere
    (row,) = PushStore(community.node.store).all_rows()
    assert row.status == "pending" and "307" in (row.last_error or "")


def test_a_forbidden_address_is_refused_when_connecting(push_service: PushService) -> None:
    device = push_service.device("x")
    with guarded_session(loopback=False) as session, pytest.raises(requests.ConnectionError):
        session.post(push_service.origin + device.path, data=b"")
    assert push_service.hits == []
    assert not allowed_peer("127.0.0.1", loopback=False)
    assert not allowed_peer("::ffff:10.0.0.1", loopback=True)
    assert not allowed_peer("169.254.169.254", loopback=True)
    assert allowed_peer("127.0.0.1", loopback=True) and allowed_peer("8.8.8.8", loopback=False)


GOOD_KEYS = {"p256dh": Device("/k").keys()["p256dh"], "auth": b64(bytes(16))}
PUSH = "https://push.example.org/x"


def keys(**changed: str) -> dict[str, str]:
    return {**GOOD_KEYS, **changed}


@pytest.mark.parametrize(
    ("subscription", "says"),
    [
        ({"endpoint": "http://push.example.org/x", "keys": GOOD_KEYS}, "https"),
        ({"endpoint": "https://10.1.2.3/x", "keys": GOOD_KEYS}, "private or local"),
        ({"endpoint": "https://169.254.169.254/latest", "keys": GOOD_KEYS}, "private or local"),
        ({"endpoint": "https://[::1]/x", "keys": GOOD_KEYS}, "private or local"),
        ({"endpoint": "https://127.0.0.1/x", "keys": GOOD_KEYS}, "private or local"),
        ({"endpoint": "https://localhost/x", "keys": GOOD_KEYS}, "public host name"),
        ({"endpoint": "https://metadata/x", "keys": GOOD_KEYS}, "public host name"),
        ({"endpoint": "https://db.internal/x", "keys": GOOD_KEYS}, "public host name"),
        ({"endpoint": "https://u:p@push.example.org/x", "keys": GOOD_KEYS}, "user name"),
        ({"endpoint": "ftp://push.example.org/x", "keys": GOOD_KEYS}, "https"),
        ({"endpoint": "https://push.example.org:99999/", "keys": GOOD_KEYS}, "valid URL"),
        ({"endpoint": 7, "keys": GOOD_KEYS}, "endpoint must be a URL"),
        ({"endpoint": PUSH}, "keys must be"),
        ({"endpoint": PUSH, "keys": keys(auth=b64(b"1" * 15))}, "auth must be 16 bytes"),
        ({"endpoint": PUSH, "keys": keys(p256dh=b64(b"\x04" + bytes(64)))}, "not a point on"),
        ({"endpoint": PUSH, "keys": keys(p256dh=b64(b"\x02" + bytes(32)))}, "65-byte"),
        ({"endpoint": PUSH, "keys": keys(auth="not base64!")}, "base64url"),
        ({"endpoint": PUSH, "keys": GOOD_KEYS, "x": 1}, "the subscription is"),
    ],
)
def test_a_bad_subscription_is_refused_and_nothing_is_kept(
    community: Community, subscription: dict[str, Any], says: str
) -> None:
    request = signed(community, "alice", push.SUBSCRIBE_PURPOSE, subscription=subscription)
    with pytest.raises(Rejected) as refused:
        push.subscribe(community.node, request)
    assert refused.value.code == "invalid_push_subscription"
    assert says in refused.value.message
    assert not PushStore(community.node.store).has_any()


def test_loopback_endpoints_are_for_tests_only(community: Community) -> None:
    subscription = {"endpoint": "http://127.0.0.1:9/push", "keys": GOOD_KEYS}
    request = signed(community, "alice", push.SUBSCRIBE_PURPOSE, subscription=subscription)
    with pytest.raises(Rejected):
        push.subscribe(community.node, request)
    community.node.config = replace(community.node.config, push_allow_loopback=True)
    push.subscribe(community.node, request)
    assert PushStore(community.node.store).has_any()
    still_refused = {"endpoint": "http://10.0.0.1/push", "keys": GOOD_KEYS}
    other = signed(community, "alice", push.SUBSCRIBE_PURPOSE, subscription=still_refused)
    with pytest.raises(Rejected):
        push.subscribe(community.node, other)


def test_the_vapid_key_is_made_once_and_only_its_public_half_is_served(
    community: Community,
) -> None:
    first = push.vapid_public_key(community.node)
    assert push.vapid_public_key(community.node) == first
    check_p256dh(first)  # an uncompressed P-256 point, as applicationServerKey must be
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        assert client.get("/v1/notifications/push").json() == {"public_key": first}
        worker = client.get("/push-worker.js")
        assert worker.status_code == 200 and "showNotification" in worker.text
        assert worker.headers["content-type"].startswith("text/javascript")
        bad = signed(
            community,
            "alice",
            push.SUBSCRIBE_PURPOSE,
            subscription={"endpoint": "https://10.0.0.1/", "keys": GOOD_KEYS},
        )
        refused = client.post("/v1/notifications/push/subscribe", json=bad)
        assert refused.status_code == 400
        assert refused.json()["code"] == "invalid_push_subscription"
        assert "private or local" in refused.json()["detail"]
    private = push.vapid_private(community.node)
    assert private not in worker.text


def test_devices_and_pushes_are_erased_with_the_profile(
    community: Community, push_service: PushService
) -> None:
    from tests.governance import admit

    run_notifier(community.node)
    admit(community, "dana")
    subscribe_device(community, push_service, "dana")
    community.apply("erin")
    run_notifier(community.node)
    store = PushStore(community.node.store)
    assert store.of(community.did("dana"))
    community.act("dana", "membership.member.left", {})
    community.act("dana", "membership.profile.erased", {"member": community.did("dana")})
    run_notifier(community.node)
    assert store.subscriptions_of(community.did("dana")) == []
    assert store.of(community.did("dana")) == []


def test_a_member_removes_a_device(community: Community, push_service: PushService) -> None:
    phone = subscribe_device(community, push_service, "alice")
    endpoint = push_service.subscription(phone)["endpoint"]
    request = signed(community, "alice", push.UNSUBSCRIBE_PURPOSE, endpoint=endpoint)
    assert push.unsubscribe(community.node, request) == {"removed": True}
    assert PushStore(community.node.store).subscriptions_of(community.did("alice")) == []
