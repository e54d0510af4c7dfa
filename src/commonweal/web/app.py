"""The FastAPI application for one node, built by a factory (no import-time state)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from commonweal import __version__
from commonweal.node.errors import Rejected, Unavailable
from commonweal.node.federation.service import Federation
from commonweal.node.federation.sync import SyncWorker
from commonweal.node.scheduler import Scheduler, SchedulerView, follower, read_heartbeat
from commonweal.node.service import Node
from commonweal.web import (
    aid_api,
    api,
    campaigns_api,
    commons_api,
    credentials_api,
    federation_api,
    gatherings_api,
    governance_api,
    health,
    log_routes,
    membership_api,
    pages,
    problems,
    rounds_api,
    session,
    treasury_api,
)
from commonweal.web import metrics as metrics_routes
from commonweal.web.edge import ROUTES as EDGE_ROUTES
from commonweal.web.edge import ASGIApp, SubmissionEdge
from commonweal.web.metrics import Metrics
from commonweal.web.observed import ObservedApp
from commonweal.web.submitter import Submitter


def create_app(
    node: Node,
    *,
    background_checkpoints: bool = True,
    issuer_tokens: frozenset[str] = frozenset(),
    scheduler_heartbeat: Path | None = None,
    observability: bool = True,
    access_log: bool = False,
) -> ASGIApp:
    """The web app serving ``node``: wire API, log tiles and pages.

    With ``background_checkpoints``, the node's scheduler (node/scheduler.py: due
    transitions, overdue checkpoints) runs in a thread, and another thread syncs
    with the nodes this one recognises (witness, mirror, evidence, alliances). When
    the scheduler runs as its own process (``commonweal scheduler``), pass the
    heartbeat file it writes as ``scheduler_heartbeat``: this process then only
    catches up with what the scheduler appends, and reports on it.

    With ``observability`` (the default), every request gets an id and is measured,
    and ``/metrics`` is served; ``access_log`` adds a log line per request.
    """

    submitter = Submitter(node)
    federation = Federation(node)
    syncer = SyncWorker(federation)
    scheduler = Scheduler(node) if scheduler_heartbeat is None else follower(node)
    scheduler_view: Callable[[], SchedulerView | None] = (
        scheduler.view
        if scheduler_heartbeat is None
        else partial(read_heartbeat, scheduler_heartbeat)
    )
    metrics = Metrics(node, federation, scheduler_view, wall=time.time) if observability else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        submitter.start()
        if background_checkpoints:
            scheduler.start()
            syncer.start()
        yield
        if background_checkpoints:
            syncer.stop()
            scheduler.stop()
        federation.close()
        submitter.stop()
        if metrics is not None:
            metrics.detach()

    app = FastAPI(
        title="Commonweal node",
        version=__version__,
        summary="Wire contract v1: signed civic events in a verifiable log (docs/protocol.md).",
        lifespan=lifespan,
    )
    app.add_exception_handler(Rejected, problems.rejected_handler)
    app.add_exception_handler(Unavailable, problems.unavailable_handler)
    app.add_exception_handler(HTTPException, problems.http_handler)
    app.add_exception_handler(RequestValidationError, problems.validation_handler)
    app.add_exception_handler(Exception, problems.internal_handler)
    app.state.readiness_checks = health.node_checks(node, scheduler_view, time.time)
    app.state.scheduler = scheduler
    app.include_router(health.router(app.state.readiness_checks))
    if metrics is not None:
        app.include_router(metrics_routes.router(metrics))
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
    app.include_router(pages.router(node))
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    edge = SubmissionEdge(federation_api.WitnessEdge(app, federation), submitter)
    if metrics is None:
        return edge
    return ObservedApp(
        edge,
        metrics,
        fixed_routes={*EDGE_ROUTES, federation_api.WITNESS_PATH},
        access_log=access_log,
    )
