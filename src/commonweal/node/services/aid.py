"""Mutual aid as the node runs it: listings, matches, and messages it relays privately.

Posts, claims and settlements are ordinary signed events. Messages between the
two parties of a post arrive beside a signed ``aid.message.relayed`` event that
commits to them; the node checks the commitment, keeps the text in
``private_messages`` and logs the event. A member reads their messages with a
request signed by their own key (:func:`inbox`); the node erases a post's
messages once it is settled, withdrawn or released.
"""

from __future__ import annotations

from typing import Any

import orjson

from commonweal.core.rfc3339 import format_utc
from commonweal.domain.aid import claims, posts
from commonweal.domain.aid.geohash import is_area
from commonweal.domain.aid.matching import matches_for, within
from commonweal.domain.aid.messages import RELAYED
from commonweal.domain.aid.records import LIVE, MESSAGES, POSTS, expired
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.prepared import committed
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.kernel.signed_reads import request_bytes, signed_by
from commonweal.store.log_store import EntryRow
from commonweal.store.messages import MessageStore, StoredMessage

MAX_MESSAGE = 2000
INBOX_PURPOSE = "commonweal/aid-inbox"
CLOSING_TYPES = frozenset({claims.SETTLED_EVENT, claims.RELEASED, posts.WITHDRAWN_EVENT})


def now(node: Node) -> str:
    """The node's time for reads and due checks (never before its last receipt)."""
    return format_utc(max(node.clock(), node.last_received))


def listing(
    node: Node,
    *,
    kind: str | None = None,
    status: str | None = None,
    category: str | None = None,
    near: str | None = None,
    within_km: int | None = None,
) -> list[dict[str, Any]]:
    """Posts, newest first, filtered by kind, status, category and distance from a cell."""
    require_area(near)
    at = now(node)
    with node.reading() as state:
        found = [
            view(record, at)
            for _id, record in state.items(POSTS)
            if (kind is None or record["kind"] == kind)
            and (category is None or record["category"] == category)
            and within(record, near or "", within_km)
        ]
    if status is not None:
        found = [post for post in found if post["status"] == status]
    return sorted(found, key=lambda post: -int(post["id"]))


def post_view(node: Node, post_id: int) -> dict[str, Any]:
    """One post."""
    with node.reading() as state:
        record = state.get(POSTS, post_id)
        if record is None:
            raise Rejected("not_found", "there is no aid post %(post_id)s", post_id=post_id)
        return view(record, now(node))


def matches(node: Node, post_id: int, within_km: int | None = None) -> list[dict[str, Any]]:
    """The open posts that could meet this one: same category, other kind, nearest first."""
    at = now(node)
    with node.reading() as state:
        record = state.get(POSTS, post_id)
        if record is None:
            raise Rejected("not_found", "there is no aid post %(post_id)s", post_id=post_id)
        found = matches_for(record, (r for _i, r in state.items(POSTS)), now=at, max_km=within_km)
        return [{**view(m.post, at), "distance_km": m.distance_km} for m in found]


def require_area(near: str | None) -> None:
    """Refuse a ``near`` that is not a geohash cell."""
    if near is not None and not is_area(near):
        raise Rejected("invalid_request", "near must be a geohash of 1 to 5 characters")


def view(record: dict[str, Any], at: str) -> dict[str, Any]:
    """A post as read at ``at``: an open post past its expiry reads as expired."""
    status = record["status"]
    if status == "open" and expired(record, at):
        status = "expired"
    return {**record, "status": status}


# -- relayed messages -------------------------------------------------------------------


def relay(node: Node, event: object, message: object, salt: object) -> Receipt:
    """Log a relay event that commits to ``message`` under ``salt``; keep the text privately."""
    prepared = node.prepare_value_of(event, {RELAYED}, f"an {RELAYED}")
    checked = _check_message(message)
    expected, salt = committed(checked, salt, "invalid_message")
    body = prepared.body
    if expected != body.commitment:
        raise Rejected("commitment_mismatch", "the event does not commit to this message")
    stored = StoredMessage(
        expected, body.post, prepared.event.author, body.to, orjson.dumps(checked).decode()
    )
    messages = MessageStore(node.store)
    messages.put(stored, salt)
    try:
        return node.commit([prepared])[0]
    except Exception:
        with node.reading() as state:
            logged = state.get(MESSAGES, expected) is not None
        if not logged:
            messages.erase(commitments=[expected])
        raise


def _check_message(message: object) -> dict[str, Any]:
    if not isinstance(message, dict) or set(message) != {"text"}:
        raise Rejected("invalid_message", 'a message is {"text": "…"}')
    text = message["text"]
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_MESSAGE:
        raise Rejected(
            "invalid_message",
            "text must be 1 to %(max_message)s characters",
            max_message=MAX_MESSAGE,
        )
    return {"text": text}


def inbox_request_bytes(node_did: str, did: str, at: str) -> bytes:
    """What a member signs to read their messages: RFC 8785 bytes of purpose, node, did, at."""
    return request_bytes(INBOX_PURPOSE, node_did, did, at)


def inbox(node: Node, request: object) -> list[dict[str, Any]]:
    """A member's messages (sent and received, oldest first), for a request signed by them.

    ``request`` is ``{"did", "at", "sig"}``: ``sig`` is the member's Ed25519 signature
    (``z`` + base58btc) over :func:`inbox_request_bytes`, and ``at`` must be within
    five minutes of the node's clock.
    """
    did = signed_by(node, request, INBOX_PURPOSE)
    with node.reading() as state:
        sent = {str(c): record for c, record in state.items(MESSAGES)}
    found = []
    for stored in MessageStore(node.store).conversation(did):
        record = sent.get(stored.commitment)
        if record is None:
            continue  # kept, but its event never committed
        found.append(
            {
                "post": stored.post,
                "from": stored.sender,
                "to": stored.recipient,
                "at": record["at"],
                "text": orjson.loads(stored.message)["text"],
            }
        )
    return sorted(found, key=lambda m: (m["at"], m["from"]))


def reconcile_messages(node: Node) -> int:
    """Erase every kept message whose post is no longer being worked out, or whose
    relay event was never logged."""
    messages = MessageStore(node.store)
    with node.reading() as state:
        live = {int(r["id"]) for _p, r in state.items(POSTS) if r["status"] in LIVE}
        logged = {str(c) for c, _r in state.items(MESSAGES)}
    closed = messages.posts() - live
    unlogged = messages.commitments() - logged
    return messages.erase(posts=closed, commitments=unlogged)


def erase_after_commit(node: Node, entries: list[EntryRow]) -> None:
    """After-commit hook: a post that closes loses its messages at once."""
    if any(entry.type in CLOSING_TYPES for entry in entries):
        _reconcile_locked(node)


def _reconcile_locked(node: Node) -> None:
    """:func:`reconcile_messages` from inside the sequencer (which already holds the lock)."""
    messages = MessageStore(node.store)
    live = {int(r["id"]) for _p, r in node.state.items(POSTS) if r["status"] in LIVE}
    closed = messages.posts() - live
    if closed:
        messages.erase(posts=closed)


def attach(node: Node) -> Node:
    """Wire aid into a node: erase messages on close, and clean up any left over."""
    node.after_commit.append(erase_after_commit)
    reconcile_messages(node)
    return node
