"""The outermost ASGI layer: a request id for every request, and its latency measured.

It wraps everything, the submission and witness edges included (they answer
ahead of the framework, so a framework middleware would miss them), and costs a
few microseconds: a context variable, one header appended, one histogram
observation labelled by the route template (``/v1/proposals/{proposal_id}``, not
the raw path, so the label set stays small).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from typing import Any

from commonweal.web.metrics import Metrics
from commonweal.web.request_context import CURRENT, RequestInfo, request_id_from

log = logging.getLogger("commonweal.web.requests")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UNMATCHED = "unmatched"
"""The route label of a request no route matched (a 404), so stray paths add no labels."""


class ObservedApp:
    """Gives each HTTP request an id (``X-Request-ID``) and records its latency and answer."""

    def __init__(
        self,
        app: ASGIApp,
        metrics: Metrics,
        *,
        fixed_routes: Collection[str] = (),
        access_log: bool = False,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.fixed_routes = frozenset(fixed_routes)
        """Paths served ahead of the framework: their own route labels."""
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        info = RequestInfo(request_id_from(_header(scope, b"x-request-id")))
        token = CURRENT.set(info)
        id_header = (b"x-request-id", info.id.encode("ascii"))
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("request failed", extra={"path": scope.get("path")})
            raise
        finally:
            elapsed = time.perf_counter() - started
            route = self._route(scope)
            self.metrics.observe_request(route, scope["method"], status, elapsed, info.code)
            if self.access_log:
                log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "route": route,
                        "status": status,
                        "seconds": round(elapsed, 6),
                        "code": info.code,
                    },
                )
            CURRENT.reset(token)

    def _route(self, scope: Scope) -> str:
        route = scope.get("route")
        template = getattr(route, "path", None)
        if isinstance(template, str):
            return template
        path = scope.get("path", "")
        return path if path in self.fixed_routes else UNMATCHED

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None
