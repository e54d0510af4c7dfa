"""Places over HTTP: this node's places and one place (reads), and the network's places.

Registering, describing and closing a place are signed events for ``POST /v1/events``
(``places.place.registered``, ``.updated``, ``.closed``; docs/places.md).
``/v1/network/places`` answers from what the federation's sync round last fetched from
each recognised node: it never waits for a peer.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from commonweal.node.services import places
from commonweal.node.services.federation import network_places
from commonweal.node.services.federation.service import Federation
from commonweal.web.api import json_response, read_route


def router(federation: Federation) -> APIRouter:
    """Places routes over ``federation``'s node."""
    node = federation.node
    api = APIRouter()

    @api.get("/v1/places")
    def listing(closed: bool = False) -> Response:
        return json_response(places.listing(node, closed=closed))

    read_route(api, node, "/v1/places/{place_id}", "place", places.place_view)

    @api.get("/v1/network/places")
    def network() -> Response:
        return json_response(network_places.network_places(federation))

    return api
