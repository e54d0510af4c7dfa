"""Pages for self-governance: proposals (list, new, one), and delegation settings."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import federation_votes as vote_views
from commonweal.node.read_models import governance as proposal_views
from commonweal.node.services import governance
from commonweal.web.bounds import Id
from commonweal.web.charts import result_charts
from commonweal.web.governance_api import PHASES, PROPOSALS_LIMIT, proposal_cursor
from commonweal.web.i18n import N_
from commonweal.web.paging import CURSOR, encode_cursor, next_url
from commonweal.web.rendering import page_router, render, signed_in, speaking_to_reader, viewer

PHASE_WORDS = {
    "draft": N_("Drafts"),
    "discussion": N_("Under discussion"),
    "voting": N_("Voting now"),
    "closed": N_("Decided"),
    "cancelled": N_("Withdrawn"),
}


def router(node: Node) -> APIRouter:
    """Governance pages over ``node``."""
    pages = page_router()

    @pages.get("/proposals", response_class=HTMLResponse)
    def proposals(
        request: Request,
        phase: str | None = None,
        topic: str | None = None,
        cursor: str | None = CURSOR,
        limit: int = PROPOSALS_LIMIT,
    ) -> HTMLResponse:
        phase = phase or None
        topic = topic or None
        if phase is not None and phase not in PHASES:
            raise Rejected(
                "invalid_request", "phase must be one of %(phases)s", phases=", ".join(PHASES)
            )
        constitution = _constitution(node)
        found, last = governance.proposals(
            node, phase=phase, topic=topic, before=proposal_cursor(cursor), limit=limit
        )
        return render(
            request,
            node,
            "proposals.html",
            {
                "proposals": found,
                "next_page": next_url(request, encode_cursor([last])) if last else None,
                "first_page": cursor is not None,
                "phase": phase,
                "topic": topic,
                "phases": PHASE_WORDS,
                "topics": constitution["topics"] if constitution else {},
                "alliance": vote_views.network_votes(node),
            },
        )

    @pages.get("/proposals/new", response_class=HTMLResponse)
    def new_proposal(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "propose something")
        constitution = _constitution(node)
        if constitution is None:
            raise Rejected("not_found", "this node has not adopted a constitution")
        return render(request, node, "proposal-new.html", {"constitution": constitution}, me=me)

    @pages.get("/proposals/{proposal_id}", response_class=HTMLResponse)
    def proposal(request: Request, proposal_id: Id) -> HTMLResponse:
        me = viewer(request, node)
        with speaking_to_reader(request, node, me):
            page = proposal_views.proposal_page(node, proposal_id, me["did"] if me else None)
        result = page["proposal"]["result"]
        return render(
            request,
            node,
            "proposal.html",
            {
                **page,
                "phases": PHASE_WORDS,
                "charts": result_charts(result, page["labels"]) if result else [],
                "candidates": proposal_views.candidates(node, exclude=me["did"]) if me else [],
            },
            me=me,
        )

    @pages.get("/delegation", response_class=HTMLResponse)
    def delegation(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "set your delegations")
        return render(
            request,
            node,
            "delegation.html",
            proposal_views.delegation_page(node, me["did"]),
            me=me,
        )

    return pages


def _constitution(node: Node) -> dict[str, object] | None:
    try:
        return governance.constitution(node)["constitution"]  # type: ignore[no-any-return]
    except Rejected:
        return None
