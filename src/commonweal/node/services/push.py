"""Web Push as the node runs it: its VAPID key, members' subscriptions, the push sender.

- The node's VAPID key pair (RFC 8292) is made on first use and kept with the
  notifications' other secret (the unsubscribe key) in the private
  ``notification_state``; only its public key is served (``GET /v1/notifications/push``).
- A member subscribes a browser with a request signed by their key, like their
  preferences (purpose ``commonweal/push-subscription``); the subscription is checked
  (the endpoint policy of ``push_delivery``, the RFC 8291 keys) and kept off the log,
  erased with the profile.
- The sender (:func:`run_push_sender`, a scheduled job after the mail's) posts every
  due push, at most once per (subscription, event, kind), retries with the mail's
  backoff, and forgets a subscription the push service says is gone (404 or 410).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from pywebpush import WebPushException

from commonweal.core.webpush import WebPushKeyError, check_auth, check_p256dh, vapid_private_raw
from commonweal.core.webpush import vapid_public_key as public_of
from commonweal.node.kernel.due import Refusals
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.signed_reads import signed_by
from commonweal.node.services.notification_words import speaking_to
from commonweal.node.services.notifications import (
    MAX_ATTEMPTS,
    backoff,
    digest_title,
    preferences_of,
    stamp,
)
from commonweal.node.services.push_delivery import (
    EndpointRefused,
    Push,
    PushGone,
    PushRefused,
    check_endpoint,
    send_push,
)
from commonweal.store.notification_store import NotificationStore
from commonweal.store.outbox import DROPPED
from commonweal.store.push_store import PushRow, PushStore

SUBSCRIBE_PURPOSE = "commonweal/push-subscription"
UNSUBSCRIBE_PURPOSE = "commonweal/push-unsubscription"
MAX_DEVICES = 10
_VAPID = "vapid_private_key"


# -- the node's VAPID key ----------------------------------------------------------------


def vapid_private(node: Node) -> str:
    """The node's VAPID private key (base64url scalar), made and kept on first use."""
    kept = NotificationStore(node.store).state_value(_VAPID)
    if kept is not None:
        return kept
    made = vapid_private_raw(ec.generate_private_key(ec.SECP256R1()))
    return NotificationStore(node.store).put_state_if_absent(_VAPID, made)


def vapid_public_key(node: Node) -> str:
    """The ``applicationServerKey`` pages subscribe with (uncompressed P-256, base64url)."""
    return public_of(vapid_private(node))


def contact(node: Node) -> str:
    """The VAPID ``sub`` claim: who a push service may contact about this node's pushes."""
    config = node.config
    if config.push_contact:
        return config.push_contact
    url = (config.public_url or "").rstrip("/")
    if url.startswith("https://") and "/" not in url.removeprefix("https://"):
        return url
    if config.smtp is not None:
        return f"mailto:{config.smtp.sender}"
    return "mailto:commonweal@localhost"


# -- subscriptions -------------------------------------------------------------------------


def check_subscription(value: object, *, loopback: bool) -> dict[str, str]:
    """``{"endpoint", "p256dh", "auth"}`` from a ``PushSubscription.toJSON()`` shape, or
    ``invalid_push_subscription`` saying what is wrong."""
    if not isinstance(value, dict) or not set(value) <= {"endpoint", "keys", "expirationTime"}:
        raise Rejected(
            "invalid_push_subscription",
            'the subscription is {"endpoint": "https://…", "keys": {"p256dh", "auth"}}',
        )
    keys = value.get("keys")
    if not isinstance(keys, dict) or set(keys) != {"p256dh", "auth"}:
        raise Rejected("invalid_push_subscription", "keys must be {p256dh, auth}")
    try:
        endpoint = check_endpoint(value.get("endpoint"), loopback=loopback)
        check_p256dh(keys["p256dh"])
        check_auth(keys["auth"])
    except EndpointRefused as refused:
        raise Rejected.saying("invalid_push_subscription", refused) from None
    except WebPushKeyError as bad:
        if str(bad).startswith(("p256dh", "auth")):
            raise Rejected.saying("invalid_push_subscription", bad) from None
        raise Rejected("invalid_push_subscription", "a key %(problem)s", problem=bad) from None
    return {"endpoint": endpoint, "p256dh": keys["p256dh"], "auth": keys["auth"]}


def subscribe(node: Node, request: object) -> dict[str, Any]:
    """Keep the subscription a member signed (``{"did", "at", "sig", "subscription"}``)."""
    did = signed_by(node, request, SUBSCRIBE_PURPOSE, {"subscription": dict})
    assert isinstance(request, dict)
    checked = check_subscription(request["subscription"], loopback=node.config.push_allow_loopback)
    with node.reading() as state:
        record = state.get("membership.members", did)
    if record is None or record.get("erased") or record["status"] not in ("member", "applicant"):
        raise Rejected("forbidden", "only a member or an applicant may subscribe to pushes")
    store = PushStore(node.store)
    if store.count_of(did, besides=checked["endpoint"]) >= MAX_DEVICES:
        raise Rejected(
            "invalid_push_subscription",
            "at most %(max_devices)s devices receive pushes; remove one first",
            max_devices=MAX_DEVICES,
        )
    ident = store.subscribe(did, **checked, created=stamp(node.clock()))
    return {"id": ident, "endpoint": checked["endpoint"]}


def unsubscribe(node: Node, request: object) -> dict[str, Any]:
    """Forget the member's subscription at ``endpoint`` (``{"did", "at", "sig", "endpoint"}``)."""
    did = signed_by(node, request, UNSUBSCRIBE_PURPOSE, {"endpoint": str})
    assert isinstance(request, dict)
    removed = PushStore(node.store).remove_endpoint(did, request["endpoint"])
    return {"removed": removed}


def devices(node: Node, did: str) -> list[dict[str, str]]:
    """A member's subscribed devices as they may see them (the push service's host)."""
    from urllib.parse import urlsplit

    return [
        {"endpoint": s.endpoint, "service": urlsplit(s.endpoint).netloc, "since": s.created}
        for s in PushStore(node.store).subscriptions_of(did)
    ]


# -- the sender ----------------------------------------------------------------------------


def run_push_sender(node: Node, *, refusals: Refusals | None = None) -> int:
    """Post every due push; how many were delivered. Digest members get one push per
    subscription summing up what is due, as their mail is one digest."""
    store = PushStore(node.store)
    now = node.clock()
    waiting: dict[int, list[PushRow]] = {}
    for row in store.due(stamp(now)):
        waiting.setdefault(row.subscription, []).append(row)
    if not waiting:
        return 0
    private, sub_claim = vapid_private(node), contact(node)
    notes = NotificationStore(node.store)
    sent = 0
    for subscription_id, rows in waiting.items():
        subscription = store.subscription(subscription_id)
        if subscription is None:
            for row in rows:
                store.mark_failed(row.id, row.attempts, "the device was removed", DROPPED)
            continue
        prefs = preferences_of(notes, subscription.did) or {"digest": "immediate"}
        digested = [r for r in rows if not r.urgent and prefs["digest"] != "immediate"]
        batches = [[r] for r in rows if r not in digested] + ([digested] if digested else [])
        for batch in batches:
            with speaking_to(prefs):
                payload = _payload(node, batch, prefs)
            push = Push(
                subscription.endpoint,
                subscription.p256dh,
                subscription.auth,
                payload,
                batch[0].urgent,
            )
            outcome = _post(node, push, private, sub_claim, now)
            sent += _mark(node, store, subscription_id, batch, outcome, now)
            if outcome == "gone":
                break
    return sent


def _post(node: Node, push: Push, private: str, sub_claim: str, now: datetime) -> str:
    """``"sent"``, ``"gone"``, or a reason to record (``"refused: …"`` or a retry's)."""
    try:
        send_push(
            push,
            vapid_private=private,
            contact=sub_claim,
            now=now,
            loopback=node.config.push_allow_loopback,
            timeout=node.config.peer_timeout_seconds,
        )
    except PushGone:
        return "gone"
    except (PushRefused, EndpointRefused) as refused:
        return f"refused: {refused}"
    except (OSError, requests.RequestException, WebPushException) as error:
        return f"retry: {type(error).__name__}: {error}"[:500]
    return "sent"


def _mark(
    node: Node,
    store: PushStore,
    subscription_id: int,
    rows: list[PushRow],
    outcome: str,
    now: datetime,
) -> int:
    if outcome == "sent":
        for row in rows:
            store.mark_sent(row.id, stamp(node.clock()))
        return len(rows)
    if outcome == "gone":
        store.remove(
            subscription_id, "the push service says this device's subscription is gone (404/410)"
        )
        return 0
    for row in rows:
        attempts = row.attempts + 1
        if outcome.startswith("refused: "):
            store.mark_failed(row.id, attempts, outcome)
        elif attempts >= MAX_ATTEMPTS:
            store.mark_failed(row.id, attempts, f"gave up after {attempts} attempts: {outcome}")
        else:
            store.mark_retry(
                row.id, attempts, stamp(now + backoff(attempts)), outcome.removeprefix("retry: ")
            )
    return 0


def _payload(node: Node, rows: list[PushRow], prefs: Mapping[str, Any]) -> dict[str, Any]:
    base = (node.config.public_url or "").rstrip("/")
    first = rows[0]
    if len(rows) == 1:
        return {
            "title": first.subject,
            "body": first.body,
            "url": base + first.path,
            "kind": first.kind,
            "urgent": first.urgent,
        }
    return {
        "title": digest_title(prefs["digest"], len(rows)),
        "body": "\n".join(r.subject for r in rows),
        "url": f"{base}/notifications",
        "kind": "digest",
        "urgent": False,
    }


def run_due(node: Node, *, refusals: Refusals | None = None) -> int:
    """The scheduler's ``push`` job (after ``notifications``, which records the pushes)."""
    return run_push_sender(node, refusals=refusals)
