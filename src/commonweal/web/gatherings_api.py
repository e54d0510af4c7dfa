"""Gatherings over HTTP: what is coming, what was, who is going and who attended (reads).

Scheduling, RSVPs, check-ins (by organisers, or by attendees with the code shown
at the venue) and revealing the code are signed events for ``POST /v1/events``.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import gatherings
from commonweal.web.api import json_response
from commonweal.web.bounds import Id


def router(node: Node) -> APIRouter:
    """Gathering routes over ``node``."""
    api = APIRouter(prefix="/v1/gatherings")

    @api.get("")
    def listing(when: str = Query("upcoming")) -> Response:
        if when not in gatherings.WHEN:
            raise Rejected("invalid_request", f"when must be one of {', '.join(gatherings.WHEN)}")
        return json_response({"gatherings": gatherings.gatherings(node, when=when)})

    @api.get("/{gathering_id}")
    def gathering(gathering_id: Id) -> Response:
        return json_response(gatherings.gathering_view(node, gathering_id))

    return api
