"""Check-in and attendance: by an organiser, or by the attendee with the code at the venue.

An organiser checks a member in from an hour before the start until a week after
the end; that confirms their attendance at once. An attendee checks themselves
in while the gathering is on by logging :func:`records.claim_proof` of the code
shown at the venue. The code stays secret until the organiser reveals it after
the end; then every claim is checked, confirmed or rejected. Where the gathering
asks for it, only members with a place from an RSVP are checked in.

Each confirmed attendance owes the attendee an ``AttendanceCredential`` (a row in
``membership.credentials`` with the next status-list index), rebuilt from the log
like every credential the node issues; it outlives membership, being a record of
a fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import only, sha256_digest
from commonweal.domain.gatherings.records import (
    ATTENDANCE,
    CLAIMED,
    CONFIRMED,
    GATHERINGS,
    OPENS_BEFORE,
    ORGANISER_GRACE,
    REJECTED,
    claim_proof,
    code_hash,
    gathering,
    key,
    parse_ref,
    require_attendee,
    require_not_cancelled,
    require_organiser,
    require_rsvp,
)
from commonweal.domain.membership.records import did_member, owe_credential
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.timestamps import later, reached
from commonweal.domain.words import WP_

CHECKED_IN = "gatherings.attendee.checked_in"
CLAIMED_EVENT = "gatherings.checkin.claimed"
CODE_REVEALED = "gatherings.code.revealed"
MAX_CODE = 200


def parse_checkin(body: Mapping[str, Any]) -> tuple[int, str]:
    """``{"gathering": id, "member": did}``."""
    only(body, {"gathering", "member"})
    return parse_ref(body), did_member(dict(body))


def parse_claim(body: Mapping[str, Any]) -> tuple[int, str]:
    """``{"gathering": id, "proof": "sha256:…"}``."""
    only(body, {"gathering", "proof"})
    return parse_ref(body), sha256_digest(body, "proof")


def parse_reveal(body: Mapping[str, Any]) -> tuple[int, str]:
    """``{"gathering": id, "code": the code shown at the venue}``."""
    only(body, {"gathering", "code"})
    code = body.get("code")
    if not isinstance(code, str) or not 0 < len(code) <= MAX_CODE:
        raise InvalidBody(
            "code must be the check-in code (1 to %(most)s characters)", most=MAX_CODE
        )
    return parse_ref(body), code


def apply_checkin(state: State, ctx: Context, checkin: tuple[int, str]) -> None:
    """An organiser checks a member in; their attendance is confirmed."""
    gathering_id, did = checkin
    record = gathering(state, gathering_id)
    require_organiser(record, ctx, WP_("to do", "check members in"))
    _require_window(record, ctx.received, later(record["ends"], ORGANISER_GRACE))
    require_attendee(state, record, did, WP_("to do", "be checked in"))
    require_rsvp(state, record, did)
    existing = state.get(ATTENDANCE, key(gathering_id, did))
    if existing is not None and existing["status"] == CONFIRMED:
        raise Conflict("%(did)s is already checked in", code="already_checked_in", did=did)
    proof = None if existing is None else existing["proof"]
    confirm(state, ctx, record, did, method="organiser", proof=proof)


def apply_claim(state: State, ctx: Context, claim: tuple[int, str]) -> None:
    """An attendee checks in with the code at the venue, while the gathering is on."""
    gathering_id, proof = claim
    record = gathering(state, gathering_id)
    require_attendee(state, record, ctx.author, WP_("to do", "check in"))
    if record["code_hash"] is None:
        raise Conflict(
            "%(title)s has no self check-in code", code="no_code", title=repr(record["title"])
        )
    _require_window(record, ctx.received, record["ends"])
    require_rsvp(state, record, ctx.author)
    if state.get(ATTENDANCE, key(gathering_id, ctx.author)) is not None:
        raise Conflict("you have already checked in", code="already_checked_in")
    state.put(
        ATTENDANCE,
        key(gathering_id, ctx.author),
        {
            "gathering": gathering_id,
            "member": ctx.author,
            "status": CLAIMED,
            "method": "code",
            "by": ctx.author,
            "at": ctx.received,
            "proof": proof,
            "confirmed_at": None,
        },
    )
    state.put(GATHERINGS, gathering_id, {**record, "claims": [*record["claims"], ctx.author]})


def apply_reveal(state: State, ctx: Context, reveal: tuple[int, str]) -> None:
    """After the end, an organiser reveals the code; each claim is confirmed or rejected."""
    gathering_id, code = reveal
    record = gathering(state, gathering_id)
    require_organiser(record, ctx, WP_("to do", "reveal the check-in code"))
    if record["code_hash"] is None:
        raise Conflict(
            "%(title)s has no self check-in code", code="no_code", title=repr(record["title"])
        )
    if record["code_revealed_at"] is not None:
        raise Conflict("the code was already revealed", code="already_revealed")
    if not reached(ctx.received, record["ends"]):
        raise Conflict(
            "the code stays secret until %(ends)s", code="too_early", ends=record["ends"]
        )
    if code_hash(code) != record["code_hash"]:
        raise Conflict("that is not the code whose hash the organiser logged", code="wrong_code")
    state.put(GATHERINGS, gathering_id, {**record, "code_revealed_at": ctx.received})
    for did in record["claims"]:
        attendance = state.get(ATTENDANCE, key(gathering_id, did))
        if attendance["status"] != CLAIMED:
            continue  # an organiser confirmed it meanwhile
        if attendance["proof"] == claim_proof(code, ctx.node_did, gathering_id, did):
            confirm(state, ctx, gathering(state, gathering_id), did, "code", attendance["proof"])
        else:
            state.put(ATTENDANCE, key(gathering_id, did), {**attendance, "status": REJECTED})


def confirm(
    state: State,
    ctx: Context,
    record: Mapping[str, Any],
    did: str,
    method: str,
    proof: str | None,
) -> None:
    """Record a confirmed attendance and owe the attendee their credential."""
    existing = state.get(ATTENDANCE, key(record["id"], did))
    state.put(
        ATTENDANCE,
        key(record["id"], did),
        {
            "gathering": record["id"],
            "member": did,
            "status": CONFIRMED,
            "method": method,
            "by": ctx.author if existing is None or method == "organiser" else existing["by"],
            "at": ctx.received if existing is None else existing["at"],
            "proof": proof,
            "confirmed_at": ctx.received,
        },
    )
    state.put(GATHERINGS, record["id"], {**record, "attended": record["attended"] + 1})
    owe_credential(state, ctx, did, f"attendance:{record['id']}", gathering=record["id"])


def _require_window(record: Mapping[str, Any], now: str, closes: str) -> None:
    require_not_cancelled(record)
    if not reached(now, later(record["starts"], -OPENS_BEFORE)):
        raise Conflict(
            "check-in opens an hour before %(starts)s", code="too_early", starts=record["starts"]
        )
    if reached(now, closes):
        raise Conflict("check-in closed at %(closes)s", code="checkin_closed", closes=closes)
