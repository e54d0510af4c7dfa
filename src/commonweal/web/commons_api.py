"""The commons over HTTP: resources, bookings, rounds, sanctions and standing (reads).

Every commons action — registering, booking, cancelling, entering a round,
reporting, appeals, deposits — is an ordinary signed event for ``POST /v1/events``;
the node logs allocations itself.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from commonweal.node.kernel.service import Node
from commonweal.node.services import commons, listings
from commonweal.web.api import json_response
from commonweal.web.bounds import MAX_INTEGER, Id
from commonweal.web.paging import CURSOR, decode_cursor, limit_query, paged

BOOKING_CURSOR = (str, int, int, int)
"""A booking's place in the list: its start, resource, unit and id."""


def router(node: Node) -> APIRouter:
    """Commons routes over ``node``."""
    api = APIRouter(prefix="/v1/commons")

    @api.get("")
    def resources() -> Response:
        return json_response({"resources": commons.resources(node)})

    @api.get("/bookings")
    def bookings(
        request: Request,
        resource: int | None = Query(None, ge=0, le=MAX_INTEGER),
        member: str | None = Query(None),
        include_past: bool = Query(False),
        cursor: str | None = CURSOR,
        limit: int = limit_query(100, listings.MAX_PAGE),
    ) -> Response:
        """A page of bookings by start time; ``next`` names the following page."""
        after = decode_cursor(cursor, BOOKING_CURSOR) if cursor is not None else None
        found, following = listings.bookings(
            node,
            resource=resource,
            member=member,
            include_past=include_past,
            after=after,
            limit=limit,
        )
        return paged(request, "bookings", found, following)

    @api.get("/bookings/{booking_id}")
    def booking(booking_id: Id) -> Response:
        return json_response(commons.booking_view(node, booking_id))

    @api.get("/rounds/{round_id}")
    def allocation_round(round_id: Id) -> Response:
        return json_response(commons.round_view(node, round_id))

    @api.get("/sanctions")
    def sanctions(
        request: Request,
        resource: int | None = Query(None, ge=0, le=MAX_INTEGER),
        member: str | None = Query(None),
        cursor: str | None = CURSOR,
        limit: int = limit_query(100, listings.MAX_PAGE),
    ) -> Response:
        """A page of sanctions, newest first; ``next`` names the following page."""
        before = decode_cursor(cursor, (int,))[0] if cursor is not None else None
        found, last = listings.sanctions(
            node, resource=resource, member=member, before=before, limit=limit
        )
        return paged(request, "sanctions", found, None if last is None else (last,))

    @api.get("/sanctions/{sanction_id}")
    def sanction(sanction_id: Id) -> Response:
        return json_response(commons.sanction_view(node, sanction_id))

    @api.get("/members/{did}")
    def standing(did: str) -> Response:
        return json_response(commons.standing(node, did))

    @api.get("/{resource_id}")
    def resource(resource_id: Id) -> Response:
        return json_response(commons.resource_view(node, resource_id))

    return api
