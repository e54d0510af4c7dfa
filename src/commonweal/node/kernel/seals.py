"""Short-lived, self-contained tokens sealed with a key derived from the node key, spent once.

Sign-in challenges and session cookies (``web.session``), and OpenID4VCI's and
OpenID4VP's pre-authorised codes, access tokens, nonces and presentation requests are
sealed with an HMAC key derived from the node key for their protocol, so they need no
table and survive a restart; each names its kind and its expiry. A token that must be
used once is remembered, until it expires, in this process.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

import orjson

from commonweal.core.vc.multibase64 import b64url, b64url_decode
from commonweal.node.kernel.service import Node


class Seals:
    """Seals, opens and spends the tokens of one protocol (``label``) for one node."""

    def __init__(self, node: Node, label: bytes, *, now: Callable[[], float] = time.time) -> None:
        self.now = now
        self._secret = hmac.new(node.identity.key.seed, label, hashlib.sha256).digest()
        self._spent: dict[str, float] = {}
        self._lock = threading.Lock()

    def seal(self, kind: str, seconds: int, claims: dict[str, Any]) -> str:
        """A token of ``kind`` carrying ``claims``, good for ``seconds``."""
        body = {"n": secrets.token_urlsafe(12), "e": int(self.now()) + seconds}
        return self.seal_claims(kind, {**body, **claims})

    def seal_claims(self, kind: str, claims: dict[str, Any]) -> str:
        """A token of ``kind`` carrying exactly ``claims`` (its expiry among them, ``e``:
        seconds since the epoch)."""
        payload = b64url(orjson.dumps({"k": kind, **claims}))
        return payload + "." + b64url(self._mac(payload))

    def open(self, kind: str, token: object) -> dict[str, Any] | None:
        """The claims of a valid, unexpired token of ``kind``; None for anything else."""
        if not isinstance(token, str) or len(token) > 4096:
            return None
        payload, _, tag = token.partition(".")
        try:
            valid = hmac.compare_digest(b64url_decode(tag), self._mac(payload))
            claims = orjson.loads(b64url_decode(payload)) if valid else None
        except (ValueError, orjson.JSONDecodeError):
            return None
        if not isinstance(claims, dict) or claims.get("k") != kind:
            return None
        if not isinstance(claims.get("e"), int) or claims["e"] < self.now():
            return None
        return claims

    def spend(self, token: str, expires: int) -> bool:
        """Mark ``token`` used; False if it was used already."""
        with self._lock:
            now = self.now()
            self._spent = {t: e for t, e in self._spent.items() if e >= now}
            if token in self._spent:
                return False
            self._spent[token] = expires
            return True

    def _mac(self, payload: str) -> bytes:
        return hmac.new(self._secret, payload.encode(), hashlib.sha256).digest()
