"""The gatherings state tables, the readers every gathering rule shares, and check-in codes.

A gathering (or an assembly) is numbered by the leaf index of the event that
scheduled it. A self check-in code is never in the log: the organiser logs only
:func:`code_hash` of it, an attendee logs :func:`claim_proof` (a hash binding the
code to their DID, useless to anyone else), and the organiser reveals the code
once the gathering is over, when every claim is checked against it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict, NotPermitted
from commonweal.domain.federation.standing import ATTEND
from commonweal.domain.fields import record_id
from commonweal.domain.membership.records import require_active_member, require_member_or_visitor
from commonweal.domain.registry import Context
from commonweal.domain.state import State, existing
from commonweal.domain.words import WP_

GATHERINGS = "gatherings.gatherings"
"""gathering id → kind, title, times, capacity, organisers, counts, the waitlist."""
RSVPS = "gatherings.rsvps"
"""``"<gathering> <did>"`` → the member's response and their place (going, waitlisted)."""
ATTENDANCE = "gatherings.attendance"
"""``"<gathering> <did>"`` → a check-in: confirmed, claimed with a code, or rejected."""

KINDS = ("gathering", "assembly")
GOING, WAITLISTED, NOT_GOING = "going", "waitlisted", "not_going"
CONFIRMED, CLAIMED, REJECTED = "confirmed", "claimed", "rejected"
DAY = 86_400
RSVP_WORDS = {
    GOING: WP_("RSVP", "going"),
    WAITLISTED: WP_("RSVP", "waitlisted"),
    NOT_GOING: WP_("RSVP", "not_going"),
}
"""Where an RSVP stands, as a refusal says it in the reader's language."""
OPENS_BEFORE = 3600
"""Check-in opens an hour before the start."""
ORGANISER_GRACE = 7 * DAY
"""Organisers may record attendance (from a sign-in sheet) up to a week after the end."""


def parse_ref(body: Mapping[str, Any]) -> int:
    """``body["gathering"]``: a gathering's id (a log index)."""
    return record_id(body, "gathering")


def gathering(state: State, gathering_id: int) -> dict[str, Any]:
    """The gathering ``gathering_id``, or ``not_found``."""
    return existing(state, GATHERINGS, gathering_id, "gathering")


def key(gathering_id: int, did: str) -> str:
    """The key of a member's RSVP or attendance at a gathering."""
    return f"{gathering_id} {did}"


def require_organiser(record: Mapping[str, Any], ctx: Context, doing: str) -> None:
    """The author is the node itself or one of the gathering's organisers."""
    if ctx.author != ctx.node_key and ctx.author not in record["organisers"]:
        raise NotPermitted("only its organisers may %(doing)s", code="not_organiser", doing=doing)


def require_attendee(state: State, record: Mapping[str, Any], did: str, doing: str) -> None:
    """``did`` may attend: a member in good standing, or, at a gathering (not an assembly,
    where the members deliberate), a visitor whose home node's treaty grants ``attend``."""
    if record["kind"] == "assembly":
        require_active_member(state, did, doing)
    else:
        require_member_or_visitor(state, did, ATTEND, doing)


def require_not_cancelled(record: Mapping[str, Any]) -> None:
    """The gathering was not called off."""
    if record["cancelled"] is not None:
        raise Conflict("%(title)s was cancelled", code="cancelled", title=repr(record["title"]))


def require_rsvp(state: State, record: Mapping[str, Any], did: str) -> None:
    """Where the gathering asks for it, ``did`` said yes and has a place (not waitlisted)."""
    if not record["rsvp_required"]:
        return
    rsvp = state.get(RSVPS, key(record["id"], did))
    if rsvp is None:
        raise NotPermitted(
            "%(title)s checks in only those with a place; %(did)s has no RSVP",
            code="no_rsvp",
            title=repr(record["title"]),
            did=did,
        )
    if rsvp["status"] != GOING:
        raise NotPermitted(
            "%(title)s checks in only those with a place; %(did)s has an RSVP that is %(status)s",
            code="no_rsvp",
            title=repr(record["title"]),
            did=did,
            status=RSVP_WORDS.get(rsvp["status"], rsvp["status"]),
        )


def normal_code(code: str) -> str:
    """A check-in code as typed, without case, spaces or dashes (``7KQ3-M9XA`` = ``7kq3m9xa``)."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def code_hash(code: str) -> str:
    """What the organiser logs instead of the code."""
    digest = hashlib.sha256(f"commonweal/checkin-code/v1|{normal_code(code)}".encode())
    return "sha256:" + digest.hexdigest()


def claim_proof(code: str, node_did: str, gathering_id: int, did: str) -> str:
    """What an attendee logs: the code bound to this node, gathering and attendee."""
    text = f"commonweal/checkin/v1|{node_did}|{gathering_id}|{did}|{normal_code(code)}"
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
