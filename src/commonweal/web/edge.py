"""A thin ASGI edge that serves the two submission routes directly.

Submissions are the hot path: at thousands of requests a second, the framework's
middleware stack costs more than checking and logging the event. The edge reads
the body, calls the same handlers the FastAPI routes use (web.api), and answers
with the same problem documents; every other request goes to the app unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any

from starlette.responses import Response

from commonweal.domain.membership.records import in_good_standing
from commonweal.node.kernel.errors import Rejected, Unavailable
from commonweal.node.kernel.service import Prepared
from commonweal.web.api import (
    MAX_BATCH_BYTES,
    MAX_EVENT_BODY,
    read_limited,
    submit_event,
    submit_events,
)
from commonweal.web.problem_words import language_of_scope
from commonweal.web.problems import problem, rejection
from commonweal.web.ratelimit import RateLimiter, Throttled
from commonweal.web.submitter import Admit, Submitter

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ROUTES = {
    "/v1/events": (submit_event, MAX_EVENT_BODY),
    "/v1/events/batch": (submit_events, MAX_BATCH_BYTES),
}


class SubmissionEdge:
    """Serves ``POST /v1/events`` and ``POST /v1/events/batch``; passes the rest to ``app``."""

    def __init__(
        self,
        app: ASGIApp,
        submitter: Submitter,
        limiter: RateLimiter | None = None,
        *,
        status_by_code: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.submitter = submitter
        self.limiter = limiter
        self.status_by_code = status_by_code

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = ROUTES.get(scope.get("path", "")) if scope["type"] == "http" else None
        if route is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        handler, limit = route
        try:
            body = await read_limited(_content_length(scope), _chunks(receive), limit)
            admit = None if self.limiter is None else self._admitter(scope)
            response = await handler(self.submitter, body, admit)
        except Throttled as throttled:
            response = throttled.response()
        except Rejected as rejected:
            language = language_of_scope(scope.get("headers", ()))
            response = rejection(rejected, self.status_by_code, language)
        except Unavailable as error:
            language = language_of_scope(scope.get("headers", ()))
            response = problem("unavailable", str(error), language=language)
        await response(scope, receive, send)

    def _admitter(self, scope: Scope) -> Admit:
        """Charge the parsed events' signing DIDs, and the address for anonymous ones."""
        limiter = self.limiter
        node = self.submitter.node
        assert limiter is not None

        def admit(prepared: Sequence[Prepared]) -> None:
            authors = [p.event.author for p in prepared]
            own = node.identity.key_did
            anonymous = [a for a in authors if a != own and not in_good_standing(node.state, a)]
            limiter.check_authors(scope, authors, anonymous)

        return admit

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)


def _content_length(scope: Scope) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            return str(value.decode("latin-1"))
    return None


async def _chunks(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        yield message.get("body", b"")
        if not message.get("more_body", False):
            return


__all__ = ["Response", "SubmissionEdge"]
