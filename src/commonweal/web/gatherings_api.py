"""Gatherings over HTTP: what is coming, what was, who is going and who attended (reads).

Scheduling, RSVPs, check-ins (by organisers, or by attendees with the code shown
at the venue) and revealing the code are signed events for ``POST /v1/events``.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import gatherings, listings
from commonweal.web.api import read_route
from commonweal.web.paging import CURSOR, decode_cursor, limit_query, paged


def router(node: Node) -> APIRouter:
    """Gathering routes over ``node``."""
    api = APIRouter(prefix="/v1/gatherings")

    @api.get("")
    def listing(
        request: Request,
        when: str = Query("upcoming"),
        cursor: str | None = CURSOR,
        limit: int = limit_query(100, listings.MAX_PAGE),
    ) -> Response:
        """A page of gatherings by start time; ``next`` names the following page."""
        if when not in gatherings.WHEN:
            raise Rejected(
                "invalid_request", "when must be one of %(when)s", when=", ".join(gatherings.WHEN)
            )
        after = decode_cursor(cursor, (str, int)) if cursor is not None else None
        found, following = listings.gathering_list(node, when=when, after=after, limit=limit)
        return paged(request, "gatherings", found, following)

    read_route(api, node, "/{gathering_id}", "gathering", gatherings.gathering_view)

    return api
