"""An ASGI app that answers with what the layers below ``ForwardedHeaders`` see."""

from __future__ import annotations

import orjson

from commonweal.web.edge import Receive, Scope, Send
from commonweal.web.proxy import PEER_SCOPE_KEY, ForwardedHeaders, ProxyTrust, client_address


async def probe(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers ``{"client", "scheme", "peer", "forwarded"}`` as JSON."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    headers = dict(scope["headers"])
    peer = scope.get(PEER_SCOPE_KEY)
    body = orjson.dumps(
        {
            "client": client_address(scope),
            "scheme": scope["scheme"],
            "peer": peer[0] if peer else None,
            "forwarded": headers.get(b"forwarded", b"").decode() or None,
        }
    )
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def probe_behind(trust: ProxyTrust) -> ForwardedHeaders:
    """The probe behind the same middleware the node's app has outermost."""
    return ForwardedHeaders(probe, trust)
