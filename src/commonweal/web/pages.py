"""Server-rendered pages (Jinja2), with the project's own small scripts for signing.

This module serves the home page, the constitution and single log entries, and
gathers the page routers of each area: a capability adds its pages by writing a
router module and naming it in its declaration (``commonweal.capabilities``,
docs/web.md). Route handlers parse input, ask one node-layer read, render.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.node.kernel import queries
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import federation as network_views
from commonweal.node.read_models import federation_precincts as precinct_views
from commonweal.node.read_models import federation_votes as vote_views
from commonweal.node.read_models import overview, waiting
from commonweal.web.bounds import Id
from commonweal.web.rendering import TEMPLATES, page_router, render, speaking_to_reader, viewer

__all__ = ["TEMPLATES", "router"]


def router(node: Node, areas: Iterable[APIRouter] = ()) -> APIRouter:
    """Page routes over ``node``: the home page, the constitution, single log entries, and
    every area's routes (``areas``: the capabilities' page routers, web.app assembles them)."""
    pages = page_router()

    @pages.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        latest = queries.latest_checkpoint(node)
        me = viewer(request, node)
        with speaking_to_reader(request, node, me):
            context = {
                "figures": overview.figures(node),
                "constitution": overview.constitution_in_words(node),
                "checkpoint": latest[1] if latest else None,
                "checkpoint_row": latest[0] if latest else None,
                "activity": overview.activity(node, 12),
                "network": network_views.standing_in_network(node),
                "alliance": vote_views.network_votes(node),
                "precincts": precinct_views.open_precincts(node),
                "waiting": waiting.waiting_for(node, me["did"]) if me and me["active"] else None,
            }
        return render(request, node, "home.html", context, me=me)

    @pages.get("/constitution", response_class=HTMLResponse)
    def constitution(request: Request) -> HTMLResponse:
        me = viewer(request, node)
        with speaking_to_reader(request, node, me):
            context = {"constitution": overview.constitution_in_words(node)}
        return render(request, node, "constitution.html", context, me=me)

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

    for area in areas:
        pages.include_router(area)
    return pages
