"""Web Push delivery: which endpoints the node will post to, and one push with ``pywebpush``.

The endpoint of a subscription comes from a browser, so it is input like any other: a
node that posted wherever it is told could be made to reach its own network (SSRF). The
policy (docs/notifications.md, "Which endpoints"):

- ``https`` only, no user name or password in the URL, a host name (not a bare
  single-label name, nor ``localhost``, ``*.local``, ``*.internal``, ``*.lan``,
  ``*.home.arpa``) or a global IP address;
- checked again on every connection, on the address actually connected to (so a name
  that resolves, or later re-resolves, to 10.x, 127.x, 169.254.x, ::1, fc00::/7 … is
  refused), with no proxy from the environment and no redirect followed;
- ``loopback=True`` (``NodeConfig.push_allow_loopback``, for tests and development
  only, never in production) also allows ``http`` or ``https`` to 127.0.0.1, ::1 and
  ``localhost``; every other non-global address stays refused.

A push is the notice as JSON (``title``, ``body``, ``url``, ``kind``, ``urgent``),
encrypted with RFC 8291 (``aes128gcm``) to the subscription's keys and signed with the
node's VAPID key (RFC 8292: ``Authorization: vapid t=<JWT>, k=<public key>``).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from commonweal.core.webpush import vapid_key

MAX_ENDPOINT = 1000
TTL_SECONDS = 24 * 3600
JWT_LIFETIME = timedelta(hours=12)
_PRIVATE_SUFFIXES = (".local", ".internal", ".lan", ".home.arpa", ".localhost", ".localdomain")
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


class EndpointRefused(ValueError):
    """An endpoint the policy does not allow; the message says why, as a template with
    ``params`` (like a domain error's, so a refusal says it in the reader's language)."""

    def __init__(self, message: str, **params: object) -> None:
        said = message % params if params else message
        super().__init__(said)
        self.message = said
        self.template = message
        self.params = params


class PushGone(Exception):
    """The push service answered 404 or 410: the subscription is gone for good."""


class PushRefused(Exception):
    """The push service refused the push for good (another 4xx): no retry will help."""


def check_endpoint(endpoint: object, *, loopback: bool = False) -> str:
    """``endpoint`` if the policy allows posting to it, else :class:`EndpointRefused`."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT:
        raise EndpointRefused(
            "endpoint must be a URL of at most %(most)s characters", most=MAX_ENDPOINT
        )
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        _port = parts.port
    except ValueError:
        raise EndpointRefused("endpoint is not a valid URL") from None
    if parts.username is not None or parts.password is not None:
        raise EndpointRefused("endpoint must not carry a user name or password")
    if not host or parts.fragment:
        raise EndpointRefused("endpoint must name a host, without a #fragment")
    if loopback and _is_loopback_name(host):
        if parts.scheme not in ("http", "https"):
            raise EndpointRefused("endpoint must be an http(s) URL")
        return endpoint
    if parts.scheme != "https":
        raise EndpointRefused("endpoint must be an https URL")
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None and not address.is_global:
        raise EndpointRefused(
            "endpoint must not be a private or local address (%(host)s)", host=host
        )
    if address is None and ("." not in host or host.endswith(_PRIVATE_SUFFIXES)):
        raise EndpointRefused("endpoint must be a public host name, not %(host)s", host=repr(host))
    if address is None and host == "localhost":
        raise EndpointRefused("endpoint must be a public host name, not 'localhost'")
    return endpoint


def _is_loopback_name(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_peer(address: str, *, loopback: bool) -> bool:
    """Whether the node may talk to the IP address it connected to."""
    peer = ipaddress.ip_address(address.split("%")[0])
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    return peer.is_global or (loopback and peer.is_loopback)


# -- a requests session that connects to allowed addresses only ------------------------


def _guarded(sock: socket.socket, loopback: bool) -> socket.socket:
    address = str(sock.getpeername()[0])
    if not allowed_peer(address, loopback=loopback):
        sock.close()
        raise OSError(f"the push endpoint resolved to a refused address ({address})")
    return sock


class _HttpConnection(HTTPConnection):
    loopback = False

    def _new_conn(self) -> socket.socket:
        return _guarded(super()._new_conn(), self.loopback)


class _HttpsConnection(HTTPSConnection):
    loopback = False

    def _new_conn(self) -> socket.socket:
        return _guarded(super()._new_conn(), self.loopback)


class _LoopbackHttp(_HttpConnection):
    loopback = True


class _LoopbackHttps(_HttpsConnection):
    loopback = True


class _Pool(HTTPConnectionPool):
    ConnectionCls = _HttpConnection


class _TlsPool(HTTPSConnectionPool):
    ConnectionCls = _HttpsConnection


class _LoopbackPool(HTTPConnectionPool):
    ConnectionCls = _LoopbackHttp


class _LoopbackTlsPool(HTTPSConnectionPool):
    ConnectionCls = _LoopbackHttps


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, loopback: bool) -> None:
        self.loopback = loopback
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = (
            {"http": _LoopbackPool, "https": _LoopbackTlsPool}
            if self.loopback
            else {"http": _Pool, "https": _TlsPool}
        )


class _NoRedirects(requests.Session):
    def request(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def guarded_session(*, loopback: bool) -> requests.Session:
    """A session that ignores proxies from the environment, follows no redirect and
    connects only to addresses :func:`allowed_peer` allows."""
    session = _NoRedirects()
    session.trust_env = False
    adapter = _GuardedAdapter(loopback)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# -- one push ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Push:
    """One push to send: where, to which keys, and what."""

    endpoint: str
    p256dh: str
    auth: str
    payload: dict[str, Any]
    urgent: bool


def send_push(
    push: Push,
    *,
    vapid_private: str,
    contact: str,
    now: datetime,
    loopback: bool,
    timeout: float = 10.0,
) -> None:
    """Encrypt and post one push; :class:`PushGone` (404/410), :class:`PushRefused`
    (another 4xx but 429), ``OSError`` or ``requests.RequestException`` or
    :class:`WebPushException` for anything worth retrying (5xx, 429, a 3xx, unreachable)."""
    check_endpoint(push.endpoint, loopback=loopback)
    parts = urlsplit(push.endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int((now + JWT_LIFETIME).timestamp()),
        "sub": contact,
    }
    headers = Vapid02(vapid_key(vapid_private)).sign(claims)
    headers["Urgency"] = "high" if push.urgent else "normal"
    subscription = {"endpoint": push.endpoint, "keys": {"p256dh": push.p256dh, "auth": push.auth}}
    with guarded_session(loopback=loopback) as session:
        pusher = WebPusher(subscription, requests_session=session)
        data = orjson.dumps(push.payload)
        answer: Any = pusher.send(data, headers, ttl=TTL_SECONDS, timeout=timeout)
    status = int(answer.status_code)
    if status in (404, 410):
        raise PushGone(f"the push service answered {status}: the subscription is gone")
    if 400 <= status < 500 and status != 429:
        raise PushRefused(f"the push service refused the push ({status} {answer.reason})")
    if status >= 300:
        raise WebPushException(f"the push service answered {status} {answer.reason}")
