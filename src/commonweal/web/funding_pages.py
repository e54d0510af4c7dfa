"""Pages for funding: the rounds and pools, a quadratic-funding round, a conviction pool.

Contributing, entering projects, opening rounds and pools, funding a pool,
proposing and staking are signed forms (``static/js/round-page.js`` turns typed
amounts into minor units); the node closes rounds and pays passed proposals.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from commonweal.core.language import _
from commonweal.domain.funding.pools import DEFAULTS
from commonweal.domain.funding.rounds import MAX_DAYS
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import funding as round_views
from commonweal.node.read_models.amounts import money
from commonweal.web.bounds import Id
from commonweal.web.funding_charts import bars, conviction_chart, progress_bar
from commonweal.web.rendering import page_router, render, viewer

CHARTS: dict[str, Any] = {
    "bars": bars,
    "conviction_chart": conviction_chart,
    "progress_bar": progress_bar,
}


def router(node: Node) -> APIRouter:
    """Funding pages over ``node``."""
    pages = page_router()

    @pages.get("/rounds", response_class=HTMLResponse)
    def listing(request: Request) -> HTMLResponse:
        return render(
            request,
            node,
            "rounds.html",
            {
                **round_views.listing(node),
                "max_days": MAX_DAYS,
                "defaults": DEFAULTS,
                "methods": round_views.METHOD_WORDS,
            },
        )

    @pages.get("/rounds/{round_id}", response_class=HTMLResponse)
    def round_page(request: Request, round_id: Id) -> HTMLResponse:
        me = viewer(request, node)
        page = round_views.round_page(node, round_id, me["did"] if me else None)
        if "round" not in page:
            return render(request, node, "pool.html", {**page, **CHARTS}, me=me)
        unit, units = page["round"]["unit"], page["units"]
        rows = [(p["title"], p["match"], money(p["match"], unit, units)) for p in page["projects"]]

        def chart() -> Markup:
            # drawn while the page renders, so its title is in the reader's language
            return bars(_("Match per project"), rows)

        return render(request, node, "round.html", {**page, "match_chart": chart}, me=me)

    return pages
