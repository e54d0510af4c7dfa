"""Pages for gatherings and assemblies: what is coming and what was, one gathering with its
RSVPs, waitlist and self check-in, scheduling one, and the organisers' check-in sheet.
Every action is an event signed in the browser (``static/js/gatherings.js`` makes check-in
codes and computes the DID-bound claim proof, as ``commonweal gathering claim`` does)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import gatherings as gathering_views
from commonweal.node.services import listings
from commonweal.web.bounds import Id
from commonweal.web.i18n import N_
from commonweal.web.paging import CURSOR, decode_cursor, encode_cursor, limit_query, next_url
from commonweal.web.rendering import (
    page_router,
    render,
    signed_in,
    speaking_to_reader,
    viewer,
    viewer_page,
)

WHEN_WORDS = {"upcoming": N_("Coming up"), "past": N_("Past")}


def router(node: Node) -> APIRouter:
    """Gathering pages over ``node``."""
    pages = page_router()

    @pages.get("/gatherings", response_class=HTMLResponse)
    def listing(
        request: Request,
        when: str = "upcoming",
        cursor: str | None = CURSOR,
        limit: int = limit_query(50, listings.MAX_PAGE),
    ) -> HTMLResponse:
        if when not in WHEN_WORDS:
            raise Rejected("invalid_request", "when is upcoming or past")
        me = viewer(request, node)
        after = decode_cursor(cursor, (str, int)) if cursor is not None else None
        page = gathering_views.listing_page(
            node, when, me["did"] if me else None, after=after, limit=limit
        )
        following = page.pop("following")
        page["next_page"] = next_url(request, encode_cursor(following)) if following else None
        page["first_page"] = cursor is not None
        page["words"] = WHEN_WORDS
        return render(request, node, "gatherings.html", page, me=me)

    @pages.get("/gatherings/new", response_class=HTMLResponse)
    def schedule(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "schedule a gathering")
        members = gathering_views.co_organisers(node, me["did"])
        return render(request, node, "gathering-new.html", {"members": members}, me=me)

    viewer_page(
        pages,
        node,
        "/gatherings/{gathering_id}",
        "gathering",
        "gathering.html",
        gathering_views.gathering_page,
    )

    @pages.get("/gatherings/{gathering_id}/checkin", response_class=HTMLResponse)
    def checkin(request: Request, gathering_id: Id) -> HTMLResponse:
        me = signed_in(request, node, "check attendees in")
        with speaking_to_reader(request, node, me):
            page = gathering_views.checkin_page(node, gathering_id, me["did"])
        return render(request, node, "gathering-checkin.html", page, me=me)

    return pages
