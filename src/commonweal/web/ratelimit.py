"""Rate limits: per client address, per signing DID and per treaty peer, in one place.

Every request is put in a *route class* — ``read``, ``tiles`` (the log's C2SP tiles,
which mirrors pull by the thousand), ``write`` (one event or any other change),
``batch``, ``sign_in``, ``federation`` — and charged to its client address's
budget for that class; a federation request signed (by its ``keyid``) as a peer this node
recognises is charged to that peer's own, larger budget instead. Submissions are also
charged to each signing DID's budget once the event is parsed and before it reaches the
sequencer (:meth:`RateLimiter.check_authors`, called by ``web.edge``), and events by keys
that are not members are charged to the address's anonymous-write budget (an edge
policy: addresses are not in the log, so ``verify`` cannot recheck it; the constitution's
write policy, ``domain.governance.writes``, is the part the log enforces).

Budgets are GCRA (the generic cell rate algorithm, a token bucket kept as one number
per key): a quota ``q`` per window ``w`` seconds, a burst of up to ``q``. Memory is
bounded: keys that have fully recovered are dropped, and past ``max_keys`` the least
recently seen key is forgotten (it starts again with a full budget). All of it runs on
the event loop, so it needs no lock.

A refusal is a ``429`` problem (``rate_limited``) with ``Retry-After``; every limited
response carries ``RateLimit-Policy`` and ``RateLimit`` as structured fields, per
draft-ietf-httpapi-ratelimit-headers: ``RateLimit-Policy: "write";q=1200;w=60`` and
``RateLimit: "write";r=1187;t=1``.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from commonweal.node.kernel.errors import Rejected
from commonweal.web.problems import problem
from commonweal.web.proxy import client_address

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CLASSES = (
    "read",
    "tiles",
    "write",
    "batch",
    "sign_in",
    "federation",
    "peer",
    "author",
    "anonymous",
)
"""Route classes (charged per address), then the peer, signing-DID and anonymous budgets."""

FEDERATION_PREFIXES = ("/v1/federation", "/witness/", "/mirror/")
TILE_PREFIX = "/log/tile/"
SIGN_IN_PREFIX = "/session"
BATCH_PATH = "/v1/events/batch"
CHECK_PATH = "/v1/events/check"
"""A dry run of an event: a POST, but it writes nothing, so it is charged as a read."""


@dataclass(frozen=True, slots=True)
class Quota:
    """``requests`` per ``window`` seconds, with a burst of up to ``requests``."""

    requests: int
    window: int = 60

    @classmethod
    def parse(cls, text: str) -> Quota:
        """``"1200/60"`` (requests per seconds) or ``"1200"`` (per minute)."""
        requests, _, window = text.partition("/")
        try:
            quota = cls(int(requests), int(window or 60))
        except ValueError:
            raise ValueError(
                f"a rate limit is REQUESTS/SECONDS, like 1200/60; got {text!r}"
            ) from None
        if quota.requests < 1 or quota.window < 1:
            raise ValueError(
                f"a rate limit needs at least 1 request per at least 1 s; got {text!r}"
            )
        return quota

    def __str__(self) -> str:
        return f"{self.requests}/{self.window}"


DEFAULT_QUOTAS: dict[str, Quota] = {
    "read": Quota(6000),
    "tiles": Quota(30000),
    "write": Quota(1200),
    "batch": Quota(120),
    "sign_in": Quota(30),
    "federation": Quota(1200),
    "peer": Quota(12000),
    "author": Quota(600),
    "anonymous": Quota(60, 3600),
}
"""Generous defaults: a person clicking, a script submitting, a peer syncing never meet
them; a flood from one address or one key does (docs/operations.md, "Rate limits")."""


@dataclass(frozen=True)
class RateLimits:
    """Which budgets apply (node.json ``rate_limits``, ``serve --rate-limit``)."""

    enabled: bool = True
    quotas: dict[str, Quota] = field(default_factory=lambda: dict(DEFAULT_QUOTAS))
    max_keys: int = 100_000
    """The most keys remembered per budget; the least recently seen is forgotten first."""

    @classmethod
    def from_settings(cls, value: dict[str, Any] | None) -> RateLimits:
        """From node.json's ``rate_limits``: ``{"enabled": true, "write": "1200/60", ...}``."""
        quotas = dict(value or {})
        enabled = quotas.pop("enabled", True)
        max_keys = quotas.pop("max_keys", 100_000)
        if not isinstance(enabled, bool) or type(max_keys) is not int or max_keys < 1:
            raise ValueError("rate_limits.enabled is true or false; max_keys a positive integer")
        limits = cls(enabled=enabled, max_keys=max_keys)
        return limits.with_quotas({name: str(text) for name, text in quotas.items()})

    def with_quotas(self, overrides: dict[str, str]) -> RateLimits:
        """These limits with some classes' quotas replaced (``{"read": "100/60"}``)."""
        unknown = sorted(set(overrides) - set(CLASSES))
        if unknown:
            raise ValueError(f"unknown rate-limit class {unknown[0]!r}: try {', '.join(CLASSES)}")
        parsed = {name: Quota.parse(text) for name, text in overrides.items()}
        return replace(self, quotas={**self.quotas, **parsed})


NO_RATE_LIMITS = RateLimits(enabled=False)


class Decision(NamedTuple):
    """One charge against a budget: allowed or not, what remains and when it refills."""

    budget: Budget
    allowed: bool
    remaining: int
    reset: int
    """Seconds until the budget is whole again (``t``)."""
    retry_after: int
    """Seconds to wait before this request would be allowed (0 when allowed)."""

    @property
    def name(self) -> str:
        """The budget's name: its route class, or ``peer``, ``author``, ``anonymous``."""
        return self.budget.name

    @property
    def quota(self) -> Quota:
        """The budget's quota."""
        return self.budget.quota

    def headers(self) -> list[tuple[bytes, bytes]]:
        """``RateLimit-Policy`` and ``RateLimit`` (and ``Retry-After`` on a refusal)."""
        pairs = [
            (b"ratelimit-policy", self.budget.policy_field),
            (
                b"ratelimit",
                b'"%s";r=%d;t=%d' % (self.budget.name_bytes, self.remaining, self.reset),
            ),
        ]
        if not self.allowed:
            pairs.append((b"retry-after", b"%d" % self.retry_after))
        return pairs


EPSILON = 1e-6
"""Seconds of float rounding tolerated when a charge would fill the window exactly."""


class Budget:
    """One GCRA budget per key: the theoretical arrival time of the next request."""

    SWEEP_EVERY = 256
    """Idle keys are looked for once every so many charges (and whenever over the cap)."""

    def __init__(self, name: str, quota: Quota, max_keys: int) -> None:
        self.name = name
        self.quota = quota
        self.max_keys = max_keys
        self.window = float(quota.window)
        self.interval = quota.window / quota.requests
        self.name_bytes = name.encode("ascii")
        self.policy_field = b'"%s";q=%d;w=%d' % (self.name_bytes, quota.requests, quota.window)
        self._tat: OrderedDict[str, float] = OrderedDict()
        self._charges = 0

    def __len__(self) -> int:
        return len(self._tat)

    def take(self, key: str, now: float) -> Decision:
        """Charge one request to ``key``; refused if the burst is spent."""
        tats = self._tat
        tat = tats.get(key, now)
        if tat < now:
            tat = now
        new_tat = tat + self.interval
        if new_tat - now > self.window + EPSILON:  # float sums: now + w - now may exceed w
            used = tat - now
            wait = max(1, math.ceil(new_tat - self.window - now))
            return Decision(self, False, self._left(used), math.ceil(used), wait)
        tats[key] = new_tat
        tats.move_to_end(key)
        self._charges += 1
        if self._charges % self.SWEEP_EVERY == 0 or len(tats) > self.max_keys:
            self._forget_idle(now)
        used = new_tat - now
        return Decision(self, True, self._left(used), math.ceil(used), 0)

    def _left(self, used: float) -> int:
        return max(0, int((self.window - used) / self.interval + 1e-9))

    def _forget_idle(self, now: float) -> None:
        """Drop the least recently charged keys while they are idle (their budget whole
        again, the same as never seen) or the budget holds more than ``max_keys``."""
        tats = self._tat
        while tats:
            oldest = next(iter(tats))
            if tats[oldest] > now and len(tats) <= self.max_keys:
                return
            del tats[oldest]


class Throttled(Rejected):
    """A request over one of its budgets: a ``429`` with ``Retry-After``."""

    def __init__(self, decision: Decision, detail: str) -> None:
        super().__init__("rate_limited", detail)
        self.decision = decision

    def response(self) -> Any:
        """The RFC 9457 problem, with the rate-limit headers."""
        response = problem(
            "rate_limited", self.message, status=429, retry_after=self.decision.retry_after
        )
        for name, value in self.decision.headers():
            response.headers.append(name.decode(), value.decode())
        return response


WHAT = {
    "read": "reads",
    "tiles": "tile reads",
    "write": "writes",
    "batch": "batches",
    "sign_in": "sign-in attempts",
    "federation": "federation requests",
    "peer": "requests from this peer",
    "author": "events signed by this key",
    "anonymous": "events by keys that are not members",
}


class RateLimiter:
    """Every budget of one node, and the checks the middleware and the edge make."""

    def __init__(
        self,
        limits: RateLimits,
        *,
        is_peer: Callable[[str], bool] = lambda _keyid: False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits
        self.is_peer = is_peer
        self.clock = clock
        self.budgets = {
            name: Budget(name, quota, limits.max_keys) for name, quota in limits.quotas.items()
        }

    def charge(self, name: str, key: str, now: float | None = None) -> Decision:
        """Charge ``key``'s budget ``name``; raise :class:`Throttled` when it is spent."""
        decision = self.budgets[name].take(key, self.clock() if now is None else now)
        if not decision.allowed:
            raise Throttled(
                decision,
                f"too many {WHAT[name]}: at most {decision.quota.requests} per "
                f"{decision.quota.window} s; retry in {decision.retry_after} s",
            )
        return decision

    def check_request(self, scope: Scope) -> Decision:
        """The budget a request is charged to, by its route class (or its peer's)."""
        address = client_address(scope) or "unknown"
        name = route_class(scope)
        if name == "federation":
            keyid = signing_keyid(scope)
            if keyid is not None and self.is_peer(keyid):
                return self.charge("peer", f"{keyid}@{address}")
        return self.charge(name, address)

    def check_authors(
        self, scope: Scope, authors: Sequence[str], anonymous: Sequence[str] = ()
    ) -> None:
        """Charge each signing DID once, and the address once per event by an anonymous key
        (``anonymous`` lists the authors of those events, repeats included)."""
        now = self.clock()
        for author in authors if len(authors) == 1 else dict.fromkeys(authors):
            self.charge("author", author, now)
        if anonymous:
            address = client_address(scope) or "unknown"
            for _author in anonymous:
                self.charge("anonymous", address, now)


def route_class(scope: Scope) -> str:
    """``read``, ``tiles``, ``write``, ``batch``, ``sign_in`` or ``federation``."""
    path: str = scope.get("path", "")
    if path.startswith(TILE_PREFIX):
        return "tiles"  # immutable, and what mirrors pull by the thousand
    if path.startswith(FEDERATION_PREFIXES):
        return "federation"
    if path.startswith(SIGN_IN_PREFIX) and scope.get("method") == "POST":
        return "sign_in"
    if scope.get("method") in ("GET", "HEAD", "OPTIONS") or path == CHECK_PATH:
        return "read"
    return "batch" if path == BATCH_PATH else "write"


def signing_keyid(scope: Scope) -> str | None:
    """The ``keyid`` a request's ``Signature-Input`` claims (not yet verified: the peer
    budget is per peer *and* address, so a forger cannot spend a real peer's budget)."""
    for name, value in scope.get("headers", ()):
        if name == b"signature-input":
            text = value.decode("latin-1")
            start = text.find('keyid="')
            if start < 0:
                return None
            end = text.find('"', start + 7)
            return text[start + 7 : end] if end > start else None
    return None


class RateLimitEdge:
    """ASGI middleware: charges every HTTP request and adds the headers to its response."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            decision = self.limiter.check_request(scope)
        except Throttled as throttled:
            await throttled.response()(scope, receive, send)
            return
        headers = decision.headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = list(message.get("headers", ()))
                if not any(name == b"ratelimit" for name, _ in present):
                    message["headers"] = [*present, *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)
