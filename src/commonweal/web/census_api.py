"""The census over HTTP: every census taken, one by epoch, the network census, a member's proof.

A steward asks for a census with a signed ``census.requested`` event (``POST /v1/events``);
the node takes it within a tick. A member's proof is a read they sign themselves.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from commonweal.core.events import EventError, load_json
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import census, census_network
from commonweal.web.api import json_response, read_limited, read_route

MAX_REQUEST_BYTES = 4096


def router(node: Node) -> APIRouter:
    """Census routes over ``node``."""
    api = APIRouter(prefix="/v1/census")

    @api.get("")
    def censuses() -> Response:
        return json_response(
            {
                "node": node.identity.did,
                "censuses": census.history(node),
                "pending": census.pending(node),
                "every_seconds": census.rhythm(node),
            }
        )

    @api.get("/network")
    def network() -> Response:
        return json_response(census_network.latest(node))

    @api.get("/network/history")
    def network_history() -> Response:
        return json_response({"counts": census_network.history(node)})

    @api.post("/proof")
    async def proof(request: Request) -> Response:
        """``{"did", "at", "sig", "epoch"}`` signed by the member (purpose
        ``commonweal/census-proof``): their salt, commitment and inclusion proof."""
        raw = await read_limited(
            request.headers.get("content-length"), request.stream(), MAX_REQUEST_BYTES
        )
        try:
            document = load_json(raw)
        except EventError as error:
            raise Rejected.from_error(error) from None
        return json_response(census.member_proof(node, document))

    read_route(api, node, "/{epoch}", "entry", census.entry)
    read_route(
        api,
        node,
        "/{epoch}/people",
        "people",
        census.people,
        doc="The nullifiers census ``epoch`` committed to (``people_root`` in the log).",
    )

    return api
