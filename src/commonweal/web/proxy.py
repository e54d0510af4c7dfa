"""Who sent a request, and over what: forwarded headers, believed from a trusted proxy only.

Behind a TLS-terminating reverse proxy (Caddy, docs/operations.md) every connection
comes from the proxy, which says in ``X-Forwarded-For`` / ``X-Forwarded-Proto`` (or the
RFC 7239 ``Forwarded`` header) who the client was and whether it spoke TLS. Anyone can
send those headers, so they are read only when the connection itself comes from an
address the operator named (``serve --trusted-proxy``); from anyone else they are
ignored and the connection's own address and scheme stand.

``ForwardedHeaders`` is the outermost layer of the app: it rewrites the ASGI scope's
``client`` and ``scheme`` once, so every layer below it (the submission and witness
edges, FastAPI, the session cookie's ``Secure`` flag, HSTS, rate limits) sees the same
trusted values. ``client_address`` is the one way to ask for the client's address.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.types import ASGIApp, Receive, Scope, Send

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
ProxyHeader = Literal["x-forwarded", "forwarded"]
PROXY_HEADERS: tuple[ProxyHeader, ...] = ("x-forwarded", "forwarded")

PEER_SCOPE_KEY = "commonweal.peer"
"""The scope key holding the connection's own ``(host, port)`` when a proxy rewrote ``client``."""

_CACHED = 4096
"""Addresses parsed and judged are remembered, up to this many: a flood of distinct
addresses then costs parsing (microseconds with ``ipaddress``), never memory."""
_SCHEMES = {"http": {"http": "http", "https": "https"}, "websocket": {"http": "ws", "https": "wss"}}


class ProxyTrustError(ValueError):
    """A trusted-proxy setting that is not an IP address or network."""


@dataclass(frozen=True)
class ProxyTrust:
    """The addresses whose forwarded headers are believed, and which header family they set.

    Only one family is read: a proxy that sets ``X-Forwarded-For`` but passes a client's
    ``Forwarded`` header through untouched (Caddy does) must not let that client choose
    its own address.
    """

    networks: tuple[IPNetwork, ...] = ()
    header: ProxyHeader = "x-forwarded"
    _verdicts: dict[str, bool] = field(default_factory=dict, init=False, compare=False, repr=False)
    """Addresses already judged (bounded: emptied when full)."""

    @classmethod
    def parse(cls, proxies: Iterable[str], header: str = "x-forwarded") -> ProxyTrust:
        """Trust from ``proxies``: IP addresses or networks (``127.0.0.1``, ``10.0.0.0/8``),
        each item possibly a comma- or space-separated list (as an environment variable is)."""
        if header not in PROXY_HEADERS:
            raise ProxyTrustError(
                f"the proxy header must be one of {', '.join(PROXY_HEADERS)} (got {header!r})"
            )
        networks = []
        for item in proxies:
            for text in item.replace(",", " ").split():
                try:
                    networks.append(ipaddress.ip_network(text, strict=False))
                except ValueError:
                    raise ProxyTrustError(
                        f"a trusted proxy is an IP address or network such as 127.0.0.1 or "
                        f"10.0.0.0/8, not {text!r}"
                    ) from None
        return cls(tuple(networks), "forwarded" if header == "forwarded" else "x-forwarded")

    def trusts(self, address: str | None) -> bool:
        """Whether ``address`` (a connection's peer, or a hop) is one of the trusted proxies."""
        if address is None or not self.networks:
            return False
        verdict = self._verdicts.get(address)
        if verdict is None:
            if len(self._verdicts) >= _CACHED:
                self._verdicts.clear()
            canonical = _address(address)
            ip = ipaddress.ip_address(canonical) if canonical else None
            verdict = ip is not None and any(ip in network for network in self.networks)
            self._verdicts[address] = verdict
        return verdict


NO_PROXY = ProxyTrust()
"""The default: no proxy is trusted and forwarded headers are never read."""


def client_address(scope: Scope) -> str | None:
    """The client's IP address for this request: the trusted proxy's word for it when the
    connection came from a trusted proxy, else the connection's own peer address."""
    client = scope.get("client")
    return str(client[0]) if client else None


class ForwardedHeaders:
    """ASGI middleware: sets ``client`` and ``scheme`` from a trusted proxy's headers."""

    def __init__(self, app: ASGIApp, trust: ProxyTrust = NO_PROXY) -> None:
        self.app = app
        self.trust = trust

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in _SCHEMES and self.trust.networks:
            peer = scope.get("client")
            if peer and self.trust.trusts(peer[0]):
                client, scheme = forwarded_origin(scope.get("headers", ()), self.trust)
                if client is not None:
                    scope[PEER_SCOPE_KEY] = peer
                    scope["client"] = (client, 0)
                if scheme is not None:
                    scope["scheme"] = _SCHEMES[scope["type"]][scheme]
        await self.app(scope, receive, send)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)


def forwarded_origin(
    headers: Iterable[tuple[bytes, bytes]], trust: ProxyTrust
) -> tuple[str | None, str | None]:
    """The client address and scheme (``http``/``https``) that trusted proxies report in
    ``headers``, or None for what they do not say.

    Hops are read from the nearest (rightmost) back: each trusted proxy's entry is
    skipped, and the first untrusted one is the client. An entry that is not an IP
    address stops the walk and leaves the address unknown.
    """
    if trust.header == "forwarded":
        elements = b",".join(value for key, value in headers if key == b"forwarded")
        hops = list(_forwarded_hops(elements.decode("latin-1")))
    else:
        addresses: list[bytes] = []
        protos: list[bytes] = []
        for key, value in headers:  # ASGI header names are lower-case
            if key == b"x-forwarded-for":
                addresses.append(value)
            elif key == b"x-forwarded-proto":
                protos.append(value)
        proto = _split(b",".join(protos).decode("latin-1"))[-1:]
        scheme = proto[0].lower() if proto else None
        hops = [(hop, scheme) for hop in _split(b",".join(addresses).decode("latin-1"))]
        hops = hops or [("", scheme)]
    client, scheme = _client_hop(hops, trust)
    return client, scheme if scheme in ("http", "https") else None


def _client_hop(
    hops: list[tuple[str, str | None]], trust: ProxyTrust
) -> tuple[str | None, str | None]:
    """The nearest hop that is not a trusted proxy (the farthest if all are): its address,
    if it is one, and the scheme it used."""
    for position, (hop, proto) in enumerate(reversed(hops)):
        address = _address(hop)
        if address is None:
            return None, proto
        if position == len(hops) - 1 or not trust.trusts(address):
            return address, proto
    return None, None


def _split(text: str) -> list[str]:
    return [stripped for part in text.split(",") if (stripped := part.strip())]


def _forwarded_hops(text: str) -> Iterator[tuple[str, str | None]]:
    """``(for, proto)`` of each element of an RFC 7239 ``Forwarded`` value, in order."""
    for element in _split_outside_quotes(text, ","):
        pairs = {}
        for pair in _split_outside_quotes(element, ";"):
            name, _, value = pair.partition("=")
            pairs[name.strip().lower()] = value.strip().strip('"')
        proto = pairs.get("proto")
        yield pairs.get("for", ""), proto.lower() if proto else None


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


@functools.lru_cache(maxsize=_CACHED)
def _address(hop: str) -> str | None:
    """The IP address in a hop, in its canonical form: ``192.0.2.1``, ``192.0.2.1:4711``,
    ``[2001:db8::1]:4711``; None if there is none."""
    text = hop.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None
