"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: named checks).

Readiness is a list of named checks, each answering None (fine) or what is wrong.
``create_app`` builds the node's own — the database answers, the stored log head
agrees with the one in memory, the scheduler ticked recently — and keeps the
list on ``app.state.readiness_checks``, where other parts append theirs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from fastapi import APIRouter
from fastapi.responses import Response

from commonweal.node.kernel import monitoring
from commonweal.node.kernel.scheduler import SchedulerView
from commonweal.node.kernel.service import Node
from commonweal.web.problems import problem

log = logging.getLogger(__name__)

MISSED_TICKS = 10
"""The scheduler counts as stopped once this many ticks were missed."""


@dataclass(frozen=True)
class Check:
    """One readiness check: ``run`` returns None when all is well, else what is wrong."""

    name: str
    run: Callable[[], str | None]


def node_checks(
    node: Node, scheduler: Callable[[], SchedulerView | None], wall: Callable[[], float]
) -> list[Check]:
    """The node's own readiness checks: database, log head, scheduler."""
    return [
        Check("database", lambda: monitoring.database_reachable(node)),
        Check("log_head", lambda: monitoring.head_consistency(node)),
        Check("scheduler", lambda: scheduler_problem(scheduler(), wall())),
    ]


def scheduler_problem(view: SchedulerView | None, now: float) -> str | None:
    """What is wrong with the scheduler, if anything."""
    if view is None or view.last_tick is None:
        return "the scheduler has not run yet"
    if not view.alive(now, missed_ticks=MISSED_TICKS):
        return f"the scheduler's latest tick ended {now - view.last_tick:.0f} s ago"
    return None


def run_checks(checks: list[Check]) -> dict[str, str | None]:
    """Every check's verdict; a check that raises fails with its error."""
    verdicts: dict[str, str | None] = {}
    for check in checks:
        try:
            verdicts[check.name] = check.run()
        except Exception as error:
            verdicts[check.name] = f"{type(error).__name__}: {error}"
    return verdicts


def router(checks: list[Check]) -> APIRouter:
    """``GET /healthz`` and ``GET /readyz`` over ``checks`` (the list, read at each call)."""
    routes = APIRouter()

    @routes.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        return Response(b'{"status":"alive"}', media_type="application/json")

    @routes.get("/readyz", include_in_schema=False)
    def readyz() -> Response:
        verdicts = run_checks(checks)
        failing = {name: why for name, why in verdicts.items() if why is not None}
        shown = {name: why or "ok" for name, why in verdicts.items()}
        if failing:
            log.info("not ready", extra={"failing": failing})
            detail = "; ".join(f"{name}: {why}" for name, why in failing.items())
            return problem("not_ready", detail, status=503, failing=sorted(failing), checks=shown)
        body = {"status": "ready", "checks": shown}
        return Response(orjson.dumps(body), media_type="application/json")

    return routes
