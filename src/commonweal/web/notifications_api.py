"""Notifications over HTTP: a member's signed preferences and notifications, unsubscribing.

- ``POST /v1/notifications/preferences``: ``{"did", "at", "sig", "preferences"}``, signed
  by the member (purpose ``commonweal/notification-preferences``): keeps them.
- ``POST /v1/notifications/mine``: ``{"did", "at", "sig"}`` (purpose
  ``commonweal/notifications``): their preferences and latest notifications, with failures.
- ``POST /unsubscribe/<token>``: RFC 8058 one-click unsubscribe, without signing in; a
  browser's form post gets a page, anything else JSON (a problem document when refused).
- ``GET /unsubscribe/<token>``: a page with the button that posts it (a link in a mail
  must not change anything by being fetched).
- ``GET /notifications``: the page where a signed-in member sets them.
- ``GET /v1/notifications/push``: the node's VAPID public key (``applicationServerKey``).
- ``POST /v1/notifications/push/subscribe``: ``{"did", "at", "sig", "subscription"}``
  (purpose ``commonweal/push-subscription``): keeps a browser's push subscription.
- ``POST /v1/notifications/push/unsubscribe``: ``{"did", "at", "sig", "endpoint"}``
  (purpose ``commonweal/push-unsubscription``): forgets it.
- ``GET /push-worker.js``: the service worker that shows the pushes (at the root, so its
  scope is the whole node).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from commonweal.core.rfc3339 import format_utc
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import notifications, push
from commonweal.web.api import json_body, json_response, read_body
from commonweal.web.problem_words import RefusalDetail
from commonweal.web.problems import rejection_for
from commonweal.web.rendering import ERROR_WORDS, page_router, render, signed_in

MAX_REQUEST_BYTES = 20_000
MAX_TOKEN = 1000
WORKER = Path(__file__).parent / "static" / "js" / "push-worker.js"


def router(node: Node) -> APIRouter:
    """Notification routes over ``node``."""
    api = APIRouter()

    async def answer(request: Request, service: Callable[[Node, Any], Any]) -> Any:
        """``service(node, document)`` in a worker thread, for the JSON document posted."""
        document = json_body(await read_body(request, MAX_REQUEST_BYTES))
        return await run_in_threadpool(service, node, document)

    @api.post("/v1/notifications/preferences")
    async def preferences(request: Request) -> Response:
        kept = await answer(request, notifications.set_preferences)
        return json_response({"preferences": kept})

    @api.post("/v1/notifications/mine")
    async def mine(request: Request) -> Response:
        return json_response(await answer(request, notifications.my_notifications))

    @api.get("/v1/notifications/push")
    async def push_key() -> Response:
        key = await run_in_threadpool(push.vapid_public_key, node)
        return json_response({"public_key": key})

    @api.post("/v1/notifications/push/subscribe")
    async def push_subscribe(request: Request) -> Response:
        return json_response({"subscribed": await answer(request, push.subscribe)})

    @api.post("/v1/notifications/push/unsubscribe")
    async def push_unsubscribe(request: Request) -> Response:
        return json_response(await answer(request, push.unsubscribe))

    @api.post("/unsubscribe/{token}", include_in_schema=False)
    async def unsubscribe(request: Request, token: str) -> Response:
        wants_page = "text/html" in request.headers.get("accept", "")
        try:
            if len(token) > MAX_TOKEN:
                raise Rejected(
                    "unsubscribe_invalid", "this unsubscribe link is not one this node made"
                )
            done = await run_in_threadpool(notifications.unsubscribe, node, token)
        except Rejected as refused:
            if not wants_page:
                raise
            status = rejection_for(request, refused).status_code
            context = {
                "heading": ERROR_WORDS.get(status, "That link does not work"),
                "detail": RefusalDetail(refused),
                "code": refused.code,
            }
            return render(request, node, "error.html", context, status=status)
        if wants_page:
            return render(request, node, "unsubscribed.html", {"done": done, "token": None})
        return json_response({"unsubscribed": {"topic": done["topic"], "level": done["level"]}})

    return api


def pages(node: Node) -> APIRouter:
    """The notification pages over ``node``."""
    routes = page_router()

    @routes.get("/unsubscribe/{token}", response_class=HTMLResponse)
    def confirm(request: Request, token: str) -> HTMLResponse:
        return render(request, node, "unsubscribed.html", {"done": None, "token": token})

    @routes.get("/notifications", response_class=HTMLResponse)
    def settings(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "set your notifications")
        context = {"node_now": format_utc(node.clock()), "vapid_key": push.vapid_public_key(node)}
        return render(request, node, "notifications.html", context, me=me)

    @routes.get("/push-worker.js", include_in_schema=False)
    def worker() -> Response:
        return Response(
            WORKER.read_bytes(),
            media_type="text/javascript",
            headers={"Cache-Control": "no-cache"},
        )

    return routes
