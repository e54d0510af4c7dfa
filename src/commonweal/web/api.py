"""The v1 wire API: submit events, read them, and prove things about the log."""

from __future__ import annotations

import base64
import inspect
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from commonweal.core.events import EventError, load_json
from commonweal.node.kernel import queries
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.public_url import public_url_of
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.read_models import receipts
from commonweal.web.bounds import MAX_INTEGER, Id
from commonweal.web.paging import (
    CURSOR,
    decode_cursor,
    encode_cursor,
    limit_query,
    link_header,
    paged,
)
from commonweal.web.submitter import Admit, Submitter

MAX_EVENT_BODY = 65_536
MAX_BATCH_BYTES = 8 * 1024 * 1024


def json_response(value: Any, status: int = 200) -> Response:
    """JSON with bytes shown as standard base64 (as C2SP formats do)."""
    return Response(
        orjson.dumps(value, default=_b64), status_code=status, media_type="application/json"
    )


def read_route(
    api: APIRouter,
    node: Node,
    path: str,
    name: str,
    view: Callable[[Node, Any], Any],
    *,
    kind: Any = Id,
    doc: str | None = None,
) -> None:
    """Serve ``GET path``, a path with one parameter (an :data:`Id` unless ``kind`` says
    otherwise): the JSON of ``view(node, parameter)``. ``name`` names the route (the
    OpenAPI document's operation and summary), ``doc`` describes it."""
    (parameter,) = re.findall(r"{(\w+)}", path)

    def endpoint(**values: Any) -> Response:
        return json_response(view(node, values[parameter]))

    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(parameter, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=kind)],
        return_annotation=Response,
    )
    endpoint.__doc__ = doc
    endpoint.__name__ = endpoint.__qualname__ = name
    api.add_api_route(path, endpoint, methods=["GET"], name=name)


def _b64(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def receipt_json(receipt: Receipt) -> dict[str, Any]:
    """A receipt as the API returns it."""
    return {
        "index": receipt.index,
        "leaf_hash": receipt.leaf_hash,
        "received": receipt.received,
        "duplicate": receipt.duplicate,
    }


def json_body(raw: bytes) -> Any:
    """A request body read as JSON the node's way (strict, I-JSON, no duplicate members);
    a body that is not is refused with the reason."""
    try:
        return load_json(raw)
    except EventError as error:
        raise Rejected.from_error(error) from None


def json_object(raw: bytes, *required: str) -> dict[str, Any]:
    """A request body that must be a JSON object with the ``required`` members."""
    value = json_body(raw)
    if not isinstance(value, dict) or any(k not in value for k in required):
        raise Rejected(
            "invalid_request", "the request needs %(required)s", required=", ".join(required)
        )
    return value


async def submit_event(submitter: Submitter, raw: bytes, admit: Admit | None = None) -> Response:
    """``POST /v1/events``: one event; 201 with its receipt, 200 for a duplicate."""
    receipt = await submitter.submit(raw, admit)
    return json_response(receipt_json(receipt), 200 if receipt.duplicate else 201)


async def submit_events(submitter: Submitter, raw: bytes, admit: Admit | None = None) -> Response:
    """``POST /v1/events/batch``: ``{"events": [...]}``, all appended or none."""
    document = json_body(raw)
    if not isinstance(document, dict) or set(document) != {"events"}:
        raise Rejected("invalid_batch", 'a batch is {"events": [<event>, ...]}')
    events = document["events"]
    if not isinstance(events, list):
        raise Rejected("invalid_batch", "events must be an array")
    receipts = await submitter.submit_batch(events, admit)
    status = 200 if all(r.duplicate for r in receipts) else 201
    return json_response({"receipts": [receipt_json(r) for r in receipts]}, status)


CHECK_MEMBERS = frozenset({"type", "author", "body", "at"})


def check_request(raw: bytes) -> dict[str, Any]:
    """The body of ``POST /v1/events/check``: ``{"type", "author", "body", "at"?}``."""
    try:
        document = load_json(raw)
    except EventError as error:
        raise Rejected.from_error(error) from None
    if not isinstance(document, dict) or not {"type", "author", "body"} <= set(document):
        raise Rejected(
            "invalid_request", 'a check is {"type", "author", "body", "at"?}: an unsigned event'
        )
    extra = sorted(set(document) - CHECK_MEMBERS)
    if extra:
        raise Rejected("invalid_request", "a check has no member %(extra)s", extra=repr(extra[0]))
    for name in ("type", "author", "at"):
        if name in document and not isinstance(document[name], str):
            raise Rejected("invalid_request", "%(name)s must be a string", name=name)
    if not isinstance(document["body"], dict):
        raise Rejected("invalid_request", "body must be a JSON object")
    return document


def router(node: Node, submitter: Submitter) -> APIRouter:
    """Routes over ``node``; submissions go through ``submitter``."""
    api = APIRouter()

    @api.get("/.well-known/commonweal")
    def well_known() -> Response:
        return json_response(
            {
                "protocol": "commonweal/v1",
                "did": node.identity.did,
                "name": queries.profile(node).get("name", ""),
                "url": public_url_of(node),
                "origin": node.identity.origin,
                "vkey": node.identity.vkey,
                "key": node.identity.key_did,
                "witness": node.identity.witness.vkey,
                "federation": "/v1/federation",
                "log": "/log/",
                "size": node.size,
            }
        )

    # The submission routes are served by web.edge in front of this app (the same
    # handlers, without the framework's per-request cost); they stay here so that
    # the OpenAPI document describes them and the app works without the edge.
    @api.post("/v1/events", status_code=201)
    async def submit(request: Request) -> Response:
        return await submit_event(submitter, await read_body(request, MAX_EVENT_BODY))

    @api.post("/v1/events/batch", status_code=201)
    async def submit_batch(request: Request) -> Response:
        return await submit_events(submitter, await read_body(request, MAX_BATCH_BYTES))

    @api.post("/v1/events/check")
    async def check(request: Request) -> Response:
        """Would this unsigned event be accepted now? Nothing is written (node.dry_run)."""
        asked = check_request(await read_body(request, MAX_EVENT_BODY))
        verdict = await run_in_threadpool(
            node.check, asked["type"], asked["author"], asked["body"], at=asked.get("at")
        )
        return json_response(verdict.as_json())

    @api.get("/v1/events")
    def list_events(
        request: Request,
        start: int = Query(0, ge=0, le=MAX_INTEGER),
        cursor: str | None = CURSOR,
        limit: int = limit_query(100, 1000),
    ) -> Response:
        """Entries in log order from ``start`` (or the ``next`` cursor of the page before)."""
        if cursor is not None:
            start = int(decode_cursor(cursor, (int,))[0])
        events = queries.events_page(node, start, limit)
        size = node.size
        following = encode_cursor([start + limit]) if start + limit < size else None
        response = json_response(
            {"size": size, "events": [_logged(e) for e in events], "next": following}
        )
        response.headers.update(link_header(request, following))
        return response

    @api.get("/v1/events/{index}")
    def get_event(index: Id) -> Response:
        return json_response(_logged(queries.logged_event(node, index)))

    @api.get("/v1/authors/{did}")
    def author(did: str) -> Response:
        return json_response({"author": did, "last_seq": queries.last_seq(node, did)})

    @api.get("/v1/authors/{did}/events")
    def author_events(
        request: Request, did: str, cursor: str | None = CURSOR, limit: int = limit_query(50, 500)
    ) -> Response:
        """The entries ``did`` signed, newest first; ``next`` names the following page."""
        below = int(decode_cursor(cursor, (int,))[0]) if cursor is not None else None
        found = receipts.by_author(node, did, limit + 1, below_seq=below)
        more = len(found) > limit
        shown = found[:limit]
        position = (shown[-1].event["seq"],) if more else None
        return paged(request, "events", [_logged(e) for e in shown], position)

    @api.get("/v1/proof/inclusion")
    def inclusion(
        index: int = Query(..., ge=0, le=MAX_INTEGER),
        size: int | None = Query(None, ge=0, le=MAX_INTEGER),
    ) -> Response:
        return json_response(queries.inclusion(node, index, size))

    @api.get("/v1/proof/consistency")
    def consistency(
        old: int = Query(..., ge=0, le=MAX_INTEGER),
        new: int | None = Query(None, ge=0, le=MAX_INTEGER),
    ) -> Response:
        return json_response(queries.consistency(node, old, new))

    @api.get("/v1/receipts/{index}")
    def receipt(index: Id) -> Response:
        return Response(queries.tlog_proof(node, index), media_type="text/plain; charset=utf-8")

    @api.get("/v1/checkpoints")
    def checkpoints() -> Response:
        rows = node.store.all_checkpoints()
        return json_response(
            {
                "checkpoints": [
                    {"size": r.size, "signed_at": r.signed_at, "note": r.note} for r in rows
                ]
            }
        )

    return api


def _logged(logged: queries.LoggedEvent) -> dict[str, Any]:
    return {
        "index": logged.index,
        "leaf_hash": logged.leaf_hash,
        "received": logged.received,
        "event": logged.event,
    }


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refusing more than ``limit`` bytes before reading it all."""
    return await read_limited(request.headers.get("content-length"), request.stream(), limit)


async def read_limited(declared: str | None, chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """Collect a body of at most ``limit`` bytes, or refuse it as too large."""
    too_large = Rejected(
        "event_too_large", "the request body may be at most %(limit)s bytes", limit=limit
    )
    if declared is not None and _declares_more_than(declared, limit):
        raise too_large
    parts = []
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise too_large
        parts.append(chunk)
    return b"".join(parts)


def _declares_more_than(declared: str, limit: int) -> bool:
    """Whether a Content-Length header declares more than ``limit`` bytes (any length of
    ASCII digits; anything else is left to the body's own count)."""
    digits = declared.strip()
    if not (digits.isascii() and digits.isdigit()):
        return False
    digits = digits.lstrip("0") or "0"
    return len(digits) > len(str(limit)) or int(digits) > limit
