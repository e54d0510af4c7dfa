"""Reads that are current across processes, and say so (docs/operations.md).

When several processes serve one store, each answers reads from its own copy of the
state, which follows the log (node/kernel/follower.py). Before a read (``GET`` or
``HEAD``) this layer waits on the follower's barrier, so the answer includes every
write acknowledged before the read arrived, by any process: a member reads their own
write from any worker at once. Every response says which log it reflects:

``Commonweal-Log-Size``
    on reads, the number of log entries the state held when the read began (the answer
    includes at least those); on writes, the size after the write;
``Commonweal-Log-Lag``
    on reads, ``0`` when the state was confirmed to be the whole log for this read,
    else the seconds since it last was (the store cannot be read): the answer is then
    served as it stood, marked stale, never as current.

Static files, health checks and metrics skip the barrier; ``POST /v1/events/check``, which
only reads, waits on it. Without the barrier (``serve --no-read-barrier``) reads are answered
from the state as the follower last brought it (milliseconds behind another process's
writes), and ``Commonweal-Log-Lag: 0`` then only says that the follower's latest round
succeeded.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from commonweal.node.kernel.follower import LogFollower

SIZE_HEADER = b"commonweal-log-size"
LAG_HEADER = b"commonweal-log-lag"
UNBARRED = ("/static/", "/healthz", "/readyz", "/metrics")
READS = frozenset({"GET", "HEAD"})
POSTED_READS = frozenset({"/v1/events/check"})
"""Posted requests that only read: whether an event would be accepted now."""


class FreshReads:
    """Waits on the follower's barrier before a read; adds the log headers to responses."""

    def __init__(self, app: ASGIApp, follower: LogFollower, *, barrier: bool = True) -> None:
        self.app = app
        self.follower = follower
        self.barrier = barrier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lag: bytes | None = None
        node = self.follower.node
        size: int | None = None
        path = scope["path"]
        if (scope["method"] in READS and not path.startswith(UNBARRED)) or path in POSTED_READS:
            fresh = await self.follower.fresh() if self.barrier else self.follower.error is None
            lag = b"0" if fresh else f"{self.follower.lag_seconds():.3f}".encode()
            size = node.size

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                shown = node.size if size is None else size
                headers.append((SIZE_HEADER, str(shown).encode()))
                if lag is not None:
                    headers.append((LAG_HEADER, lag))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)
