"""RFC 9457 problem details: every refusal as ``application/problem+json`` with a stable code."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from commonweal.node.errors import Rejected
from commonweal.web.request_context import note_problem

PROBLEM_TYPE_BASE = "https://commonweal.invalid/problems/"
"""Problem ``type`` URIs: the base plus the code (docs/protocol.md lists them)."""

STATUS_BY_CODE = {
    "malformed_json": 400,
    "invalid_request": 400,
    "invalid_batch": 400,
    "event_too_large": 413,
    "batch_too_large": 413,
    "invalid_event": 422,
    "float_not_allowed": 422,
    "invalid_body": 422,
    "unknown_type": 422,
    "wrong_node": 422,
    "at_in_future": 422,
    "bad_signature": 422,
    "forbidden": 403,
    "seq_out_of_order": 409,
    "seq_replayed": 409,
    "conflict": 409,
    "not_found": 404,
    "unavailable": 503,
    "invalid_profile": 422,
    "commitment_mismatch": 422,
    "not_a_member": 403,
    "suspended": 403,
    "self_vouch": 403,
    "self_sanction": 403,
    "not_guardian": 403,
    "expelled": 403,
    "policy": 403,
    "no_guardians": 403,
    "time_locked": 403,
    "unauthorized": 401,
    "not_owed": 422,
    "invalid_credential": 422,
    "invalid_ballot": 422,
    "no_constitution": 409,
    "already_adopted": 409,
    "wrong_phase": 409,
    "withdrawn": 409,
    "already_decided": 409,
    "voting_closed": 409,
    "no_ballot": 409,
    "no_delegation": 409,
    "too_early": 409,
    "no_alternatives": 409,
    "tally_mismatch": 409,
    "executed": 409,
    "out_of_order": 409,
    "not_author": 403,
    "single_option": 403,
    "action_not_allowed": 403,
    "delegation_not_allowed": 403,
    # commons
    "not_steward": 403,
    "not_monitor": 403,
    "role_required": 403,
    "booking_suspended": 403,
    "beyond_limits": 403,
    "not_sanctioned": 403,
    "not_impartial": 403,
    "by_proposal": 403,
    "overlap": 409,
    "not_bookable": 409,
    "out_of_service": 409,
    "in_the_past": 409,
    "not_active": 409,
    "already_ended": 409,
    "not_by_round": 409,
    "round_closed": 409,
    "already_entered": 409,
    "already_allocated": 409,
    "allocation_mismatch": 409,
    "referred": 409,
    "already_appealed": 409,
    "appeal_too_late": 409,
    "no_appeal": 409,
    "nothing_to_decide": 409,
    "no_deposit": 409,
    "deposit_not_owed": 409,
    "deposit_not_held": 409,
    "deposit_mismatch": 409,
    # gatherings
    "not_organiser": 403,
    "no_rsvp": 403,
    "cancelled": 409,
    "too_late": 409,
    "already_responded": 409,
    "full": 409,
    "already_checked_in": 409,
    "checkin_closed": 409,
    "no_code": 409,
    "already_revealed": 409,
    "wrong_code": 409,
    # mutual aid, campaigns, funding rounds
    "not_party": 403,
    "not_recipient": 403,
    "own_post": 403,
    "own_project": 403,
    "invalid_message": 422,
    "wrong_kind": 409,
    "already_claimed": 409,
    "not_claimed": 409,
    "already_fulfilled": 409,
    "already_settled": 409,
    "post_closed": 409,
    "expired": 409,
    "already_relayed": 409,
    "deadline_passed": 409,
    "deadline_too_far": 409,
    "campaign_closed": 409,
    "remote_campaign": 409,
    "copy_full": 409,
    "already_pledged": 409,
    "already_carried": 409,
    "not_network": 409,
    "own_campaign": 409,
    "wrong_log": 409,
    "wrong_amount": 409,
    "no_pledge": 409,
    "outcome_mismatch": 409,
    "result_mismatch": 409,
    "proposal_closed": 409,
    "over_stake": 409,
    "own_expense": 403,
    "already_declared": 409,
    "already_open": 409,
    "already_approved": 409,
    "unknown_unit": 409,
    "unknown_fund": 409,
    "unknown_line": 409,
    "unit_mismatch": 409,
    "insufficient_funds": 409,
    "credit_limit": 409,
    "credit_ceiling": 409,
    "overflow": 409,
    "same_account": 409,
    "wrong_status": 409,
    "not_approved": 409,
    "exceeds_approved": 409,
    "not_credit_unit": 409,
    "exceeds_open": 409,
    "closed": 409,
    "nothing_to_clear": 409,
    "clearing_mismatch": 409,
    "no_demurrage": 409,
    # the ledger behind aid, campaigns, rounds and deposits
    "own_income": 403,
    "inexact_amount": 409,
    "sign_in_failed": 401,
    "cross_site": 403,
    # federation
    "signature_required": 401,
    "signature_invalid": 401,
    "signature_stale": 401,
    "replayed": 401,
    "unknown_peer": 403,
    "peer_unreachable": 502,
    "invalid_peer": 502,
    "invalid_evidence": 422,
    "invalid_challenge": 422,
    "not_recognized": 403,
    "decision_required": 403,
    "self_recognition": 409,
    "duplicate_key": 409,
    "not_visiting": 409,
    "already_reported": 409,
    "not_an_alliance": 409,
    "terms_mismatch": 409,
}

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    500: "Internal error",
    502: "Bad gateway",
    422: "Unprocessable event",
    503: "Unavailable",
}


def problem(code: str, detail: str, *, status: int | None = None, **extra: Any) -> Response:
    """A problem-details response for ``code``, naming the request it answers (``request_id``)."""
    status = status or STATUS_BY_CODE.get(code, 403 if code else 400)
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
    return Response(orjson.dumps(body), status_code=status, media_type="application/problem+json")


def rejection(exc: Rejected) -> Response:
    """The problem document for a refusal."""
    status = STATUS_BY_CODE.get(exc.code, 403 if exc.code.startswith("not_") else 422)
    return problem(exc.code, exc.message, status=status, position=exc.position)


async def rejected_handler(_request: Request, exc: Exception) -> Response:
    """A refused submission."""
    assert isinstance(exc, Rejected)
    return rejection(exc)


async def unavailable_handler(_request: Request, exc: Exception) -> Response:
    """The store failed; the client may retry."""
    return problem("unavailable", str(exc))


async def http_handler(_request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown path, wrong method) as problem details."""
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "invalid_request")
    return problem(code, str(exc.detail), status=exc.status_code)


async def validation_handler(_request: Request, exc: Exception) -> Response:
    """Query parameters of the wrong type."""
    assert isinstance(exc, RequestValidationError)
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return problem("invalid_request", "; ".join(parts), status=400)


async def internal_handler(_request: Request, exc: Exception) -> Response:
    """A bug, answered with a problem naming the request id (the traceback is logged by
    the server, with that id, as the error passes the observing edge)."""
    return problem("internal", "the node failed to answer this request", status=500)
