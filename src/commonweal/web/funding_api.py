"""Funding rounds over HTTP (reads): quadratic-funding rounds and conviction pools.

Opening, entering projects, contributing, funding pools, proposing and staking
are ordinary signed events for ``POST /v1/events``; the node closes rounds and
pays passed proposals itself.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from commonweal.node.kernel.service import Node
from commonweal.node.services import funding as rounds
from commonweal.web.api import json_response, read_route
from commonweal.web.bounds import Id


def router(node: Node) -> APIRouter:
    """Round and pool routes over ``node``."""
    api = APIRouter(prefix="/v1/rounds")

    @api.get("")
    def listing() -> Response:
        return json_response({"rounds": rounds.rounds(node)})

    read_route(api, node, "/{round_id}", "round_view", rounds.round_view)

    @api.get("/{pool_id}/stakes/{did}")
    def stakes(pool_id: Id, did: str) -> Response:
        return json_response(rounds.stakes(node, pool_id, did))

    return api
