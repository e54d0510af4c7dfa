"""``POST /credentials/verify`` served ahead of the framework, as the submission routes are.

Verifying a credential costs about as much as the framework's middleware stack around
it; a verifier checking credentials by the thousand (a venue's door, a recognised node)
pays that twice. The edge reads the body, calls the same verification as the documented
FastAPI route (``credentials_api``), and answers with the same bytes; rate limits,
observability and the security headers wrap it as they wrap every route.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import credentials
from commonweal.web.api import json_object, json_response, read_limited
from commonweal.web.credentials_api import MAX_BODY, answer, checks_of, options_of
from commonweal.web.edge import ASGIApp, Receive, Scope, Send, _chunks, _content_length
from commonweal.web.problems import rejection

VERIFY_PATH = "/credentials/verify"


class VerifyEdge:
    """Serves ``POST /credentials/verify``; passes every other request to ``app``."""

    def __init__(self, app: ASGIApp, node: Node) -> None:
        self.app = app
        self.node = node

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("path") != VERIFY_PATH
            or scope.get("method") != "POST"
        ):
            await self.app(scope, receive, send)
            return
        try:
            raw = await read_limited(_content_length(scope), _chunks(receive), MAX_BODY)
            document = json_object(raw, "verifiableCredential")
            options = options_of(document)
            result = await run_in_threadpool(
                credentials.verify,
                self.node,
                document["verifiableCredential"],
                self.node.clock(),
                options.get("statusLists"),
                checks_of(options),
            )
            response = answer(result)
        except Rejected as rejected:
            response = rejection(rejected)
        await response(scope, receive, send)

    def __getattr__(self, name: str) -> object:
        return getattr(self.app, name)


__all__ = ["VERIFY_PATH", "VerifyEdge", "json_response"]
