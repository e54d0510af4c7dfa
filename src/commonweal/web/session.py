"""Signing in to a node's pages with the key in the browser, and the session that follows.

The node never sees a private key. To sign in, the browser asks for a challenge
and answers with a W3C Verifiable Presentation (no credentials, proof purpose
``authentication``, ``eddsa-jcs-2022``) whose proof carries that challenge and the
site's host as its ``domain``: DID Authentication, checked by the same code that
checks presentations to a verifier. The node then sets a session cookie naming
the member's DID.

Both the challenge and the cookie are self-contained and authenticated with an
HMAC key derived from the node key, so they survive a restart and need no table.
A challenge is good for five minutes and once (remembered in this process). The
cookie is ``HttpOnly`` (script cannot read it), ``SameSite=Strict`` (no other
site's request carries it) and ``Secure`` over HTTPS. The session only decides
what the pages show: every action is a separately signed event, so a forged
request without the member's key can do nothing. The session routes themselves
accept only same-origin JSON requests, so no other site can sign a visitor in or
out (login CSRF).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from commonweal.core.vc.verify import SELF_BINDING
from commonweal.domain.words import W_
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.seals import Seals
from commonweal.node.kernel.service import Node
from commonweal.node.services import credential_problems, credentials
from commonweal.web.api import json_body, json_response, read_body

COOKIE = "cw_session"
SESSION_SECONDS = 12 * 3600
CHALLENGE_SECONDS = 300
MAX_SIGN_IN_BYTES = 16_384
_LABEL = b"commonweal/v1 web session"


@dataclass(frozen=True)
class SignedIn:
    """Who a session belongs to, and until when."""

    did: str
    expires: int


class Sessions:
    """Issues challenges, checks answers and reads session cookies for one node."""

    def __init__(self, node: Node, *, now: Callable[[], float] = time.time) -> None:
        self.node = node
        self.now = now
        self._seals = Seals(node, _LABEL, now=lambda: self.now())

    # -- the protocol -----------------------------------------------------------------

    def challenge(self, domain: str) -> dict[str, str]:
        """A fresh challenge for the site at ``domain`` (the Host the browser sees)."""
        token = self._seals.seal_claims(
            "challenge",
            {"n": secrets.token_urlsafe(16), "d": domain, "e": int(self.now()) + CHALLENGE_SECONDS},
        )
        return {"challenge": token, "domain": domain}

    def sign_in(self, presentation: object, domain: str) -> SignedIn:
        """Check a signed-in presentation for this site; return the session it opens."""
        if not isinstance(presentation, dict) or not isinstance(presentation.get("proof"), dict):
            raise Rejected("invalid_request", "signing in takes a signed presentation")
        token = presentation["proof"].get("challenge")
        claims = self._seals.open("challenge", token) if isinstance(token, str) else None
        if claims is None:
            raise Rejected(
                "sign_in_failed", "the sign-in challenge is unknown or expired; please try again"
            )
        if claims["d"] != domain:
            raise Rejected("sign_in_failed", "this answer was made for another site")
        result = credentials.verify_vp(
            self.node,
            presentation,
            challenge=token,
            domain=domain,
            now=self.node.clock(),
            extra_status=None,
            binding=SELF_BINDING,
        )
        holder = presentation.get("holder")
        if not result.verified or not isinstance(holder, str) or not holder.startswith("did:key:"):
            problems = credential_problems.details_word(result.problems) or W_("no holder")
            raise Rejected(
                "sign_in_failed",
                "the signature does not prove this key: %(problems)s",
                problems=problems,
            )
        self._spend(token, claims["e"])
        return SignedIn(holder, int(self.now()) + SESSION_SECONDS)

    def _spend(self, token: str, expires: int) -> None:
        if not self._seals.spend(token, expires):
            raise Rejected("sign_in_failed", "this sign-in challenge was already used")

    def cookie_value(self, session: SignedIn) -> str:
        """The session cookie's value."""
        return self._seals.seal_claims("session", {"did": session.did, "e": session.expires})

    def current(self, request: Request) -> SignedIn | None:
        """The session of ``request``, if it carries a valid one."""
        token = request.cookies.get(COOKIE)
        claims = self._seals.open("session", token) if token else None
        if claims is None or not isinstance(claims.get("did"), str):
            return None
        return SignedIn(claims["did"], claims["e"])


def member_did(request: Request) -> str | None:
    """The signed-in member's DID for a page request (None when signed out)."""
    sessions: Sessions | None = getattr(request.app.state, "sessions", None)
    if sessions is None:
        return None
    current = sessions.current(request)
    return current.did if current else None


def router(sessions: Sessions) -> APIRouter:
    """``POST /session/challenge``, ``POST /session`` and ``POST /session/end``."""
    api = APIRouter(prefix="/session")

    @api.post("/challenge")
    def challenge(request: Request) -> Response:
        _same_origin(request)
        return json_response(sessions.challenge(_host(request)))

    @api.post("")
    async def sign_in(request: Request) -> Response:
        _same_origin(request)
        raw = await read_body(request, MAX_SIGN_IN_BYTES)
        document = json_body(raw)
        session = await run_in_threadpool(sessions.sign_in, document, _host(request))
        response = json_response({"did": session.did, "expires": session.expires})
        _set_cookie(response, request, sessions.cookie_value(session), SESSION_SECONDS)
        return response

    @api.post("/end")
    def sign_out(request: Request) -> Response:
        _same_origin(request)
        response = json_response({"did": None})
        _set_cookie(response, request, "", 0)
        return response

    @api.get("")
    def whoami(request: Request) -> Response:
        current = sessions.current(request)
        return json_response({"did": current.did if current else None})

    return api


def _set_cookie(response: Response, request: Request, value: str, max_age: int) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _host(request: Request) -> str:
    return request.headers.get("host", "")


def _same_origin(request: Request) -> None:
    """Refuse requests another site could make: only same-origin JSON may sign in or out."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise Rejected("cross_site", "session requests are JSON sent by the node's own pages")
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise Rejected("cross_site", "session requests must come from the node's own pages")
    origin = request.headers.get("origin")
    if origin is not None and origin.partition("://")[2] != _host(request):
        raise Rejected("cross_site", "session requests must come from the node's own pages")
