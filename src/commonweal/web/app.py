"""The FastAPI application for one node, built by a factory (no import-time state)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from commonweal import __version__
from commonweal.node import campaigns, commons, credit, governance, membership, rounds
from commonweal.node.errors import Rejected, Unavailable
from commonweal.node.federation import alliance as federation_alliance
from commonweal.node.federation.service import Federation
from commonweal.node.federation.sync import SyncWorker
from commonweal.node.service import Node
from commonweal.web import (
    aid_api,
    api,
    api_docs,
    campaigns_api,
    commons_api,
    credentials_api,
    federation_api,
    gatherings_api,
    governance_api,
    log_routes,
    membership_api,
    pages,
    problems,
    rounds_api,
    session,
    treasury_api,
)
from commonweal.web.edge import SubmissionEdge
from commonweal.web.security_headers import SecurityHeaders
from commonweal.web.submitter import Submitter


def create_app(
    node: Node, *, background_checkpoints: bool = True, issuer_tokens: frozenset[str] = frozenset()
) -> SecurityHeaders:
    """The web app serving ``node``: wire API, log tiles and pages, every response with
    the security headers of web.security_headers.

    With ``background_checkpoints``, a thread signs a checkpoint whenever entries
    have waited ``checkpoint_every_seconds`` without one, and another syncs with the
    nodes this one recognises (witness, mirror, evidence, alliances).
    """

    submitter = Submitter(node)
    federation = Federation(node)
    syncer = SyncWorker(federation)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        submitter.start()
        stop = threading.Event()
        worker = None
        if background_checkpoints:
            worker = threading.Thread(
                target=_checkpoint_loop, args=(node, stop), name="checkpointer", daemon=True
            )
            worker.start()
            syncer.start()
        yield
        if background_checkpoints:
            syncer.stop()
        federation.close()
        submitter.stop()
        stop.set()
        if worker is not None:
            worker.join(timeout=5)

    app = FastAPI(
        title="Commonweal node",
        version=__version__,
        summary="Wire contract v1: signed civic events in a verifiable log (docs/protocol.md).",
        lifespan=lifespan,
        docs_url=None,  # served by web.api_docs from the node's own copies, never a CDN
        redoc_url=None,
    )
    app.add_exception_handler(Rejected, problems.rejected_handler)
    app.add_exception_handler(Unavailable, problems.unavailable_handler)
    app.add_exception_handler(HTTPException, problems.http_handler)
    app.add_exception_handler(RequestValidationError, problems.validation_handler)
    app.include_router(api.router(node, submitter))
    app.include_router(log_routes.router(node, federation))
    app.include_router(federation_api.router(federation))
    app.include_router(membership_api.router(node))
    app.include_router(governance_api.router(node))
    app.include_router(commons_api.router(node))
    app.include_router(gatherings_api.router(node))
    app.include_router(credentials_api.router(node, issuer_tokens))
    app.include_router(aid_api.router(node))
    app.include_router(campaigns_api.router(node))
    app.include_router(rounds_api.router(node))
    app.include_router(treasury_api.router(node))
    app.state.node = node
    app.state.sessions = session.Sessions(node)
    app.include_router(session.router(app.state.sessions))
    app.include_router(api_docs.router(app.title))
    app.include_router(pages.router(node))
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return SecurityHeaders(SubmissionEdge(federation_api.WitnessEdge(app, federation), submitter))


def _checkpoint_loop(node: Node, stop: threading.Event) -> None:
    """Time-driven work: overdue checkpoints, recoveries whose time lock has passed,
    governance transitions (voting opens, votes close, decisions execute), commons
    allocation rounds whose entries have closed, campaigns closing at their deadlines,
    funding rounds closing, pool proposals whose conviction has passed, and network-wide
    votes' precincts and results (federation)."""
    interval = node.config.checkpoint_every_seconds
    while not stop.wait(min(interval, 1.0)):
        try:
            membership.complete_due_recoveries(node)
            governance.run_due(node)
            commons.run_due(node)
            campaigns.run_due(node)
            rounds.run_due(node)
            credit.run_due(node)
            federation_alliance.run_due(node)
            node.checkpoint_if_due(max_age_seconds=interval)
        except Exception:  # the next tick retries; the log itself is unaffected
            continue
