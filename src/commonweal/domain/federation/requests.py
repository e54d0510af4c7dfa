"""A steward's requests of the node's federation service, signed and logged.

Some federation acts are carried out by the node itself, with its own key and
its own network connections: fetching another node's identity by its address
(``commonweal peer add``), syncing now (``peer sync``) and calling a network vote
in an alliance the node belongs to (``alliance call``). A steward asks for them
with an event signed in the browser or with ``commonweal peer request …``:

- ``federation.peer.requested`` ``{"url"}``: fetch that node's identity and list it;
- ``federation.sync.requested`` ``{}``: run a sync round now;
- ``federation.alliance_call.requested`` ``{"alliance", "kind", "title", "text"?,
  "options"}``: call a network vote in that recognised alliance, signed by this node.

The node's federation service carries each one out on its next sync round and
logs the outcome (``federation.request.done``, written by the node itself), so
every fetch the server makes on a steward's word is in the log twice: who asked,
and what came of it. Only ``https://`` addresses are accepted, or
``http://127.0.0.1:PORT`` (which the service follows only when the node itself
is served on 127.0.0.1, as in tests); an address naming an IP literal in a
private, loopback or link-local range over https is refused (docs/security.md).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.federation.recognition import PERMISSION as RECOGNIZE
from commonweal.domain.fields import only, optional_text, record_id, required_text
from commonweal.domain.membership.records import require_permission
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State

REQUESTS = "federation.requests"
"""request id (the leaf index of the request) → kind, body, who asked, status, outcome."""

PEER_REQUESTED = "federation.peer.requested"
SYNC_REQUESTED = "federation.sync.requested"
CALL_REQUESTED = "federation.alliance_call.requested"
DONE = "federation.request.done"
CALL_PERMISSION = "federation.alliance"

PEER, SYNC, CALL = "peer", "sync", "call"
PENDING, CARRIED_OUT, FAILED = "pending", "done", "failed"
MAX_PENDING = 16
"""Requests waiting at once; more are refused until the service has carried some out."""

LOOPBACK_HOST = "127.0.0.1"
_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}$")
_DID = re.compile(r"^did:(key:z6Mk[1-9A-HJ-NP-Za-km-z]{40,60}|web:[A-Za-z0-9.%:-]{1,200})$")


def check_peer_url(url: Any) -> str:
    """``url`` as an address the node may fetch on a steward's word, or ``InvalidBody``.

    ``https://host[:port][/path]`` with a host name or a public IP address, or
    ``http://127.0.0.1:PORT`` (for nodes served on loopback, as in tests); no user
    info, query or fragment.
    """
    if not isinstance(url, str) or not 8 <= len(url) <= 300 or url != url.strip():
        raise InvalidBody("url must be the other node's address, like https://node.example.org")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidBody("url %(url)s is not a URL", url=repr(url)) from None
    host = parts.hostname or ""
    if parts.username or parts.password or parts.query or parts.fragment or "#" in url:
        raise InvalidBody("url must have no user, query or fragment")
    if parts.scheme == "http":
        if host != LOOPBACK_HOST or port is None:
            raise InvalidBody("url must be https:// (http:// only for 127.0.0.1:PORT, in tests)")
        return url.rstrip("/")
    if parts.scheme != "https" or not _HOST.match(host):
        raise InvalidBody("url must be an https:// address")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and not address.is_global:
        raise InvalidBody("url must not name a private, loopback or link-local address")
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        raise InvalidBody("url must not name localhost")
    return url.rstrip("/")


def parse_peer_request(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"url"}``."""
    only(body, {"url"})
    return {"url": check_peer_url(body.get("url"))}


def parse_sync_request(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{}``."""
    only(body, set())
    return {}


def parse_call_request(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"alliance": did, "kind"?, "title", "text"?, "options"}`` (the alliance checks
    the rest)."""
    only(body, {"alliance", "kind", "title", "text", "options"})
    alliance = body.get("alliance")
    if not isinstance(alliance, str) or not _DID.match(alliance):
        raise InvalidBody("alliance must be the DID of a recognised alliance")
    options = body.get("options")
    if (
        not isinstance(options, list)
        or not 1 <= len(options) <= 20
        or not all(isinstance(o, str) and 0 < len(o) <= 40 for o in options)
    ):
        raise InvalidBody("options must be 1 to 20 option labels")
    kind = optional_text(body, "kind", max_length=40) or "network"
    return {
        "alliance": alliance,
        "kind": kind,
        "title": required_text(body, "title", max_length=200),
        "text": optional_text(body, "text", max_length=5000),
        "options": list(options),
    }


def parse_done(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"request": id, "ok": bool, "detail"?, "node"?: did, "vote"?: id}``."""
    only(body, {"request", "ok", "detail", "node", "vote"})
    if not isinstance(body.get("ok"), bool):
        raise InvalidBody("ok must be true or false")
    node = body.get("node")
    if node is not None and (not isinstance(node, str) or not _DID.match(node)):
        raise InvalidBody("node must be a DID")
    vote = body.get("vote")
    return {
        "request": record_id(body, "request"),
        "ok": body["ok"],
        "detail": optional_text(body, "detail", max_length=500),
        "node": node,
        "vote": record_id(body, "vote") if vote is not None else None,
    }


def pending(state: State) -> list[dict[str, Any]]:
    """The requests not carried out yet, oldest first."""
    return sorted(
        (dict(r) for _id, r in state.items(REQUESTS) if r["status"] == PENDING),
        key=lambda r: int(r["id"]),
    )


def _request(kind: str, permission: str) -> Any:
    def apply(state: State, ctx: Context, body: dict[str, Any]) -> None:
        require_permission(state, ctx, permission)
        if len(pending(state)) >= MAX_PENDING:
            raise Conflict(
                "%(n)s requests are already waiting for the node's next sync round", n=MAX_PENDING
            )
        state.put(
            REQUESTS,
            ctx.index,
            {
                "id": ctx.index,
                "kind": kind,
                "body": body,
                "by": ctx.author,
                "at": ctx.received,
                "status": PENDING,
                "outcome": None,
            },
        )

    return apply


def apply_done(state: State, ctx: Context, done: dict[str, Any]) -> None:
    """The node itself records what came of a request."""
    if ctx.author != ctx.node_key:
        raise NotPermitted("only the node itself records what came of a request")
    record = state.get(REQUESTS, done["request"])
    if record is None or record["status"] != PENDING:
        raise Conflict("request %(request)s is not waiting", request=done["request"])
    state.put(
        REQUESTS,
        done["request"],
        {
            **record,
            "status": CARRIED_OUT if done["ok"] else FAILED,
            "outcome": {**done, "at": ctx.received, "index": ctx.index},
        },
    )


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        PEER_REQUESTED,
        "A steward asks the node to fetch another node's identity by its https address.",
        parse_peer_request,
        _request(PEER, RECOGNIZE),
    ),
    EventType(
        SYNC_REQUESTED,
        "A steward asks the node to sync with its peers now.",
        parse_sync_request,
        _request(SYNC, RECOGNIZE),
    ),
    EventType(
        CALL_REQUESTED,
        "A steward asks the node to call a network vote in an alliance it belongs to.",
        parse_call_request,
        _request(CALL, CALL_PERMISSION),
    ),
    EventType(
        DONE,
        "The node records what came of a steward's federation request.",
        parse_done,
        apply_done,
    ),
)
