"""Carrying out stewards' signed requests (``domain/federation/requests.py``) on a sync round.

A steward cannot sign with the node's key, which stays on the server; instead they
log a request, and the node does the act on its next round and logs what came of
it (``federation.request.done``). The server fetches an address on a steward's word
only here, and only as docs/security.md says: an ``https://`` address (or
``http://127.0.0.1:PORT`` when this node is itself served on 127.0.0.1), one GET of
``/.well-known/commonweal``, no redirects followed, the answer read up to
:data:`MAX_IDENTITY_BYTES`, within the peer timeout. What a failure logs is coarse
("could not fetch a Commonweal identity there"), so the log is no port scanner.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from commonweal.core import strict_json
from commonweal.domain.errors import DomainError
from commonweal.domain.federation import requests as rules
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.public_url import public_url_of
from commonweal.node.services.federation.peer_client import PeerClient, PeerError
from commonweal.node.services.federation.service import Federation, log

MAX_IDENTITY_BYTES = 64 * 1024
IDENTITY_FIELDS = ("did", "key", "origin", "vkey", "witness")
UNREACHABLE = "could not fetch a Commonweal identity document there"


def pending(federation: Federation) -> list[dict[str, Any]]:
    """The requests waiting, oldest first."""
    with federation.node.reading() as state:
        return rules.pending(state)


def listing(federation: Federation, limit: int = 50) -> list[dict[str, Any]]:
    """The latest requests and what came of them, newest first."""
    with federation.node.reading() as state:
        records = [dict(record) for _id, record in state.items(rules.REQUESTS)]
    return sorted(records, key=lambda r: -int(r["id"]))[:limit]


def carry_out(federation: Federation) -> list[dict[str, Any]]:
    """Do every waiting peer and call request; log each outcome. Sync requests wait for
    :func:`finish_syncs`, after the round they asked for."""
    outcomes = []
    for request in pending(federation):
        if request["kind"] == rules.PEER:
            outcome = _add_peer(federation, request["body"]["url"])
        elif request["kind"] == rules.CALL:
            outcome = _call(federation, request["body"])
        else:
            continue
        outcomes.append(_done(federation, request["id"], outcome))
    return outcomes


def waiting_syncs(federation: Federation) -> list[int]:
    """The sync requests waiting as a round starts (the ones it answers)."""
    return [r["id"] for r in pending(federation) if r["kind"] == rules.SYNC]


def finish_syncs(
    federation: Federation, asked: list[int], report: dict[str, Any]
) -> list[dict[str, Any]]:
    """Log the sync requests ``asked`` before the round as done by it (``report``)."""
    peers = report.get("peers", {})
    failed = sum(1 for entry in peers.values() if entry.get("errors"))
    detail = f"synced with {len(peers)} recognised node(s); {failed} with errors"
    return [_done(federation, request_id, {"ok": True, "detail": detail}) for request_id in asked]


def _done(federation: Federation, request_id: int, outcome: dict[str, Any]) -> dict[str, Any]:
    body = {"request": request_id, **{k: v for k, v in outcome.items() if v is not None}}
    try:
        federation.node.submit_as_node(rules.DONE, body)
    except Rejected:  # another process logged it first
        log.warning("request %s was already answered", request_id)
    return body


def loopback_allowed(federation: Federation) -> bool:
    """Whether this node is served on 127.0.0.1 (a test or development node)."""
    return urlsplit(public_url_of(federation.node)).hostname == rules.LOOPBACK_HOST


def _add_peer(federation: Federation, url: str) -> dict[str, Any]:
    try:
        url = rules.check_peer_url(url)
    except DomainError as error:
        return {"ok": False, "detail": str(error)}
    if url.startswith("http://") and not loopback_allowed(federation):
        return {"ok": False, "detail": "http://127.0.0.1 is followed only by a node served there"}
    identity = fetch_identity(federation, url)
    if identity is None:
        return {"ok": False, "detail": UNREACHABLE}
    federation.store.put_peer(
        identity["did"], url, orjson.dumps(identity).decode(), federation.stamp()
    )
    log.info("added the node at %s (%s) on a steward's request", url, identity["did"])
    name = identity.get("name") or identity["did"]
    return {"ok": True, "detail": f"added {name}", "node": identity["did"]}


def fetch_identity(federation: Federation, url: str) -> dict[str, Any] | None:
    """``url``'s identity document, read within the bounds above; None if it is not one."""
    try:
        with federation.http.stream(
            "GET", url + "/.well-known/commonweal", follow_redirects=False
        ) as response:
            if response.status_code != 200:
                return None
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_IDENTITY_BYTES:
                    return None
        document = strict_json.loads(body)
    except (httpx.HTTPError, ValueError):
        return None
    if not isinstance(document, dict) or not all(
        isinstance(document.get(k), str) and document[k] for k in IDENTITY_FIELDS
    ):
        return None
    return document


def _call(federation: Federation, request: dict[str, Any]) -> dict[str, Any]:
    alliance = federation.recognition_by("node", request["alliance"])
    if alliance is None or not alliance["terms"]["alliance"]:
        return {"ok": False, "detail": "that node is not an alliance this node recognises"}
    client = PeerClient(alliance["url"], http=federation.http, now=_now(federation))
    try:
        constitution = client.get_json("/v1/constitution")["constitution"]
        charter = constitution.get("alliance")
        rules_of_kind = constitution["kinds"].get(request["kind"])
        if not isinstance(charter, dict) or not isinstance(rules_of_kind, dict):
            return {"ok": False, "detail": f"the alliance has no kind {request['kind']!r}"}
        body = {
            "kind": request["kind"],
            "title": request["title"],
            "text": request["text"],
            "options": request["options"],
            "method": rules_of_kind["method"],
            "method_options": rules_of_kind["options"],
            "voting_seconds": charter["voting_seconds"],
            "weighting": charter["weighting"],
        }
        receipt = client.submit_as(
            federation.node.identity.key, "federation.network_vote.called", body
        )
    except PeerError as error:
        return {"ok": False, "detail": f"the alliance refused: {_refusal(error)}"[:500]}
    except (KeyError, TypeError, ValueError):
        return {"ok": False, "detail": "the alliance's constitution could not be read"}
    where = alliance["name"] or alliance["node"]
    return {"ok": True, "detail": f"called at {where}", "vote": int(receipt["index"])}


def _refusal(error: PeerError) -> str:
    try:
        problem = strict_json.loads(error.body)
        return str(problem.get("detail") or problem.get("code") or error)
    except (ValueError, AttributeError):
        return str(error)


def _now(federation: Federation) -> Any:
    return lambda: federation.node.clock().timestamp()
