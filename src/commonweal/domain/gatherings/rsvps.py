"""RSVPs: a place while there is room, then the waitlist, first come first served.

Saying yes takes a place if the capacity allows (0 means no limit), else joins
the waitlist (or is refused with ``full`` when the gathering keeps none). Saying
no gives a place back, and the first on the waitlist takes it at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import only
from commonweal.domain.gatherings.records import (
    GATHERINGS,
    GOING,
    NOT_GOING,
    RSVPS,
    WAITLISTED,
    gathering,
    key,
    parse_ref,
    require_attendee,
    require_not_cancelled,
)
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.timestamps import reached
from commonweal.domain.words import WP_

RSVP_GIVEN = "gatherings.rsvp.given"
RESPONSES = ("yes", "no")


def parse_rsvp(body: Mapping[str, Any]) -> tuple[int, str]:
    """``{"gathering": id, "response": "yes"|"no"}``."""
    only(body, {"gathering", "response"})
    if body.get("response") not in RESPONSES:
        raise InvalidBody('response must be "yes" or "no"')
    return parse_ref(body), str(body["response"])


def apply_rsvp(state: State, ctx: Context, rsvp: tuple[int, str]) -> None:
    """A member (or a visitor the treaty lets attend) says yes (a place, or the waitlist)
    or no (freeing any place they held)."""
    gathering_id, response = rsvp
    record = gathering(state, gathering_id)
    require_attendee(state, record, ctx.author, WP_("to do", "RSVP"))
    require_not_cancelled(record)
    if reached(ctx.received, record["ends"]):
        raise Conflict("%(title)s is over", code="too_late", title=repr(record["title"]))
    previous = state.get(RSVPS, key(gathering_id, ctx.author))
    before = None if previous is None else previous["status"]
    if response == "yes":
        if before in (GOING, WAITLISTED):
            raise Conflict("you are already %(status)s", code="already_responded", status=before)
        status = _place(record)
        if status == GOING:
            record = {**record, "going": record["going"] + 1}
        else:
            record = {**record, "waiting": [*record["waiting"], ctx.author]}
    else:
        if before in (None, NOT_GOING):
            raise Conflict("you have not said yes", code="already_responded")
        status = NOT_GOING
        if before == GOING:
            record = {**record, "going": record["going"] - 1}
        record = {**record, "waiting": [d for d in record["waiting"] if d != ctx.author]}
    state.put(
        RSVPS,
        key(gathering_id, ctx.author),
        {
            "gathering": gathering_id,
            "member": ctx.author,
            "response": response,
            "status": status,
            "at": ctx.received,
        },
    )
    state.put(GATHERINGS, gathering_id, _promote(state, ctx, record))


def _place(record: Mapping[str, Any]) -> str:
    if record["capacity"] == 0 or record["going"] < record["capacity"]:
        return GOING
    if record["waitlist"]:
        return WAITLISTED
    raise Conflict("%(title)s is full", code="full", title=repr(record["title"]))


def _promote(state: State, ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    """Give free places to the waitlist, in order."""
    while record["waiting"] and (record["capacity"] == 0 or record["going"] < record["capacity"]):
        did, *rest = record["waiting"]
        rsvp = state.get(RSVPS, key(record["id"], did))
        state.put(RSVPS, key(record["id"], did), {**rsvp, "status": GOING, "at": ctx.received})
        record = {**record, "going": record["going"] + 1, "waiting": rest}
    return record
