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
from commonweal.web.api import json_response, read_route
from commonweal.web.bounds import MAX_INTEGER
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

    read_route(api, node, "/bookings/{booking_id}", "booking", commons.booking_view)
    read_route(api, node, "/rounds/{round_id}", "allocation_round", commons.round_view)

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

    read_route(api, node, "/sanctions/{sanction_id}", "sanction", commons.sanction_view)
    read_route(api, node, "/members/{did}", "standing", commons.standing, kind=str)
    read_route(api, node, "/{resource_id}", "resource", commons.resource_view)

    return api
