"""Campaigns over HTTP (reads): every campaign, its pledges, who is owed what, its postings,
and the other nodes' network campaigns this node carries.

Launching, pledging, withdrawing a pledge and cancelling are ordinary signed
events for ``POST /v1/events``; the node closes campaigns at their deadlines.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from commonweal.node.kernel.errors import Rejected
from commonweal.node.services import campaigns
from commonweal.node.services.federation import campaign_counts
from commonweal.node.services.federation.service import Federation
from commonweal.web.api import json_response, read_route
from commonweal.web.bounds import Id


def router(federation: Federation) -> APIRouter:
    """Campaign routes over ``federation``'s node."""
    node = federation.node
    api = APIRouter(prefix="/v1/campaigns")

    def with_count(copy: dict[str, Any]) -> dict[str, Any]:
        """A carried campaign with its count across the network as this node knows it."""
        return {**copy, "network": campaign_counts.network_count(federation, copy)}

    @api.get("")
    def listing(status: str | None = Query(None), network: bool = Query(False)) -> Response:
        if status is not None and status not in campaigns.STATUSES:
            raise Rejected(
                "invalid_request",
                "status must be one of %(statuses)s",
                statuses=", ".join(campaigns.STATUSES),
            )
        found = campaigns.campaigns(node, status=status, network_only=network)
        return json_response({"campaigns": found})

    @api.get("/carried")
    def carried() -> Response:
        found = campaigns.carried_campaigns(node)
        return json_response({"carried": [with_count(c) for c in found]})

    @api.get("/carried/{campaign_id}")
    def carried_one(campaign_id: Id, home: str = Query(...)) -> Response:
        return json_response(with_count(campaigns.carried_view(node, home, campaign_id)))

    read_route(api, node, "/{campaign_id}", "campaign", campaigns.campaign_view)
    read_route(api, node, "/{campaign_id}/postings", "postings", campaigns.postings)

    return api
