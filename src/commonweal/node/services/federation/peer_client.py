"""A client for what nodes ask of each other: identities, checkpoints, tiles, the witness,
evidence, status lists, network votes — and requests signed with RFC 9421.

Every request that changes something is signed with the caller's node key
(``core.http_signatures.sign_peer_request``): the witness's add-checkpoint,
posted evidence, and the operator's own requests to its node (``commonweal peer …``).
Reads are plain GETs.
"""

from __future__ import annotations

import base64
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
import orjson

from commonweal.core import strict_json
from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import leaf_bytes, parse_event, sign_event
from commonweal.core.http_signatures import sign_peer_request
from commonweal.core.keys import SigningKey
from commonweal.core.merkle import leaf_hash, verify_inclusion
from commonweal.core.rfc3339 import format_utc
from commonweal.core.tiles import tile_path
from commonweal.domain.federation.subtotal_check import AuditFailure

TEXT = "text/plain; charset=utf-8"


@cache
def peer_tls() -> ssl.SSLContext:
    """The TLS settings every client of peers uses: httpx's defaults (certifi's roots, or
    ``SSL_CERT_FILE``), made once — loading the roots takes a third of a second, which
    each new client (a node's federation, a peer's client) would otherwise pay again."""
    return httpx.create_ssl_context()


class PeerError(Exception):
    """A peer did not answer as the protocol says (unreachable, or an error status)."""

    def __init__(self, message: str, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


@dataclass(frozen=True)
class Answer:
    """A peer's answer: status, content type and body text."""

    status: int
    content_type: str
    text: str

    def json(self) -> Any:
        return strict_json.loads(self.text)


class PeerClient:
    """Talks to one node at ``base_url``, signing changes with ``key`` when given."""

    def __init__(
        self,
        base_url: str,
        *,
        key: SigningKey | None = None,
        timeout: float = 10.0,
        http: httpx.Client | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.keyid = did_key_from_public_key(key.public_key) if key is not None else ""
        self.http = http or httpx.Client(
            timeout=timeout,
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
            verify=peer_tls(),
        )
        self._own_http = http is None
        self.now = now

    def close(self) -> None:
        """Release the connections (unless they were lent)."""
        if self._own_http:
            self.http.close()

    def __enter__(self) -> PeerClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- plain reads --------------------------------------------------------------------

    def get(self, path: str, **params: Any) -> httpx.Response:
        """GET ``path``; a transport failure becomes :class:`PeerError`."""
        try:
            return self.http.get(self.base_url + path, params=params or None)
        except httpx.HTTPError as error:
            raise PeerError(f"{self.base_url}{path}: {error}") from None

    def get_ok(self, path: str, **params: Any) -> httpx.Response:
        """GET ``path`` and insist on 200."""
        response = self.get(path, **params)
        if response.status_code != 200:
            raise PeerError(
                f"{self.base_url}{path} answered {response.status_code}",
                response.status_code,
                response.text[:500],
            )
        return response

    def get_json(self, path: str, **params: Any) -> Any:
        return strict_json.loads(self.get_ok(path, **params).content)

    def identity(self) -> dict[str, Any]:
        """The node's ``/.well-known/commonweal`` document."""
        document: dict[str, Any] = self.get_json("/.well-known/commonweal")
        return document

    def checkpoint(self, prefix: str = "/log") -> str:
        """The latest checkpoint note (with any cosignatures) under ``prefix``."""
        return self.get_ok(f"{prefix}/checkpoint").text

    def entry_bundle(self, index: int, width: int, prefix: str = "/log") -> bytes:
        """Entry bundle ``index`` of ``width`` entries (partial below 256)."""
        path = tile_path("entries", index, None if width == 256 else width)
        return self.get_ok(f"{prefix}/{path}").content

    # -- signed changes -----------------------------------------------------------------

    def post_signed(self, path: str, body: bytes, content_type: str) -> Answer:
        """POST ``body`` signed with RFC 9421 by this client's key."""
        if self.key is None:
            raise PeerError("this client has no key to sign with")
        url = self.base_url + path
        headers = sign_peer_request("POST", url, body, self.key, self.keyid, now=int(self.now()))
        headers["Content-Type"] = content_type
        try:
            response = self.http.post(url, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise PeerError(f"{url}: {error}") from None
        return Answer(response.status_code, response.headers.get("content-type", ""), response.text)

    def post_signed_json(self, path: str, document: Any) -> Answer:
        """POST a JSON document, signed."""
        return self.post_signed(path, orjson.dumps(document), "application/json")

    def add_checkpoint(self, body: str) -> Answer:
        """C2SP tlog-witness ``add-checkpoint`` (signed, as Commonweal witnesses require)."""
        return self.post_signed("/witness/add-checkpoint", body.encode(), TEXT)

    # -- acting in the peer's log as this node (a member node in its alliance) -----------

    def submit_as(self, key: SigningKey, event_type: str, body: dict[str, Any]) -> dict[str, Any]:
        """Sign an event with ``key`` for the peer's log, with the next ``seq``, and submit it.

        The same key may be signing for that log elsewhere at the same moment (a node's
        own sync round, beside its operator's command): a ``seq`` taken meanwhile is read
        again and the event signed anew, a few times."""
        author = did_key_from_public_key(key.public_key)
        node = self.identity()["did"]
        for _attempt in range(SEQ_ATTEMPTS):
            seq = int(self.get_json(f"/v1/authors/{author}")["last_seq"]) + 1
            at = format_utc_now(self.now())
            event = sign_event(key, type=event_type, node=node, seq=seq, at=at, body=body)
            try:
                response = self.http.post(self.base_url + "/v1/events", content=orjson.dumps(event))
            except httpx.HTTPError as error:
                raise PeerError(f"{self.base_url}/v1/events: {error}") from None
            if response.status_code != 409 or _problem_code(response) not in SEQ_TAKEN:
                break
        if response.status_code >= 400:
            raise PeerError(
                f"the peer refused {event_type}: {response.text[:300]}",
                response.status_code,
                response.text,
            )
        receipt: dict[str, Any] = strict_json.loads(response.content)
        return receipt


def format_utc_now(now: float) -> str:
    """``now`` (seconds since the epoch) as an RFC 3339 UTC time."""
    from datetime import UTC, datetime

    return format_utc(datetime.fromtimestamp(now, UTC))


def proven_entry(client: PeerClient, index: int, size: int, root: bytes) -> dict[str, Any]:
    """Entry ``index`` of the log ``client`` serves, proven included under the checkpoint
    of ``size`` and ``root``: its type, author, body, receipt time and leaf hash."""
    logged = client.get_json(f"/v1/events/{index}")
    event = parse_event(logged["event"])
    leaf = leaf_bytes(event.canonical, logged["received"])
    digest = leaf_hash(leaf)
    if base64.b64encode(digest).decode() != logged["leaf_hash"]:
        raise AuditFailure(f"entry {index}: the leaf hash served is not the entry's")
    proof = client.get_json("/v1/proof/inclusion", index=index, size=size)["proof"]
    verify_inclusion(index, size, digest, [base64.b64decode(h) for h in proof], root)
    return {
        "type": event.type,
        "author": event.author,
        "body": event.body,
        "received": logged["received"],
        "index": index,
        "leaf_hash": logged["leaf_hash"],
    }


SEQ_ATTEMPTS = 3
"""How many times :meth:`PeerClient.submit_as` signs again when its ``seq`` was taken."""
SEQ_TAKEN = frozenset({"seq_replayed", "seq_out_of_order"})


def _problem_code(response: httpx.Response) -> str:
    """The ``code`` of a problem document, or "" when the body is not one."""
    try:
        return str(orjson.loads(response.content).get("code", ""))
    except (orjson.JSONDecodeError, AttributeError):
        return ""
