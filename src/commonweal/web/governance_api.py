"""Governance over HTTP: the constitution, proposals, results and delegations (reads).

Every governance action — drafting, submitting, alternatives, amendments,
comments, ballots, delegations — is an ordinary signed event for ``POST /v1/events``;
the node logs openings, closings and executions itself.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import governance
from commonweal.web.api import json_response, read_route
from commonweal.web.bounds import Id
from commonweal.web.paging import CURSOR, decode_cursor, encode_cursor, link_header

PHASES = ("draft", "discussion", "voting", "closed", "cancelled")


PROPOSALS_LIMIT = Query(100, ge=1, le=governance.MAX_PROPOSALS_PAGE)


def proposal_cursor(cursor: str | None) -> int | None:
    """The proposal id a ``/proposals`` cursor names: the page lists older ones."""
    return int(decode_cursor(cursor, (int,))[0]) if cursor is not None else None


def router(node: Node) -> APIRouter:
    """Governance routes over ``node``."""
    api = APIRouter(prefix="/v1")

    @api.get("/constitution")
    def constitution() -> Response:
        return json_response(governance.constitution(node))

    @api.get("/proposals")
    def proposals(
        request: Request,
        phase: str | None = Query(None),
        topic: str | None = Query(None),
        cursor: str | None = CURSOR,
        limit: int = PROPOSALS_LIMIT,
    ) -> Response:
        """A page of proposals, newest first; ``next`` names the following page."""
        if phase is not None and phase not in PHASES:
            raise Rejected(
                "invalid_request", "phase must be one of %(phases)s", phases=", ".join(PHASES)
            )
        before = proposal_cursor(cursor)
        found, last = governance.proposals(
            node, phase=phase, topic=topic, before=before, limit=limit
        )
        following = encode_cursor([last]) if last is not None else None
        response = json_response({"proposals": found, "next": following})
        response.headers.update(link_header(request, following))
        return response

    read_route(api, node, "/proposals/{proposal_id}", "proposal", governance.proposal_view)

    @api.get("/proposals/{proposal_id}/ballots")
    def ballots(
        request: Request,
        proposal_id: Id,
        cursor: str | None = CURSOR,
        limit: int = Query(governance.MAX_BALLOTS_PAGE, ge=1, le=governance.MAX_BALLOTS_PAGE),
    ) -> Response:
        """A page of the direct ballots, by voter; ``next`` names the following page."""
        after = decode_cursor(cursor, (str,))[0] if cursor is not None else None
        page, last = governance.ballots(node, proposal_id, after=after, limit=limit)
        following = encode_cursor([last]) if last is not None else None
        response = json_response({"ballots": page, "next": following})
        response.headers.update(link_header(request, following))
        return response

    @api.get("/proposals/{proposal_id}/result")
    def result(proposal_id: Id) -> Response:
        view = governance.proposal_view(node, proposal_id)
        if view["result"] is not None:
            return json_response({"final": True, "result": view["result"]})
        return json_response({"final": False, "result": governance.preview(node, proposal_id)})

    @api.get("/proposals/{proposal_id}/votes/{did}")
    def vote_path(proposal_id: Id, did: str) -> Response:
        return json_response(governance.vote_path(node, proposal_id, did))

    read_route(
        api, node, "/members/{did}/delegations", "delegations", governance.delegations, kind=str
    )

    return api
