"""Mutual aid over HTTP: listings, matches, relayed messages and the signed inbox.

Posting, claiming, answering, releasing, fulfilling and settling are ordinary
signed events for ``POST /v1/events``. A message goes to ``/v1/aid/messages``
beside the event that commits to it, so its text never reaches the log.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import aid, listings
from commonweal.web.api import json_body, json_response, read_body, read_route, receipt_json
from commonweal.web.bounds import MAX_DISTANCE_KM, Id
from commonweal.web.paging import CURSOR, decode_cursor, limit_query, paged

MAX_MESSAGE_BYTES = 80_000
KINDS = ("request", "offer")
STATUSES = ("open", "expired", "claimed", "fulfilled", "settled", "withdrawn")


def router(node: Node) -> APIRouter:
    """Aid routes over ``node``."""
    api = APIRouter(prefix="/v1/aid")

    @api.get("/posts")
    def posts(
        request: Request,
        kind: str | None = Query(None),
        status: str | None = Query(None),
        category: str | None = Query(None),
        near: str | None = Query(None, description="a geohash cell"),
        within_km: int | None = Query(None, ge=0, le=MAX_DISTANCE_KM),
        cursor: str | None = CURSOR,
        limit: int = limit_query(100, listings.MAX_PAGE),
    ) -> Response:
        """A page of posts, newest first; ``next`` names the following page."""
        if kind is not None and kind not in KINDS:
            raise Rejected("invalid_request", "kind must be request or offer")
        if status is not None and status not in STATUSES:
            raise Rejected(
                "invalid_request",
                "status must be one of %(statuses)s",
                statuses=", ".join(STATUSES),
            )
        found, last = listings.aid_posts(
            node,
            kind=kind,
            status=status,
            category=category,
            near=near,
            within_km=within_km,
            before=decode_cursor(cursor, (int,))[0] if cursor is not None else None,
            limit=limit,
        )
        return paged(request, "posts", found, None if last is None else (last,))

    read_route(api, node, "/posts/{post_id}", "post", aid.post_view)

    @api.get("/posts/{post_id}/matches")
    def matches(
        post_id: Id, within_km: int | None = Query(None, ge=0, le=MAX_DISTANCE_KM)
    ) -> Response:
        return json_response({"matches": aid.matches(node, post_id, within_km)})

    @api.post("/messages", status_code=201)
    async def message(request: Request) -> Response:
        """``{"event": <signed aid.message.relayed>, "message": {"text"}, "salt"}``."""
        document = await _document(request, {"event", "message", "salt"})
        receipt = await run_in_threadpool(
            aid.relay, node, document["event"], document["message"], document["salt"]
        )
        return json_response(receipt_json(receipt), 201)

    @api.post("/inbox")
    async def inbox(request: Request) -> Response:
        """``{"did", "at", "sig"}`` signed by the member: their messages, sent and received."""
        document = await _document(request, {"did", "at", "sig"})
        return json_response({"messages": aid.inbox(node, document)})

    return api


async def _document(request: Request, members: set[str]) -> dict[str, object]:
    raw = await read_body(request, MAX_MESSAGE_BYTES)
    document = json_body(raw)
    if not isinstance(document, dict) or set(document) != members:
        raise Rejected(
            "invalid_request", "the body is {%(members)s}", members=", ".join(sorted(members))
        )
    return document
