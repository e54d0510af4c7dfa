"""The commons over HTTP: resources, bookings, rounds, sanctions and standing (reads).

Every commons action — registering, booking, cancelling, entering a round,
reporting, appeals, deposits — is an ordinary signed event for ``POST /v1/events``;
the node logs allocations itself.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from commonweal.node.kernel.service import Node
from commonweal.node.services import commons
from commonweal.web.api import json_response
from commonweal.web.bounds import MAX_INTEGER, Id


def router(node: Node) -> APIRouter:
    """Commons routes over ``node``."""
    api = APIRouter(prefix="/v1/commons")

    @api.get("")
    def resources() -> Response:
        return json_response({"resources": commons.resources(node)})

    @api.get("/bookings")
    def bookings(
        resource: int | None = Query(None, ge=0, le=MAX_INTEGER),
        member: str | None = Query(None),
        include_past: bool = Query(False),
    ) -> Response:
        found = commons.bookings(node, resource=resource, member=member, include_past=include_past)
        return json_response({"bookings": found})

    @api.get("/bookings/{booking_id}")
    def booking(booking_id: Id) -> Response:
        return json_response(commons.booking_view(node, booking_id))

    @api.get("/rounds/{round_id}")
    def allocation_round(round_id: Id) -> Response:
        return json_response(commons.round_view(node, round_id))

    @api.get("/sanctions")
    def sanctions(
        resource: int | None = Query(None, ge=0, le=MAX_INTEGER),
        member: str | None = Query(None),
    ) -> Response:
        return json_response(
            {"sanctions": commons.sanctions(node, resource=resource, member=member)}
        )

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
