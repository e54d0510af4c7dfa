"""HTTP Strict Transport Security (RFC 6797) on every response to a request made over TLS.

Whether a request came over TLS is the ASGI scope's ``scheme``: ``https`` when the node
terminates TLS itself, or when a trusted proxy said so (``web.proxy``). A client that
reaches the node directly over plain HTTP cannot turn it on by sending
``X-Forwarded-Proto: https``: from an untrusted address that header is never read.
"""

from __future__ import annotations

from typing import Any

from commonweal.web.edge import ASGIApp, Message, Receive, Scope, Send

HSTS_MAX_AGE_SECONDS = 31_536_000
"""One year. No ``includeSubDomains``: other hosts under the node's domain are not ours to
bind to HTTPS, and no ``preload``, which only the domain's owner may ask for."""

HSTS_HEADER = (b"strict-transport-security", f"max-age={HSTS_MAX_AGE_SECONDS}".encode())


class StrictTransportSecurity:
    """ASGI middleware: adds ``Strict-Transport-Security`` to responses sent over HTTPS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("scheme") != "https":
            await self.app(scope, receive, send)
            return

        async def send_with_hsts(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if all(key.lower() != HSTS_HEADER[0] for key, _value in headers):
                    headers.append(HSTS_HEADER)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_hsts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)
