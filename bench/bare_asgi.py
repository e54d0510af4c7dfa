"""The same-run baseline of the HTTP hot path: the least an ASGI endpoint can do.

Served by uvicorn with httptools, as the node is, it reads a request's body and answers
``201`` with a receipt-sized JSON document. Nothing is parsed or checked: the node's
single-event rate is reported as a share of this endpoint's rate, measured by the same
clients on the same machine in the same run (bench/hotpath.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]

RECEIPT = (
    b'{"index":123456,"leaf_hash":"0123456789abcdef0123456789abcdef0123456789abcdef'
    b'0123456789abcdef","received":"2026-11-23T12:00:00.000000Z","duplicate":false}'
)
HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(RECEIPT)).encode()),
]


async def app(
    scope: MutableMapping[str, Any],
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    """Read the body, answer a fixed receipt."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = bool(message.get("more_body", False))
    await send({"type": "http.response.start", "status": 201, "headers": HEADERS})
    await send({"type": "http.response.body", "body": RECEIPT})
