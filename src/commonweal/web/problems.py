"""RFC 9457 problem details: every refusal as ``application/problem+json`` with a stable code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from commonweal.node.kernel.errors import Rejected
from commonweal.web.problem_words import TITLES, language_of, translated
from commonweal.web.request_context import note_problem

PROBLEM_TYPE_BASE = "https://commonweal.invalid/problems/"
"""Problem ``type`` URIs: the base plus the code (docs/protocol.md lists them)."""

STATUS_BY_CODE = {
    # the request and the event's envelope (core.events.EventError and the edge)
    "malformed_json": 400,
    "duplicate_member": 400,
    "invalid_request": 400,
    "invalid_batch": 400,
    "invalid_cursor": 400,
    "event_too_large": 413,
    "batch_too_large": 413,
    "invalid_event": 422,
    "float_not_allowed": 422,
    "wrong_node": 422,
    "at_in_future": 422,
    "bad_signature": 422,
    "seq_out_of_order": 409,
    "seq_replayed": 409,
    # reads and routes
    "not_found": 404,
    "method_not_allowed": 405,
    "unavailable": 503,
    "rolled_back": 503,
    # refusals several capabilities raise beside their rules' own classes
    "forbidden": 403,
    "wrong_phase": 409,
    "not_a_member": 403,
    "voting_closed": 409,
    # signing in and issuing
    "unauthorized": 401,
    "sign_in_failed": 401,
    "cross_site": 403,
    # signed HTTP requests (RFC 9421), checked at the edge before any capability runs
    "signature_required": 401,
    "signature_invalid": 401,
    "signature_stale": 401,
    "replayed": 401,
    "unknown_peer": 403,
    # an amount or a time typed in the reader's format that reads no one way (docs/languages.md)
    "not_readable": 422,
    # who may write, and how much (web.ratelimit; domain.governance.writes says its own)
    "rate_limited": 429,
    # the process itself (web.health, the last-resort handler)
    "not_ready": 503,
    "internal": 500,
}
"""The status of each code the kernel and the web edge raise themselves, where no domain
error class says its kind. A capability's own codes are in its declaration
(``Capability.status_by_code``, read first: :func:`rejection`); codes from the rules take
their status from their class (``domain.errors``). ``tests/test_problem_codes.py``
checks all three against docs/protocol.md."""

HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
"""The codes of Starlette's own errors (an unknown path, a wrong method)."""

DEFAULT_STATUS = 422
"""The status of a code that neither a class nor the table names (a test keeps it unused)."""


def status_of(code: str, status: int | None = None) -> int:
    """The HTTP status a refusal with ``code`` answers: the table's override, else the
    status of the refusal's class, else the table's entry for a node-level code."""
    return STATUS_BY_CODE.get(code) or status or DEFAULT_STATUS


UNAVAILABLE_RETRY_AFTER = "1"
"""Seconds a client waits before sending again a write the store could not take (503)."""


def problem(
    code: str,
    detail: str,
    *,
    status: int | None = None,
    language: str | None = None,
    said: tuple[str, Mapping[str, object]] | None = None,
    **extra: Any,
) -> Response:
    """A problem-details response for ``code``, naming the request it answers (``request_id``),
    in ``language`` where the catalogues have its words (web/problem_words.py); ``said``: the
    detail's template and parameters, when it was written as one (a refusal's)."""
    status = status or status_of(code)
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
        **{k: v for k, v in extra.items() if v is not None},
    }
    request_id = note_problem(code)
    if request_id is not None:
        body["request_id"] = request_id
    body = translated(body, language, said)
    response = Response(
        orjson.dumps(body), status_code=status, media_type="application/problem+json"
    )
    if "lang" in body:
        response.headers["Content-Language"] = body["lang"]
    if code == "unavailable":
        response.headers["Retry-After"] = UNAVAILABLE_RETRY_AFTER
    return response


def rejection(
    exc: Rejected,
    status_by_code: Mapping[str, int] | None = None,
    language: str | None = None,
) -> Response:
    """The problem document for a refusal; ``status_by_code``: the capabilities' own
    statuses for their codes (``Capability.status_by_code``), read before the table."""
    status = (status_by_code or {}).get(exc.code) or status_of(exc.code, exc.status)
    return problem(
        exc.code,
        exc.message,
        status=status,
        position=exc.position,
        language=language,
        said=(exc.template, exc.params),
    )


def _language(request: Request) -> str:
    return language_of(dict(request.cookies), request.headers.get("accept-language"))


def capability_statuses(request: Request) -> Mapping[str, int] | None:
    """The statuses the app's capabilities declare (``app.state.status_by_code``)."""
    statuses: Mapping[str, int] | None = getattr(request.app.state, "status_by_code", None)
    return statuses


def rejection_for(request: Request, exc: Rejected) -> Response:
    """:func:`rejection` with the statuses of the app serving ``request``, in the reader's
    language."""
    return rejection(exc, capability_statuses(request), _language(request))


async def rejected_handler(request: Request, exc: Exception) -> Response:
    """A refused submission."""
    assert isinstance(exc, Rejected)
    return rejection_for(request, exc)


async def unavailable_handler(request: Request, exc: Exception) -> Response:
    """The store failed; the client may retry."""
    return problem("unavailable", str(exc), language=_language(request))


async def http_handler(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown path, wrong method) as problem details."""
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "invalid_request")
    return problem(code, str(exc.detail), status=exc.status_code, language=_language(request))


async def validation_handler(request: Request, exc: Exception) -> Response:
    """Query parameters of the wrong type."""
    assert isinstance(exc, RequestValidationError)
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return problem("invalid_request", "; ".join(parts), status=400, language=_language(request))


async def internal_handler(request: Request, exc: Exception) -> Response:
    """A bug, answered with a problem naming the request id (the traceback is logged by
    the server, with that id, as the error passes the observing edge)."""
    return problem(
        "internal",
        "the node failed to answer this request",
        status=500,
        language=_language(request),
    )
