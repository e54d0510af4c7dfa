"""The census page: this node's figures over time, the network census, and a member's check
that they are counted (``static/js/census-page.js`` asks for the proof with a request
signed in the browser and checks it against the root in the page, as ``commonweal census
prove`` does)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.core.rfc3339 import format_utc
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import census as census_views
from commonweal.web.census_charts import Point, columns_chart
from commonweal.web.rendering import page_router, render, speaking_to_reader, viewer


def router(node: Node) -> APIRouter:
    """Census pages over ``node``."""
    pages = page_router()

    @pages.get("/census", response_class=HTMLResponse)
    def census_page(request: Request) -> HTMLResponse:
        me = viewer(request, node)
        with speaking_to_reader(request, node, me):
            page = census_views.census_page(node)
        for group in ("charts", "network_charts"):
            page[group] = [
                chart | {"svg": columns_chart(chart["title"], [Point(*p) for p in chart["points"]])}
                for chart in page[group]
            ]
        page["node_now"] = format_utc(node.clock())
        return render(request, node, "census.html", page, me=me)

    return pages
