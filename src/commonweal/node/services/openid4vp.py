"""OpenID for Verifiable Presentations 1.0: the node as verifier.

The node makes an Authorization Request for a membership credential (DCQL, ``ldp_vc``)
with a fresh ``nonce``, ``response_mode=direct_post`` and its ``response_uri``, either
by value (``client_id`` ``redirect_uri:<response_uri>``, unsigned) or by reference
(``client_id`` ``decentralized_identifier:<node DID>``, a ``request_uri`` serving the
request object signed by the node key). The wallet posts ``vp_token``: a Data
Integrity-signed presentation whose proof's ``challenge`` is the nonce and ``domain``
the client_id (Appendix B.1.3). The node verifies it with its trust list (itself and
the nodes it recognises: a passport from a recognised node verifies) and keeps the
result for the page that asked, which alone holds the request's transaction secret.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from commonweal.core import jose
from commonweal.core.language import N_
from commonweal.core.vc.verify import SELF_BINDING
from commonweal.node.kernel.public_url import public_url_of
from commonweal.node.kernel.seals import Seals
from commonweal.node.kernel.service import Node
from commonweal.node.services import credential_problems, credentials
from commonweal.node.services.openid4vci import OAuthError

REQUEST_SECONDS = 600
RESPONSE_PATH = "/openid4vp/response"
REQUEST_PATH = "/openid4vp/request/"
SCHEME = "openid4vp://"
QUERY_ID = "membership"
MEMBERSHIP_IRI = "https://commonweal.invalid/vocab#MembershipCredential"
VC_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
PURPOSES = ("sign_in", "membership")


@dataclass
class Outcome:
    """What a wallet's answer to one request proved."""

    verified: bool
    holder: str | None = None
    issuers: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    expires: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "verified" if self.verified else "refused",
            "holder": self.holder,
            "issuers": self.issuers,
            "problems": self.problems,
        }


class Verifier:
    """The OpenID4VP verifier of one node."""

    def __init__(self, node: Node, *, now: Callable[[], float] = time.time) -> None:
        self.node = node
        self.seals = Seals(node, b"commonweal/v1 openid4vp", now=now)
        self._outcomes: dict[str, Outcome] = {}
        self._lock = threading.Lock()

    @property
    def response_uri(self) -> str:
        return public_url_of(self.node) + RESPONSE_PATH

    def client_id(self, by_reference: bool) -> str:
        """``decentralized_identifier:<DID>`` for signed requests, else ``redirect_uri:<uri>``."""
        if by_reference:
            return "decentralized_identifier:" + self.node.identity.did
        return "redirect_uri:" + self.response_uri

    def create(self, purpose: str, by_reference: bool) -> dict[str, Any]:
        """A new Authorization Request; the ``transaction`` secret reads its outcome."""
        if purpose not in PURPOSES:
            raise OAuthError(
                400,
                "invalid_request",
                N_("purpose must be one of %(purposes)s"),
                {"purposes": PURPOSES},
            )
        transaction = secrets.token_urlsafe(24)
        state = self.seals.seal(
            "request",
            REQUEST_SECONDS,
            {"p": purpose, "r": by_reference, "t": _digest(transaction)},
        )
        parameters = self.parameters(state)
        if by_reference:
            uri = (
                SCHEME
                + "?"
                + urlencode(
                    {
                        "client_id": parameters["client_id"],
                        "request_uri": public_url_of(self.node) + REQUEST_PATH + state,
                    }
                )
            )
        else:
            flat = {
                k: json.dumps(v, separators=(",", ":")) if isinstance(v, dict) else v
                for k, v in parameters.items()
            }
            uri = SCHEME + "?" + urlencode(flat)
        return {"state": state, "transaction": transaction, "authorization_request": uri}

    def parameters(self, state: str) -> dict[str, Any]:
        """The request's parameters (its nonce is the sealed ``state`` itself)."""
        claims = self._request(state)
        return {
            "response_type": "vp_token",
            "response_mode": "direct_post",
            "client_id": self.client_id(claims["r"]),
            "response_uri": self.response_uri,
            "nonce": claims["n"],
            "state": state,
            "dcql_query": {
                "credentials": [
                    {
                        "id": QUERY_ID,
                        "format": "ldp_vc",
                        "meta": {"type_values": [[VC_IRI, MEMBERSHIP_IRI]]},
                    }
                ]
            },
        }

    def request_object(self, state: str) -> str:
        """The signed request object a ``request_uri`` serves (typ ``oauth-authz-req+jwt``)."""
        claims = self._request(state)
        if not claims["r"]:
            raise OAuthError(400, "invalid_request", "this request was made by value")
        payload = {**self.parameters(state), "aud": "https://self-issued.me/v2"}
        identity = self.node.identity
        header = {"typ": "oauth-authz-req+jwt", "kid": identity.verification_method}
        return jose.sign(header, payload, identity.key)

    def respond(self, form: Mapping[str, str]) -> dict[str, Any]:
        """The ``direct_post`` response endpoint: check ``vp_token`` for this request, once."""
        state = form.get("state", "")
        claims = self.seals.open("request", state)
        if claims is None:
            raise OAuthError(400, "invalid_request", "state names no open request of this node")
        if not self.seals.spend(state, claims["e"]):
            raise OAuthError(400, "invalid_request", "this request was already answered")
        outcome = self._check(form.get("vp_token"), claims)
        outcome.expires = claims["e"]
        with self._lock:
            now = self.seals.now()
            self._outcomes = {k: v for k, v in self._outcomes.items() if v.expires >= now}
            self._outcomes[state] = outcome
        if not outcome.verified:
            raise OAuthError(400, "invalid_request", "; ".join(outcome.problems))
        return {}

    def outcome(self, state: str, transaction: str) -> tuple[str, Outcome | None]:
        """The request's purpose and outcome (None while unanswered), for its transaction."""
        claims = self._request(state)
        if not secrets.compare_digest(claims["t"], _digest(transaction)):
            raise OAuthError(403, "access_denied", N_("the transaction secret does not match"))
        with self._lock:
            return claims["p"], self._outcomes.get(state)

    def _request(self, state: str) -> dict[str, Any]:
        claims = self.seals.open("request", state)
        if claims is None:
            raise OAuthError(400, "invalid_request", N_("the request is unknown or expired"))
        return claims

    def _check(self, vp_token: str | None, claims: dict[str, Any]) -> Outcome:
        try:
            token = json.loads(vp_token or "")
        except ValueError:
            return Outcome(False, problems=["vp_token is not JSON"])
        presentations = token.get(QUERY_ID) if isinstance(token, dict) else None
        if not isinstance(presentations, list) or len(presentations) != 1:
            return Outcome(False, problems=[f"vp_token must hold one presentation for {QUERY_ID}"])
        vp = presentations[0]
        result = credentials.verify_vp(
            self.node,
            vp,
            challenge=claims["n"],
            domain=self.client_id(claims["r"]),
            now=self.node.clock(),
            binding=SELF_BINDING,
        )
        if not result.verified:
            return Outcome(
                False, problems=[credential_problems.problem_word(p) for p in result.problems]
            )
        inside = vp.get("verifiableCredential", [])
        held = [
            c for c in (inside if isinstance(inside, list) else [inside]) if isinstance(c, dict)
        ]
        members = [c for c in held if "MembershipCredential" in c.get("type", [])]
        if not members:
            return Outcome(False, problems=["the presentation holds no membership credential"])
        issuers = sorted({credentials_issuer(c) for c in members})
        return Outcome(True, holder=str(vp.get("holder")), issuers=issuers)


def credentials_issuer(credential: dict[str, Any]) -> str:
    issuer = credential.get("issuer")
    return str(issuer.get("id") if isinstance(issuer, dict) else issuer)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
