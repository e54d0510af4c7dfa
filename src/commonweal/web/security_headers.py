"""Headers every response carries, whoever answered it: the pages, the JSON API, the
submission and witness edges, problems, tiles, static files and the API docs.

- ``X-Content-Type-Options: nosniff``: a browser never reads JSON, a tile or an
  uploaded-looking text as script or HTML;
- ``Permissions-Policy``: no page may use the camera, microphone, payment or other
  powerful features; geolocation and the clipboard only on the node's own pages
  (the mutual-aid board measures distances from the member's own area, and the
  join page copies a link);
- ``Cross-Origin-Opener-Policy: same-origin``: a page of another site that opens
  one of ours gets no handle on its window;
- ``Content-Security-Policy``: the pages' strict policy (web.rendering) on any
  response that did not set its own, so nothing served from the node's origin can
  run a script that is not the node's own.

The wrapper sits outside everything else (web.app), so no route can forget them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from commonweal.web.rendering import PAGE_HEADERS

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), "
    "clipboard-read=(), clipboard-write=(self), display-capture=(), encrypted-media=(), "
    "fullscreen=(self), geolocation=(self), gyroscope=(), hid=(), idle-detection=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=()"
)
"""Powerful features no page uses are denied; the two the pages use stay on the node's
own origin (geolocation on /aid, the clipboard on /join)."""

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"content-security-policy", PAGE_HEADERS["Content-Security-Policy"].encode()),
)


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _value in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)
