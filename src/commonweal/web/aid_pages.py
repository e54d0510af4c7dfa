"""Pages for mutual aid: the board of requests and offers, a post, posting, and your own.

Every action (posting, taking up, releasing, recording help given, settling,
withdrawing) is a signed form; messages are signed in the browser and sent to
the node's relay with their text, and read back with a signed inbox request
(``static/js/aid-page.js``). The member's own area stays in their browser.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.domain.aid.records import CATEGORIES, URGENCIES
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import aid as aid_views
from commonweal.web import funding_charts  # noqa: F401  (registers the amount filters)
from commonweal.web.aid_api import KINDS, STATUSES
from commonweal.web.rendering import page_router, render, signed_in, viewer_page


def router(node: Node) -> APIRouter:
    """Mutual-aid pages over ``node``."""
    pages = page_router()

    @pages.get("/aid", response_class=HTMLResponse)
    def board(
        request: Request,
        kind: str | None = None,
        category: str | None = None,
        urgency: str | None = None,
        status: str = "open",
    ) -> HTMLResponse:
        kind, category, urgency = kind or None, category or None, urgency or None
        if kind is not None and kind not in KINDS:
            raise Rejected("invalid_request", "kind must be request or offer")
        if urgency is not None and urgency not in URGENCIES:
            raise Rejected(
                "invalid_request",
                "urgency must be one of %(urgencies)s",
                urgencies=", ".join(URGENCIES),
            )
        if status not in (*STATUSES, "any"):
            raise Rejected(
                "invalid_request",
                "status must be one of %(statuses)s",
                statuses=", ".join(STATUSES),
            )
        found = aid_views.board(
            node,
            kind=kind,
            status=None if status == "any" else status,
            category=category,
            urgency=urgency,
        )
        return render(
            request,
            node,
            "aid.html",
            {
                **found,
                "filters": {
                    "kind": kind,
                    "category": category,
                    "urgency": urgency,
                    "status": status,
                },
                "statuses": STATUSES,
                "status_words": aid_views.STATUS_WORDS,
            },
        )

    @pages.get("/aid/new", response_class=HTMLResponse)
    def new_post(request: Request, kind: str = "request") -> HTMLResponse:
        me = signed_in(request, node, "ask for or offer help")
        return render(
            request,
            node,
            "aid-new.html",
            {
                "kind": kind if kind in KINDS else "request",
                "categories": CATEGORIES,
                "urgencies": URGENCIES,
                "places": aid_views.place_areas(node),
            },
            me=me,
        )

    @pages.get("/aid/mine", response_class=HTMLResponse)
    def mine(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "see your requests, offers and messages")
        return render(request, node, "aid-mine.html", aid_views.mine(node, me["did"]), me=me)

    viewer_page(pages, node, "/aid/{post_id}", "post", "aid-post.html", aid_views.post_page)

    return pages
