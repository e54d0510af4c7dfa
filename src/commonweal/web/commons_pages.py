"""Pages for the commons: the registry of shared resources, a resource with its rules and
its week of bookings, allocation rounds with their draw, sanctions and appeals, a member's
own standing, and the stewards' console. Every action on them is an event signed in the
browser (``static/js/commons.js`` builds the bodies a plain form cannot)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import commons as commons_views
from commonweal.node.read_models import commons_console as commons_console_views
from commonweal.node.read_models import commons_sanctions as commons_sanction_views
from commonweal.node.read_models.commons_words import CONDITION_WORDS, KIND_ONE
from commonweal.web.bounds import MAX_INTEGER, Id
from commonweal.web.rendering import (
    page_router,
    render,
    signed_in,
    speaking_to_reader,
    viewer,
    viewer_page,
)


def router(node: Node) -> APIRouter:
    """Commons pages over ``node``."""
    pages = page_router()

    viewer_page(pages, node, "/commons", "registry", "commons.html", commons_views.registry_page)

    @pages.get("/commons/standing", response_class=HTMLResponse)
    def standing(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "see your bookings and your standing in the commons")
        with speaking_to_reader(request, node, me):
            page = commons_console_views.standing_page(node, me["did"])
        page["proposing"] = commons_sanction_views.proposing(node)
        return render(request, node, "commons-standing.html", page, me=me)

    @pages.get("/commons/steward", response_class=HTMLResponse)
    def console(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "use the commons stewards' console")
        may_register = "commons.register" in me["permissions"]
        if not may_register and not commons_console_views.steward_of_anything(node, me["did"]):
            raise Rejected(
                "forbidden",
                "the commons console is for the stewards and monitors of a shared resource",
            )
        with speaking_to_reader(request, node, me):
            page = commons_console_views.steward_page(node, me["did"], me["permissions"])
        page["form"] = commons_console_views.rules_form(node)
        page["proposing"] = commons_sanction_views.proposing(node)
        return render(request, node, "commons-steward.html", page, me=me)

    viewer_page(
        pages,
        node,
        "/commons/rounds/{round_id}",
        "allocation_round",
        "commons-round.html",
        commons_views.round_page,
    )

    viewer_page(
        pages,
        node,
        "/commons/sanctions/{sanction_id}",
        "sanction",
        "commons-sanction.html",
        commons_sanction_views.sanction_page,
    )

    @pages.get("/commons/{resource_id}", response_class=HTMLResponse)
    def resource(
        request: Request,
        resource_id: Id,
        week: str | None = None,
        unit: int = Query(1, ge=1, le=MAX_INTEGER),
    ) -> HTMLResponse:
        me = viewer(request, node)
        with speaking_to_reader(request, node, me):
            page = commons_views.resource_page(
                node, resource_id, me["did"] if me else None, week=week, unit=unit
            )
        if me and me["active"]:
            page["form"] = commons_console_views.rules_form(node)
        page["conditions"] = CONDITION_WORDS
        page["kind_one"] = KIND_ONE
        return render(request, node, "commons-resource.html", page, me=me)

    return pages
