"""OpenID4VCI (issuer) and OpenID4VP (verifier) endpoints: thin adapters over
``node.services.openid4vci`` and ``node.services.openid4vp``.

The protocol endpoints (token, nonce, credential, request object, direct_post response)
answer errors as their specifications say, OAuth error responses (``{"error",
"error_description"}``), so they stay out of the node's OpenAPI document, whose refusals
are all RFC 9457 problem documents; the node's own routes around them (offers, requests
and their outcomes) answer problem documents. Every answer that carries a code, token,
nonce or credential is ``Cache-Control: no-store``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services.openid4vci import (
    CREDENTIAL_PATH,
    NONCE_PATH,
    TOKEN_PATH,
    Issuer,
    OAuthError,
)
from commonweal.node.services.openid4vp import REQUEST_PATH, RESPONSE_PATH, Verifier
from commonweal.web import problem_words
from commonweal.web.api import json_body, json_response, read_body
from commonweal.web.i18n import N_
from commonweal.web.session import SESSION_SECONDS, SignedIn, member_did

MAX_BODY = 256 * 1024
NO_STORE = {"Cache-Control": "no-store"}
FORM = "application/x-www-form-urlencoded"


def router(node: Node) -> APIRouter:
    """The issuer's and the verifier's routes."""
    api = APIRouter()
    issuer, verifier = Issuer(node), Verifier(node)
    _issuer_routes(api, issuer)
    _verifier_routes(api, verifier)
    return api


def _issuer_routes(api: APIRouter, issuer: Issuer) -> None:
    @api.get("/.well-known/openid-credential-issuer")
    def issuer_metadata() -> Response:
        return json_response(issuer.metadata())

    @api.get("/.well-known/oauth-authorization-server")
    def authorization_server() -> Response:
        return json_response(issuer.authorization_server())

    @api.post(TOKEN_PATH, include_in_schema=False)
    async def token(request: Request) -> Response:
        try:
            form = await _form(request)
            return _ok(issuer.token(form))
        except OAuthError as error:
            return _error(error)

    @api.post(NONCE_PATH, include_in_schema=False)
    def nonce() -> Response:
        return _ok(issuer.nonce())

    @api.post(CREDENTIAL_PATH, include_in_schema=False)
    async def credential(request: Request) -> Response:
        try:
            if not request.headers.get("content-type", "").startswith("application/json"):
                raise OAuthError(400, "invalid_credential_request", "send application/json")
            body = _json(await read_body(request, MAX_BODY))
            authorization = request.headers.get("authorization", "")
            answer = await run_in_threadpool(issuer.credential, authorization, body)
            return _ok(answer)
        except OAuthError as error:
            return _error(error)

    @api.post("/openid4vci/offers")
    def offer(request: Request) -> Response:
        """A credential offer for the signed-in member (their page shows it as a QR code)."""
        did = member_did(request)
        if did is None:
            raise Rejected("unauthorized", "sign in to get a credential offer")
        return _ok(issuer.offer(did))


def _verifier_routes(api: APIRouter, verifier: Verifier) -> None:
    @api.post("/openid4vp/requests")
    async def create(request: Request) -> Response:
        """A new presentation request: ``{"purpose": "sign_in"|"membership",
        "by_reference": bool}``; the answer's ``transaction`` alone reads the outcome."""
        try:
            raw = await read_body(request, MAX_BODY)
            body = _json(raw) if raw else {}
            if not isinstance(body, dict) or not isinstance(body.get("by_reference", False), bool):
                raise OAuthError(400, "invalid_request", N_("by_reference must be true or false"))
            purpose = body.get("purpose", "membership")
            return _ok(verifier.create(str(purpose), body.get("by_reference", False)), 201)
        except OAuthError as error:
            raise _problem(error) from None

    @api.get(REQUEST_PATH + "{state}", include_in_schema=False)
    def request_object(state: str) -> Response:
        try:
            signed = verifier.request_object(state)
        except OAuthError as error:
            return _error(error)
        return Response(signed, media_type="application/oauth-authz-req+jwt", headers=NO_STORE)

    @api.post(RESPONSE_PATH, include_in_schema=False)
    async def response(request: Request) -> Response:
        try:
            form = await _form(request)
            return _ok(await run_in_threadpool(verifier.respond, form))
        except OAuthError as error:
            return _error(error)

    @api.get("/openid4vp/requests/{state}")
    def outcome(state: str, transaction: str, request: Request) -> Response:
        """The outcome, for the page holding ``transaction``; a verified sign-in opens a
        session (the cookie of ``web.session``)."""
        try:
            purpose, found = verifier.outcome(state, transaction)
        except OAuthError as error:
            raise _problem(error) from None
        if found is None:
            return _ok({"status": "pending"})
        shown = found.as_json()  # a refusal's problems in the page's language
        language = problem_words.language_of_request(request)
        shown["problems"] = [problem_words.said_in(language, p) for p in found.problems]
        answer = _ok(shown)
        sessions = getattr(request.app.state, "sessions", None)
        if purpose == "sign_in" and found.verified and found.holder and sessions is not None:
            signed_in = SignedIn(found.holder, int(verifier.seals.now()) + SESSION_SECONDS)
            answer.set_cookie(
                "cw_session",
                sessions.cookie_value(signed_in),
                max_age=SESSION_SECONDS,
                path="/",
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
            )
        return answer


async def _form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body, each parameter once."""
    if not request.headers.get("content-type", "").startswith(FORM):
        raise OAuthError(400, "invalid_request", f"send {FORM}")
    raw = await read_body(request, MAX_BODY)
    try:
        parsed = parse_qs(raw.decode(), keep_blank_values=True, strict_parsing=bool(raw))
    except (UnicodeDecodeError, ValueError):
        raise OAuthError(400, "invalid_request", "the form is not URL-encoded UTF-8") from None
    repeated = [name for name, values in parsed.items() if len(values) != 1]
    if repeated:
        raise OAuthError(400, "invalid_request", f"{repeated[0]} is given more than once")
    return {name: values[0] for name, values in parsed.items()}


def _json(raw: bytes) -> Any:
    try:
        return json_body(raw)
    except Rejected:  # the node's strict JSON reader (I-JSON, no duplicate members)
        raise OAuthError(400, "invalid_request", "the body is not a JSON document") from None


def _problem(error: OAuthError) -> Rejected:
    """An OAuth error as the node's own refusal (a problem document, whose detail is said
    in the reader's language where the description was marked for the catalogues)."""
    if error.status == 401:
        rejected = Rejected("unauthorized", error.description)
    elif error.status == 403:
        rejected = Rejected("forbidden", error.description)
    else:
        rejected = Rejected("invalid_request", error.description)
    rejected.template, rejected.params = error.template, error.params
    return rejected


def _ok(value: Any, status: int = 200) -> Response:
    response = json_response(value, status)
    response.headers.update(NO_STORE)
    return response


def _error(error: OAuthError) -> Response:
    response = json_response(error.as_json(), error.status)
    response.headers.update(NO_STORE)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    return response
