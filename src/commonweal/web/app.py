"""The FastAPI application for one node, built by a factory (no import-time state)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from commonweal import __version__
from commonweal.capability import WebParts
from commonweal.node.kernel.errors import Rejected, Unavailable
from commonweal.node.kernel.follower import LogFollower
from commonweal.node.kernel.scheduler import Scheduler, SchedulerView, follower, read_heartbeat
from commonweal.node.kernel.service import Node
from commonweal.node.services.federation import rollback, visits_abroad
from commonweal.node.services.federation.service import Federation
from commonweal.node.services.federation.sync import SyncWorker
from commonweal.web import (
    api,
    api_docs,
    federation_api,
    health,
    language_routes,
    log_routes,
    pages,
    problems,
    session,
    template_cache,
)
from commonweal.web import metrics as metrics_routes
from commonweal.web.edge import ROUTES as EDGE_ROUTES
from commonweal.web.edge import ASGIApp, SubmissionEdge
from commonweal.web.freshness import FreshReads
from commonweal.web.health import Check
from commonweal.web.hsts import StrictTransportSecurity
from commonweal.web.metrics import Metrics
from commonweal.web.observed import ObservedApp
from commonweal.web.proxy import NO_PROXY, ForwardedHeaders, ProxyTrust
from commonweal.web.ratelimit import RateLimitEdge, RateLimiter, RateLimits, Throttled
from commonweal.web.security_headers import SecurityHeaders
from commonweal.web.submitter import Submitter
from commonweal.web.verify_edge import VERIFY_PATH, VerifyEdge

if TYPE_CHECKING:
    from commonweal.capabilities.assembly import Assembly


def create_app(
    node: Node,
    *,
    background_checkpoints: bool = True,
    issuer_tokens: frozenset[str] | Callable[[], frozenset[str]] = frozenset(),
    trusted_proxies: ProxyTrust = NO_PROXY,
    rate_limits: RateLimits | None = None,
    scheduler_heartbeat: Path | None = None,
    observability: bool = True,
    access_log: bool = False,
    program: Assembly | None = None,
    federation_sync: bool = True,
    read_barrier: bool = True,
) -> ForwardedHeaders:
    """The web app serving ``node``: wire API, log tiles and pages, every response with
    the security headers of web.security_headers.

    ``issuer_tokens`` are the SHA-256 hex digests of the bearer tokens that may issue
    credentials, or a callable giving them as they are now (``node.issuer_tokens``).
    Forwarded headers are read only from ``trusted_proxies``, by the outermost layer, so
    every layer inside it sees the same client address and scheme (``web.proxy``).
    ``rate_limits`` (on, with the default budgets, unless given) are charged inside the
    observed layer, so a refusal is measured and carries a request id (``web.ratelimit``).

    With ``background_checkpoints``, the node's scheduler (node/kernel/scheduler.py: due
    transitions, overdue checkpoints) runs in a thread, and another thread syncs
    with the nodes this one recognises (witness, mirror, evidence, alliances). When
    the scheduler runs as its own process (``commonweal scheduler``), pass the
    heartbeat file it writes as ``scheduler_heartbeat``: this process then only
    catches up with what the scheduler appends, and reports on it. Without
    ``federation_sync`` another process syncs (``serve --workers``: worker 0 only).
    ``read_barrier``: reads first catch up with every write acknowledged before them, by
    any process (web/freshness.py).

    With ``observability`` (the default), every request gets an id and is measured,
    and ``/metrics`` is served; ``access_log`` adds a log line per request.

    The routers, pages, navigation, refusal statuses and scheduled jobs come from
    ``program``, the capabilities assembled (``commonweal.capabilities.PROGRAM`` unless given).
    """
    if program is None:
        from commonweal.capabilities import PROGRAM  # the entry point reads the list

        program = PROGRAM

    submitter = Submitter(node)
    log_follower = LogFollower(node)
    federation = Federation(node)
    syncer = SyncWorker(federation)
    scheduler = (
        Scheduler(node, jobs=program.jobs(node)) if scheduler_heartbeat is None else follower(node)
    )
    scheduler_view: Callable[[], SchedulerView | None] = (
        scheduler.view
        if scheduler_heartbeat is None
        else partial(read_heartbeat, scheduler_heartbeat)
    )
    metrics = Metrics(node, federation, scheduler_view, wall=time.time) if observability else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(template_cache.warm)  # before the first page, once a process
        # our members' visits elsewhere, read from the mirrors before the first /network
        await run_in_threadpool(
            partial(visits_abroad.scan, federation, budget=visits_abroad.START_BUDGET)
        )
        submitter.start()
        log_follower.start()
        if background_checkpoints:
            # Before any write: is the log behind what witnesses and mirrors hold of it?
            await run_in_threadpool(rollback.check, federation)
            scheduler.start()
            if federation_sync:
                syncer.start()
        yield
        if background_checkpoints:
            if federation_sync:
                syncer.stop()
            scheduler.stop()
        federation.close()
        log_follower.stop()
        submitter.stop()
        if metrics is not None:
            metrics.detach()

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
    app.add_exception_handler(Exception, problems.internal_handler)
    app.state.readiness_checks = health.node_checks(node, scheduler_view, time.time)
    app.state.readiness_checks.append(Check("rollback", partial(_rollback_problem, federation)))
    app.state.readiness_checks.append(Check("log_follow", partial(_follow_problem, log_follower)))
    app.state.scheduler = scheduler
    app.state.log_follower = log_follower
    app.state.status_by_code = program.status_by_code()
    app.state.navigation = program.navigation()
    parts = WebParts(node, federation, _token_source(issuer_tokens), program.contexts(), submitter)
    app.include_router(health.router(app.state.readiness_checks))
    if metrics is not None:
        app.include_router(metrics_routes.router(metrics))
    app.include_router(api.router(node, submitter))
    app.include_router(log_routes.router(node, federation))
    for capability_api in program.api_routers(parts):
        app.include_router(capability_api)
    app.state.node = node
    app.state.federation = federation
    app.state.sessions = session.Sessions(node)
    app.include_router(session.router(app.state.sessions))
    app.include_router(language_routes.router(node))
    app.include_router(api_docs.router(app.title))
    app.include_router(pages.router(node, program.page_routers(parts)))
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    limits = RateLimits() if rate_limits is None else rate_limits
    limiter = None
    if limits.enabled:
        limiter = RateLimiter(
            limits, is_peer=lambda keyid: federation.recognition_by("key", keyid) is not None
        )
        app.state.rate_limiter = limiter
        app.add_exception_handler(Throttled, _throttled_handler)
    inner: ASGIApp = SubmissionEdge(
        VerifyEdge(federation_api.WitnessEdge(app, federation), node),
        submitter,
        limiter,
        status_by_code=app.state.status_by_code,
    )
    inner = FreshReads(inner, log_follower, barrier=read_barrier)
    if limiter is not None:
        inner = RateLimitEdge(inner, limiter)
    if metrics is not None:
        inner = ObservedApp(
            inner,
            metrics,
            fixed_routes={*EDGE_ROUTES, federation_api.WITNESS_PATH, VERIFY_PATH},
            access_log=access_log,
        )
    return ForwardedHeaders(SecurityHeaders(StrictTransportSecurity(inner)), trusted_proxies)


def _token_source(
    tokens: frozenset[str] | Callable[[], frozenset[str]],
) -> Callable[[], frozenset[str]]:
    if callable(tokens):
        return tokens
    return lambda: tokens


def _rollback_problem(federation: Federation) -> str | None:
    """The readiness check of rollback detection: None unless writes are refused."""
    ready, detail = rollback.readiness(federation)
    return None if ready else detail


def _follow_problem(log_follower: LogFollower) -> str | None:
    """The readiness check of log following: None while the store can be read."""
    if log_follower.error is None:
        return None
    lag = log_follower.lag_seconds()
    return f"cannot follow the log for {lag:.1f} s: {log_follower.error}"


async def _throttled_handler(_request: object, exc: Exception) -> Response:
    """A budget spent inside a route (applications): the 429 with its headers."""
    assert isinstance(exc, Throttled)
    response: Response = exc.response()
    return response
