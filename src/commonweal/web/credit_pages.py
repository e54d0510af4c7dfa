"""Pages for mutual credit: each unit's positions within their limits, paying another
member, obligations (record, settle, forgive), and the clearing of cycles of debt.
Every action is an event signed in the browser; these routes only read and render."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from commonweal.node.kernel.service import Node
from commonweal.node.read_models import credit as credit_views
from commonweal.web.money_rendering import positions_chart
from commonweal.web.rendering import page_router, render, viewer


def router(node: Node) -> APIRouter:
    """Mutual-credit pages over ``node``."""
    pages = page_router()

    @pages.get("/credit", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        return render(request, node, "credit.html", credit_views.credit_index(node))

    @pages.get("/credit/{unit}", response_class=HTMLResponse)
    def unit_page(request: Request, unit: str) -> HTMLResponse:
        me = viewer(request, node)
        page = credit_views.unit_page(node, unit, me["did"] if me else None)
        positions = page["positions"]

        def chart() -> tuple[str, Markup]:
            # drawn while the page renders, so its words are in the reader's language
            return positions_chart(unit, positions)

        return render(
            request,
            node,
            "credit-unit.html",
            {**page, "chart": chart if positions else None},
            me=me,
        )

    @pages.get("/credit/{unit}/clearing", response_class=HTMLResponse)
    def clearing(request: Request, unit: str) -> HTMLResponse:
        return render(request, node, "credit-clearing.html", credit_views.clearing_page(node, unit))

    return pages
