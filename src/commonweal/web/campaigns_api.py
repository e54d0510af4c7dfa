"""Campaigns over HTTP (reads): every campaign, its pledges, who is owed what, its postings.

Launching, pledging, withdrawing a pledge and cancelling are ordinary signed
events for ``POST /v1/events``; the node closes campaigns at their deadlines.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from commonweal.node import campaigns
from commonweal.node.errors import Rejected
from commonweal.node.service import Node
from commonweal.web.api import json_response


def router(node: Node) -> APIRouter:
    """Campaign routes over ``node``."""
    api = APIRouter(prefix="/v1/campaigns")

    @api.get("")
    def listing(status: str | None = Query(None)) -> Response:
        if status is not None and status not in campaigns.STATUSES:
            raise Rejected(
                "invalid_request", f"status must be one of {', '.join(campaigns.STATUSES)}"
            )
        return json_response({"campaigns": campaigns.campaigns(node, status=status)})

    @api.get("/{campaign_id}")
    def campaign(campaign_id: int) -> Response:
        return json_response(campaigns.campaign_view(node, campaign_id))

    @api.get("/{campaign_id}/postings")
    def postings(campaign_id: int) -> Response:
        return json_response(campaigns.postings(node, campaign_id))

    return api
