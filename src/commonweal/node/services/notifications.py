"""Notifications as the node runs them: the notifier, the sender, preferences, unsubscribing.

The notifier (:func:`run_notifier`, a scheduled job) reads the log from its own cursor,
asks the pure decisions (domain/notifications) who must hear, filters by each
member's preferences, and records the notices in the private outbox, moving the cursor
in the same transaction: after a restart it goes on where it stopped, never twice. The
sender (:func:`run_sender`) mails what is due, marks it sent, and retries a failure with
exponential backoff (30 s doubling to at most 6 hours, 12 attempts), so an SMTP server
that is down delays mails and loses none (docs/notifications.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import smtplib
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson

from commonweal.core.events import parse_leaf
from commonweal.core.language import ngettext
from commonweal.core.rfc3339 import format_utc, parse_utc
from commonweal.domain.membership.lifecycle import ERASED
from commonweal.domain.notifications.decisions import (
    DECIDED,
    Notice,
    closing_soon,
    decide,
    wants,
)
from commonweal.domain.notifications.kinds import Lookups
from commonweal.domain.notifications.preferences import (
    DEFAULTS,
    PreferencesError,
    check_preferences,
    in_quiet_hours,
    level_for,
    next_digest,
)
from commonweal.domain.notifications.reminders import reminders
from commonweal.node.kernel.due import Refusals
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.signed_reads import signed_by
from commonweal.node.services.notification_mail import (
    MailSettings,
    PermanentFailure,
    build_message,
    deliver,
)
from commonweal.node.services.notification_words import Sayings, speaking_to, zone_of
from commonweal.store.notification_store import NewNotification, NotificationStore, OutboxRow
from commonweal.store.outbox import DROPPED
from commonweal.store.push_store import NewPush, PushRow, PushStore
from commonweal.store.rows import EntryRow

PREFERENCES_PURPOSE = "commonweal/notification-preferences"
READ_PURPOSE = "commonweal/notifications"
CHUNK = 2000
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
TOKEN_LIFETIME = timedelta(days=60)


def stamp(moment: datetime) -> str:
    """``moment`` in RFC 3339 UTC to the second, as the outbox keeps times."""
    return format_utc(moment.replace(microsecond=0))


# -- the notifier --------------------------------------------------------------------


def run_notifier(node: Node, *, refusals: Refusals | None = None) -> int:
    """Record the notices the new log entries and the clock call for; how many were new.

    On its first run the cursor starts at the log's current size: a node that turns
    notifications on does not mail its members about its whole past."""
    store = NotificationStore(node.store)
    # The committed size, not ``node.size``: a group being written has moved the node's
    # range before its entries are in the store, and reading up to it would skip them.
    size = node.store.head()[0]
    cursor = int(store.put_state_if_absent("cursor", str(size)))
    now = node.clock()
    told = store.told()
    added = 0
    while True:
        end = min(size, cursor + CHUNK)
        entries = store.entries_of(DECIDED | {ERASED}, cursor, end) if end > cursor else []
        decided = [entry for entry in entries if entry.type in DECIDED]
        notices: list[Notice] = []
        closing: list[Notice] = []
        if decided or end >= size:  # the sequencer waits while the state is read: only then
            with node.reading() as state:
                lookups = Lookups(state)
                notices = [n for entry in decided for n in _decide_entry(lookups, entry)]
                if end >= size:
                    moment = stamp(now)
                    closing = closing_soon(state, moment, told) + reminders(state, moment, told)
        erase_with_profiles(store, entries)
        if end > cursor or closing:
            kept, pushes = _filtered(store, notices + closing, now)
            told_keys = {n.event_key for n in closing}
            added += store.record(kept, stamp(now), end, told_keys, pushes)
        cursor = end
        if end >= size:
            return added


def _decide_entry(lookups: Lookups, entry: EntryRow) -> list[Notice]:
    event = parse_leaf(entry.leaf).event
    return decide(lookups.state, entry.idx, event.type, event.author, event.body, lookups)


def _filtered(
    store: NotificationStore, notices: list[Notice], now: datetime
) -> tuple[list[NewNotification], list[NewPush]]:
    """The mails and pushes ``notices`` call for: for each recipient who wants the notice
    at their level for its topic, a mail if they gave an address and a push to each of
    their subscribed devices, at the time their digest and quiet hours say (at once for
    an urgent notice: on every channel, whatever the preferences). What each says is said
    in the recipient's language, its times in their zone."""
    mails: list[NewNotification] = []
    pushes: list[NewPush] = []
    sayings = Sayings()
    recipients = {n.recipient for n in notices}
    kept = store.preferences_of_many(recipients)
    devices = PushStore(store).subscriptions_of_many(recipients) if notices else {}
    preferences = {did: {**DEFAULTS, **orjson.loads(text)} for did, text in kept.items()}
    for notice in notices:
        prefs = preferences.get(notice.recipient)
        subscriptions = devices.get(notice.recipient, [])
        if prefs is None and subscriptions:
            prefs = dict(DEFAULTS)
        if prefs is None or not (prefs["email"] or subscriptions):
            continue  # no channel: nothing can reach them
        if not wants(level_for(prefs, notice.topic), notice.weight):
            continue
        when = stamp(now if notice.urgent else _after_quiet_hours(prefs, _digest_time(prefs, now)))
        with speaking_to(prefs) as zone:
            subject, text = sayings.say(notice.subject, zone), sayings.say(notice.text, zone)
        fields: dict[str, Any] = {
            "recipient": notice.recipient,
            "event_key": notice.event_key,
            "kind": notice.kind,
            "topic": notice.topic,
            "urgent": notice.urgent,
            "subject": subject,
            "body": text,
            "path": notice.path,
            "next_attempt": when,
        }
        if prefs["email"]:
            mails.append(NewNotification(**fields))
        pushes.extend(NewPush(subscription=s.id, **fields) for s in subscriptions)
    return mails, pushes


def _digest_time(prefs: dict[str, Any], now: datetime) -> datetime:
    """``now`` for a member who wants mail at once, else their next digest's time (08:00 in
    their time zone: the next morning for ``daily``, the next Monday for ``weekly``)."""
    if prefs["digest"] == "immediate":
        return now
    zone = zone_of(prefs["time_zone"])
    local = now.astimezone(zone)
    return next_digest(local.replace(tzinfo=None), prefs["digest"]).replace(tzinfo=zone)


def _after_quiet_hours(prefs: dict[str, Any], now: datetime) -> datetime:
    """``now``, or the first minute after the member's quiet hours if ``now`` is in them."""
    zone = zone_of(prefs["time_zone"])
    moment = now
    for _ in range(24 * 60 // 15 + 1):
        if not in_quiet_hours(prefs, moment.astimezone(zone).time()):
            return moment
        moment += timedelta(minutes=15)
    return now


# -- the sender ----------------------------------------------------------------------


def run_sender(
    node: Node,
    *,
    refusals: Refusals | None = None,
    settings: MailSettings | None = None,
) -> int:
    """Mail every due notification (SMTP off: nothing, they wait); how many were sent.
    ``settings``: the node's (``NodeConfig.smtp``) unless given."""
    settings = settings or node.config.smtp
    if settings is None:
        return 0
    store = NotificationStore(node.store)
    now = node.clock()
    sent = 0
    waiting: dict[str, list[OutboxRow]] = {}
    for row in store.due(stamp(now)):
        waiting.setdefault(row.recipient, []).append(row)
    for recipient, rows in waiting.items():
        prefs = preferences_of(store, recipient)
        if prefs is None or not prefs["email"]:
            for row in rows:
                store.mark_failed(row.id, row.attempts, "no mail address any more", DROPPED)
            continue
        digested = [r for r in rows if not r.urgent and prefs["digest"] != "immediate"]
        mails = [[r] for r in rows if r not in digested] + ([digested] if digested else [])
        for mail in mails:
            sent += _send(node, store, settings, mail, prefs, now)
    return sent


def _send(
    node: Node,
    store: NotificationStore,
    settings: MailSettings,
    rows: list[OutboxRow],
    prefs: dict[str, Any],
    now: datetime,
) -> int:
    """Mail ``rows`` (one notification, or a digest of several); mark them as it went."""
    try:
        with speaking_to(prefs):
            message = _message(node, settings, rows, prefs, now)
        deliver(settings, message)
    except PermanentFailure as refused:
        for row in rows:
            store.mark_failed(row.id, row.attempts + 1, f"refused: {refused}")
        return 0
    except (OSError, smtplib.SMTPException) as error:
        reason = f"{type(error).__name__}: {error}"[:500]
        for row in rows:
            attempts = row.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                store.mark_failed(row.id, attempts, f"gave up after {attempts} attempts: {reason}")
            else:
                store.mark_retry(row.id, attempts, stamp(now + backoff(attempts)), reason)
        return 0
    for row in rows:
        store.mark_sent(row.id, stamp(node.clock()))
    return len(rows)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 30 s, 60 s, 120 s, … at most 6 hours."""
    wait: timedelta = FIRST_RETRY * (2 ** max(0, attempts - 1))
    return min(wait, LONGEST_RETRY)


def _message(
    node: Node, settings: MailSettings, rows: list[OutboxRow], prefs: dict[str, Any], now: datetime
) -> Any:
    base = (node.config.public_url or "").rstrip("/")
    first = rows[0]
    if len(rows) == 1 and (first.urgent or prefs["digest"] == "immediate"):
        subject, text, link, topic = first.subject, first.body, base + first.path, first.topic
    else:
        subject = digest_title(prefs["digest"], len(rows))
        text = "\n\n".join(f"- {r.subject}\n  {r.body}\n  {base}{r.path}" for r in rows)
        link, topic = f"{base}/notifications", "*"
    unsubscribe = None
    if not first.urgent:
        unsubscribe = f"{base}/unsubscribe/{unsubscribe_token(node, first.recipient, topic)}"
    return build_message(
        settings,
        to=prefs["email"],
        subject=subject,
        text=text,
        link=link,
        unsubscribe=unsubscribe,
        message_key=f"notification.{first.id}.{len(rows)}",
        date=now,
    )


def digest_title(digest: str, count: int) -> str:
    """A digest's subject (a mail's) or title (a push's), in the current language."""
    if digest == "weekly":
        return ngettext(
            "Your weekly digest: %(num)d notice", "Your weekly digest: %(num)d notices", count
        )
    return ngettext(
        "Your daily digest: %(num)d notice", "Your daily digest: %(num)d notices", count
    )


def run_due(node: Node, *, refusals: Refusals | None = None) -> int:
    """The scheduler's job: record what is new, then send what is due."""
    run_notifier(node, refusals=refusals)
    return run_sender(node, refusals=refusals)


# -- preferences ---------------------------------------------------------------------


def preferences_of(store: NotificationStore, did: str) -> dict[str, Any] | None:
    """A member's preferences, or None if they never set any."""
    kept = store.preferences(did)
    return None if kept is None else {**DEFAULTS, **orjson.loads(kept)}


def set_preferences(node: Node, request: object) -> dict[str, Any]:
    """Keep the preferences a member signed (``{"did", "at", "sig", "preferences"}``)."""
    did = signed_by(node, request, PREFERENCES_PURPOSE, {"preferences": dict})
    assert isinstance(request, dict)
    try:
        prefs = check_preferences(request["preferences"])
    except PreferencesError as error:
        raise Rejected.saying("invalid_preferences", error) from None
    try:
        ZoneInfo(prefs["time_zone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise Rejected(
            "invalid_preferences",
            "unknown time zone %(time_zone)s",
            time_zone=repr(prefs["time_zone"]),
        ) from None
    with node.reading() as state:
        record = state.get("membership.members", did)
    if record is None or record.get("erased") or record["status"] not in ("member", "applicant"):
        raise Rejected("forbidden", "only a member or an applicant keeps notification preferences")
    NotificationStore(node.store).put_preferences(did, orjson.dumps(prefs).decode())
    return prefs


def my_notifications(node: Node, request: object) -> dict[str, Any]:
    """A member's preferences and latest notifications, failures included (signed read)."""
    did = signed_by(node, request, READ_PURPOSE)
    store = NotificationStore(node.store)
    pushes = PushStore(node.store)
    shown = [_shown(row, "mail") for row in store.of(did)]
    shown += [_shown(row, "push") for row in pushes.of(did)]
    shown.sort(key=lambda n: (n["created"], n["channel"]), reverse=True)
    return {
        "preferences": preferences_of(store, did) or dict(DEFAULTS),
        "notifications": shown[:50],
        "devices": [
            {"endpoint": s.endpoint, "since": s.created} for s in pushes.subscriptions_of(did)
        ],
    }


def undelivered(node: Node, did: str) -> int:
    """How many of a member's latest notifications failed, or wait to be retried (their
    own page says so; the session shows it to them alone)."""
    rows: list[OutboxRow | PushRow] = [*NotificationStore(node.store).of(did)]
    rows += PushStore(node.store).of(did)
    return sum(
        1
        for r in rows
        if r.status in ("failed", DROPPED) or (r.last_error and r.status == "pending")
    )


def _shown(row: OutboxRow | PushRow, channel: str) -> dict[str, Any]:
    return {
        "channel": channel,
        "kind": row.kind,
        "subject": row.subject,
        "path": row.path,
        "created": row.created,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt": row.next_attempt if row.status == "pending" else None,
        "sent_at": row.sent_at,
        "error": row.last_error,
    }


def erase_with_profiles(store: NotificationStore, entries: list[EntryRow]) -> int:
    """A member's erased profile takes their preferences and notifications with it: the
    notifier erases them as it reads the erasure (within a tick of it being logged)."""
    erased = {
        str(parse_leaf(e.leaf).event.body.get("member", e.author))
        for e in entries
        if e.type == ERASED
    }
    if not erased:
        return 0
    return max(store.erase(erased), PushStore(store).erase(erased))


# -- one-click unsubscribe (RFC 8058) --------------------------------------------------


def _key(node: Node) -> bytes:
    store = NotificationStore(node.store)
    kept = store.put_state_if_absent("unsubscribe_key", secrets.token_hex(32))
    return bytes.fromhex(kept)


def unsubscribe_token(
    node: Node, did: str, topic: str, *, lifetime: timedelta = TOKEN_LIFETIME
) -> str:
    """A token that turns ``topic`` off for ``did`` until it expires: payload.HMAC-SHA256."""
    expires = stamp(node.clock() + lifetime)
    payload = _b64(orjson.dumps({"did": did, "topic": topic, "exp": expires}))
    return f"{payload}.{_b64(hmac.new(_key(node), payload.encode(), hashlib.sha256).digest())}"


def unsubscribe(node: Node, token: str) -> dict[str, str]:
    """Turn a topic off as a valid token says; ``unsubscribe_invalid``/``_expired`` else."""
    payload, _dot, mac = token.partition(".")
    expected = _b64(hmac.new(_key(node), payload.encode(), hashlib.sha256).digest())
    if not mac or not hmac.compare_digest(mac.encode(), expected.encode()):
        raise Rejected("unsubscribe_invalid", "this unsubscribe link is not one this node made")
    claims = orjson.loads(_unb64(payload))
    if parse_utc(claims["exp"]) < node.clock():
        raise Rejected(
            "unsubscribe_expired",
            "this unsubscribe link has expired; sign in to change your notification preferences",
        )
    store = NotificationStore(node.store)
    prefs = preferences_of(store, claims["did"])
    if prefs is not None and claims["topic"] == "*":  # a digest's link: every topic
        prefs["default_level"], prefs["levels"] = "nothing", {}
        store.put_preferences(claims["did"], orjson.dumps(prefs).decode())
    elif prefs is not None:
        prefs["levels"] = {**prefs["levels"], claims["topic"]: "nothing"}
        store.put_preferences(claims["did"], orjson.dumps(prefs).decode())
    return {"did": claims["did"], "topic": claims["topic"], "level": "nothing"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
