"""Connection limits for the serving process: how many, from whom, and for how long.

A client that opens connections and sends nothing (or half a request line, or a body
one byte a minute) holds a file descriptor each. Left alone, one client can use up
the process's open-file limit and lock everyone else out. So the HTTP protocol the
node serves with counts open connections per client address and overall, and
refuses one over either cap *as it is accepted* — before a byte of it is parsed —
and every connection has a deadline for each phase:

- **headers**: a request's line and headers must arrive within ``header_timeout``
  of the connection opening (or of the previous response, on a kept-alive one);
- **body**: its body within ``body_timeout`` of its headers;
- **keep-alive**: an idle kept-alive connection is closed after ``keep_alive_timeout``.

A connection over a cap is answered ``503`` with ``Retry-After`` and closed; one past
a deadline is closed (``408`` if nothing of a response was sent yet). Addresses in
``exempt`` (a trusted reverse proxy, which carries many clients) are not capped per
address, only overall. See docs/operations.md, "Connections and open files".
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


@dataclass(frozen=True)
class ConnectionLimits:
    """The caps and deadlines a serving node applies to its connections."""

    max_connections: int = 1000
    """Open connections at once, from everyone."""

    max_per_address: int = 64
    """Open connections at once from one client address."""

    header_timeout: float = 10.0
    """Seconds for a request's line and headers to arrive."""

    body_timeout: float = 30.0
    """Seconds for a request's body to arrive once its headers did."""

    keep_alive_timeout: float = 5.0
    """Seconds an idle kept-alive connection stays open."""

    exempt: frozenset[str] = frozenset()
    """Addresses not capped per address (a trusted reverse proxy); the overall cap holds."""

    def __post_init__(self) -> None:
        if self.max_connections < 1 or self.max_per_address < 1:
            raise ValueError("connection caps must be at least 1")
        if min(self.header_timeout, self.body_timeout, self.keep_alive_timeout) <= 0:
            raise ValueError("connection timeouts must be positive")


@dataclass
class ConnectionCounts:
    """Open connections, overall and per client address (one event loop: no lock)."""

    limits: ConnectionLimits
    by_address: Counter[str] = field(default_factory=Counter)
    total: int = 0
    refused: int = 0
    timed_out: int = 0

    def admit(self, address: str) -> str | None:
        """Count a new connection from ``address``; or say why it is refused."""
        if self.total >= self.limits.max_connections:
            return "the node has as many open connections as it accepts"
        if (
            address not in self.limits.exempt
            and self.by_address[address] >= self.limits.max_per_address
        ):
            return "this address has as many open connections as the node accepts from one"
        self.total += 1
        self.by_address[address] += 1
        return None

    def release(self, address: str) -> None:
        """Forget a connection that closed."""
        self.total -= 1
        self.by_address[address] -= 1
        if self.by_address[address] <= 0:
            del self.by_address[address]


def _plain_response(status: bytes, message: str, extra: bytes = b"") -> bytes:
    body = message.encode()
    return (
        b"HTTP/1.1 " + status + b"\r\n"
        b"content-type: text/plain; charset=utf-8\r\n"
        b"x-content-type-options: nosniff\r\n"
        + extra
        + b"connection: close\r\n"
        + b"content-length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with per-address and overall caps and read deadlines.

    Subclassed per server by :func:`guarded_protocol`, which sets ``counts``.
    """

    counts: ConnectionCounts

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._admitted_from: str | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self.timeout_keep_alive = self.counts.limits.keep_alive_timeout  # type: ignore[assignment]

    # -- accepting -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if isinstance(peer, tuple) and peer else "unknown"
        refusal = self.counts.admit(address)
        if refusal is not None:
            self.counts.refused += 1
            self.transport = transport
            transport.write(
                _plain_response(b"503 Service Unavailable", refusal + "\n", b"retry-after: 5\r\n")
            )
            transport.close()
            return
        self._admitted_from = address
        super().connection_made(transport)
        self._arm(self.counts.limits.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._admitted_from is None:  # refused at the door: nothing else was set up
            return
        self.counts.release(self._admitted_from)
        self._admitted_from = None
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._admitted_from is None:
            return
        super().data_received(data)

    # -- deadlines ---------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:  # a kept-alive connection's next request starts now
            self._arm(self.counts.limits.header_timeout)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._arm(self.counts.limits.body_timeout)
        if self.cycle is not None:
            # the cycle writes its response through OneWrite: headers and body together
            self.cycle.transport = OneWrite(self.transport, self.cycle)  # type: ignore[assignment]

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._disarm()

    def on_response_complete(self) -> None:
        if self.cycle is not None and isinstance(self.cycle.transport, OneWrite):
            self.cycle.transport.flush()  # a response without a body (HEAD, 204, 304)
        super().on_response_complete()
        self._disarm()  # the keep-alive timer (uvicorn's) now watches the idle connection

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport is None or self.transport.is_closing():
            return
        self.counts.timed_out += 1
        if self.cycle is None or not self.cycle.response_started:
            if self.cycle is not None:
                self.cycle.disconnected = True
            self.transport.write(
                _plain_response(b"408 Request Timeout", "the request did not arrive in time\n")
            )
        self.transport.close()


class OneWrite:
    """The transport one response is written through, so that its status line and headers
    go out in the same write as its body.

    uvicorn writes a response's head when the app starts it and its body when the app
    sends it: two system calls, and on a small response two TCP segments, for what could
    be one. This holds the head (the first write once the response has started) and
    writes it joined to the first piece of the body; everything else passes straight
    through (an interim ``100 Continue`` is written at once, before the response starts).
    """

    __slots__ = ("_cycle", "_held", "_transport", "_written")

    def __init__(self, transport: asyncio.Transport, cycle: Any) -> None:
        self._transport = transport
        self._cycle = cycle
        self._held: bytes | None = None
        self._written = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._written or not self._cycle.response_started:
            self._transport.write(data)
        elif self._held is None:
            self._held = bytes(data)
        else:
            self._written = True
            self._transport.write(b"".join((self._held, data)))
            self._held = None

    def flush(self) -> None:
        """Write a head still held (a response that ends without a body)."""
        if self._held is not None:
            self._written = True
            self._transport.write(self._held)
            self._held = None

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def guarded_protocol(limits: ConnectionLimits) -> type[GuardedProtocol]:
    """A protocol class for one server, its connections counted against ``limits``."""
    counts = ConnectionCounts(limits)
    return type("GuardedProtocol", (GuardedProtocol,), {"counts": counts})
