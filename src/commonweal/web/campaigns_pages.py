"""Pages for campaigns: the list, one campaign with its pledges and outcome, and launching.

Another node's network campaign that this node carries has a page of its own
(``/campaigns/carried/<id>?home=<did>``) where members pledge to it here.

Launching, pledging, withdrawing a pledge and cancelling are signed forms
(amounts typed in the unit's decimals are turned into minor units in the browser,
``static/js/campaign-page.js``); the node closes each campaign at its deadline.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.domain.campaigns.events import MAX_DAYS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.read_models import campaigns as campaign_views
from commonweal.node.read_models.amounts import declared_units
from commonweal.node.services import campaigns
from commonweal.node.services.federation.service import Federation
from commonweal.web.bounds import Id
from commonweal.web.funding_charts import progress_bar
from commonweal.web.rendering import page_router, render, signed_in, viewer


def router(federation: Federation) -> APIRouter:
    """Campaign pages over ``federation``'s node."""
    node = federation.node
    pages = page_router()

    @pages.get("/campaigns", response_class=HTMLResponse)
    def listing(request: Request, status: str | None = None) -> HTMLResponse:
        status = status or None
        if status is not None and status not in campaigns.STATUSES:
            raise Rejected(
                "invalid_request",
                "status must be one of %(statuses)s",
                statuses=", ".join(campaigns.STATUSES),
            )
        found = campaign_views.listing(node, status=status, federation=federation)
        return render(
            request,
            node,
            "campaigns.html",
            {
                **found,
                "status": status,
                "statuses": campaign_views.STATUS_WORDS,
                "progress_bar": progress_bar,
            },
        )

    @pages.get("/campaigns/new", response_class=HTMLResponse)
    def launch(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "launch a campaign")
        return render(
            request,
            node,
            "campaign-new.html",
            {"units": declared_units(node), "max_days": MAX_DAYS},
            me=me,
        )

    @pages.get("/campaigns/carried/{campaign_id}", response_class=HTMLResponse)
    def carried(request: Request, campaign_id: Id, home: str) -> HTMLResponse:
        me = viewer(request, node)
        page = campaign_views.carried_page(
            node, federation, home, campaign_id, me["did"] if me else None
        )
        context = {**page, "progress_bar": progress_bar}
        return render(request, node, "campaign-carried.html", context, me=me)

    @pages.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
    def campaign(request: Request, campaign_id: Id) -> HTMLResponse:
        me = viewer(request, node)
        page = campaign_views.campaign_page(node, campaign_id, me["did"] if me else None)
        return render(request, node, "campaign.html", {**page, "progress_bar": progress_bar}, me=me)

    return pages
