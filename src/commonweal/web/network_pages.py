"""The network pages: ``/network`` (recognitions, treaties, witnessing, mirrors, evidence,
visitors), one page per known node, and an alliance's network votes (docs/web.md).

Reads are ``node/read_models/federation.py`` and ``federation_votes.py``; acts are events
signed in the page (``static/js/network.js``). What the node does with its own key —
adding a node by URL, syncing now, calling a network vote in its alliance — a steward
asks for with a signed request the node carries out on its next sync round
(``node/services/federation/requests.py``); the operator's commands are shown beside.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from commonweal.domain.federation.recognition import PERMISSION
from commonweal.node.kernel.public_url import public_url_of
from commonweal.node.read_models import federation as network_views
from commonweal.node.read_models import federation_precincts as precinct_views
from commonweal.node.read_models import federation_votes as vote_views
from commonweal.node.services.federation import requests as federation_requests
from commonweal.node.services.federation import vote_audit
from commonweal.node.services.federation.service import Federation
from commonweal.web.bounds import Id
from commonweal.web.rendering import page_router, render, speaking_to_reader, viewer

OLD_PATHS = ("/peers", "/federation")
"""Where people look for the network first; both lead to ``/network``."""


def operator_commands(public_url: str) -> dict[str, str]:
    """The CLI commands for the acts the node's own key signs (not a member's)."""
    node = f"--node {public_url} --data-dir DATA_DIR"
    return {
        "add": f"commonweal peer add https://OTHER-NODE {node}",
        "sync": f"commonweal peer sync {node}",
        "list": f"commonweal peer list --node {public_url}",
        "witness": f"commonweal witness status --node {public_url}",
        "evidence": "commonweal witness verify-evidence FILE --vkey VKEY",
        "restore": "commonweal restore --data-dir DATA_DIR --from https://MIRROR-NODE",
        "alliance": "commonweal alliance create --name NAME --member https://NODE … "
        "--data-dir NEW_DIR",
        "call": "commonweal alliance call --title TITLE --alliance https://ALLIANCE "
        "--as-node DATA_DIR --option adopt",
        "audit": "commonweal alliance audit VOTE --node https://ALLIANCE",
    }


def router(federation: Federation) -> APIRouter:
    """Network pages over ``federation``'s node."""
    node = federation.node
    pages = page_router()

    def acting(request: Request) -> tuple[dict[str, Any] | None, bool]:
        me = viewer(request, node)
        return me, bool(me and me["active"] and PERMISSION in me["permissions"])

    for old in OLD_PATHS:

        @pages.get(old)
        def moved() -> RedirectResponse:
            return RedirectResponse("/network", status_code=308)

    @pages.get("/network", response_class=HTMLResponse)
    def network(request: Request) -> HTMLResponse:
        me, steward = acting(request)
        with speaking_to_reader(request, node, me):
            page = {
                "net": network_views.network(federation),
                "steward": steward,
                "commands": operator_commands(public_url_of(node)),
                "alliance": vote_views.network_votes(node),
                "precincts": precinct_views.precinct_list(node),
                "requests": federation_requests.listing(federation, limit=20),
            }
        return render(request, node, "network.html", page, me=me)

    @pages.get("/network/votes", response_class=HTMLResponse)
    def votes(request: Request) -> HTMLResponse:
        return render(
            request,
            node,
            "network-votes.html",
            {
                "alliance": vote_views.network_votes(node),
                "commands": operator_commands(public_url_of(node)),
            },
        )

    @pages.get("/network/votes/{vote_id}", response_class=HTMLResponse)
    def vote(request: Request, vote_id: Id) -> HTMLResponse:
        me = viewer(request, node)
        with speaking_to_reader(request, node, me):
            page = {
                "vote": vote_views.network_vote(node, vote_id),
                "audits": vote_audit.audit_from_mirrors(federation, vote_id),
            }
        return render(request, node, "network-vote.html", page, me=me)

    @pages.get("/network/precincts", response_class=HTMLResponse)
    def precinct_list(request: Request) -> HTMLResponse:
        me = viewer(request, node)
        mine = precinct_views.precinct_list(node, me["did"] if me else None)
        return render(request, node, "network-precincts.html", {"precincts": mine}, me=me)

    @pages.get("/network/precincts/{precinct_id}", response_class=HTMLResponse)
    def precinct(request: Request, precinct_id: Id) -> HTMLResponse:
        me = viewer(request, node)
        with speaking_to_reader(request, node, me):
            page = precinct_views.precinct_page(node, precinct_id, me["did"] if me else None)
        return render(request, node, "network-precinct.html", {"p": page}, me=me)

    @pages.get("/network/{did}", response_class=HTMLResponse)
    def peer(request: Request, did: str) -> HTMLResponse:
        me, steward = acting(request)
        with speaking_to_reader(request, node, me):
            page = {
                **network_views.peer_page(federation, did),
                "precincts": [
                    p for p in precinct_views.precinct_list(node) if p["alliance"] == did
                ],
                "steward": steward,
                "commands": operator_commands(public_url_of(node)),
            }
        return render(request, node, "network-peer.html", page, me=me)

    return pages
