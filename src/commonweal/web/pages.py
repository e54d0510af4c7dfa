"""Server-rendered pages (Jinja2), with the project's own small scripts for signing.

This module serves the home page, the constitution and single log entries, and
gathers the page routers of each area (``PAGE_ROUTERS``): a capability adds its
pages by writing ``web/<area>_pages.py`` with a ``router(node)`` and listing it
here (docs/web.md). Route handlers parse input, ask one node-layer read, render.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.node import overview, queries
from commonweal.node.federation import network_views, vote_views
from commonweal.node.service import Node
from commonweal.web import (
    aid_pages,
    campaign_pages,
    census_pages,
    commons_pages,
    credit_pages,
    gathering_pages,
    governance_pages,
    log_pages,
    member_pages,
    round_pages,
    treasury_pages,
)
from commonweal.web.bounds import Id
from commonweal.web.rendering import TEMPLATES, page_router, render

PAGE_ROUTERS: list[Callable[[Node], APIRouter]] = [
    member_pages.router,
    governance_pages.router,
    log_pages.router,
    treasury_pages.router,
    credit_pages.router,
    aid_pages.router,
    campaign_pages.router,
    round_pages.router,
    commons_pages.router,
    gathering_pages.router,
    census_pages.router,
]
"""Every area's page routes; a capability appends its ``router`` here."""

__all__ = ["PAGE_ROUTERS", "TEMPLATES", "router"]


def router(node: Node) -> APIRouter:
    """Page routes over ``node``."""
    pages = page_router()

    @pages.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        latest = queries.latest_checkpoint(node)
        return render(
            request,
            node,
            "home.html",
            {
                "figures": overview.figures(node),
                "constitution": overview.constitution_in_words(node),
                "checkpoint": latest[1] if latest else None,
                "checkpoint_row": latest[0] if latest else None,
                "activity": overview.activity(node, 12),
                "network": network_views.standing_in_network(node),
                "alliance": vote_views.network_votes(node),
            },
        )

    @pages.get("/constitution", response_class=HTMLResponse)
    def constitution(request: Request) -> HTMLResponse:
        return render(
            request,
            node,
            "constitution.html",
            {"constitution": overview.constitution_in_words(node)},
        )

    @pages.get("/events/{index}", response_class=HTMLResponse)
    def event_page(request: Request, index: Id) -> HTMLResponse:
        logged = queries.logged_event(node, index)
        proof = (
            queries.inclusion(node, index, None)
            if index < queries.checked_size(node, None)
            else None
        )
        return render(
            request,
            node,
            "event.html",
            {"logged": logged, "proof": proof, "types": node.registry.types},
        )

    for area in PAGE_ROUTERS:
        pages.include_router(area(node))
    return pages
