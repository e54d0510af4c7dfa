"""Bookings: first come, first served, never overlapping, within the resource's limits.

A resource has ``units`` identical units (one room; three cargo bikes; twelve
garden plots). A booking holds one unit for ``[start, end)``; two bookings of the
same unit never overlap. The node's sequencer applies events one at a time, so
the check against the calendar and the write that follows cannot interleave with
another booking: of two overlapping requests sent at the same instant, the first
one sequenced wins and the other is refused with ``overlap``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.commons import calendar
from commonweal.domain.commons.access import require_in_service, require_rights
from commonweal.domain.commons.records import (
    BOOKINGS,
    booking,
    is_steward,
    parse_ref,
    resource,
    seconds_between,
)
from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.fields import only, optional_text, utc_time
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.timestamps import moment
from commonweal.domain.words import WP_

BOOKED = "commons.booking.made"
CANCELLED = "commons.booking.cancelled"
CONFIRMED = "confirmed"
GRACE_SECONDS = 15 * 60
"""A booking may start up to this long before the node receives it ("from now")."""
DAY = 86_400


@dataclass(frozen=True, slots=True)
class BookingRequest:
    """Body of ``commons.booking.made``: ``{resource, start, end, unit?, note?}``."""

    resource: int
    start: str
    end: str
    unit: int | None
    note: str


@dataclass(frozen=True, slots=True)
class Cancellation:
    """Body of ``commons.booking.cancelled``: ``{booking, reason?}``."""

    booking: int
    reason: str


def parse_request(body: Mapping[str, Any]) -> BookingRequest:
    """A booking request; the end must come after the start."""
    only(body, {"resource", "start", "end", "unit", "note"})
    start, end = utc_time(body, "start"), utc_time(body, "end")
    if end <= start:
        raise InvalidBody("end must come after start")
    unit = body.get("unit")
    if unit is not None and (type(unit) is not int or unit < 1):
        raise InvalidBody("unit must be a unit number (1, 2, …)")
    return BookingRequest(
        resource=parse_ref(body, "resource"),
        start=start,
        end=end,
        unit=unit,
        note=optional_text(body, "note", max_length=500),
    )


def parse_cancellation(body: Mapping[str, Any]) -> Cancellation:
    """Which booking, and why."""
    only(body, {"booking", "reason"})
    return Cancellation(parse_ref(body, "booking"), optional_text(body, "reason", max_length=1000))


def apply_request(state: State, ctx: Context, request: BookingRequest) -> None:
    """A member with rights books a free unit, first come first served, within the limits."""
    record = resource(state, request.resource)
    if record["rules"]["allocation"] != "first_come":
        _refuse_unbookable(record)
    require_rights(state, record, ctx.author, ctx.received)
    require_in_service(record)
    require_within_limits(state, record, ctx, request)
    unit = free_unit(state, record, request.start, request.end, request.unit)
    if unit is None:
        raise Conflict(
            "%(title)s is already booked for part of %(start)s to %(end)s",
            code="overlap",
            title=repr(record["title"]),
            start=request.start,
            end=request.end,
        )
    period = (request.start, request.end)
    confirm(state, ctx, record, ctx.index, ctx.author, unit, period, None, note=request.note)


def require_within_limits(
    state: State, record: Mapping[str, Any], ctx: Context, request: BookingRequest
) -> None:
    """Not in the past, not too far ahead, not too long, not too many at once."""
    limits = record["rules"]["limits"]
    if seconds_between(ctx.received, request.start) < -GRACE_SECONDS:
        raise Conflict("%(when)s is in the past", code="in_the_past", when=request.start)
    if seconds_between(ctx.received, request.start) > limits["advance_days"] * DAY:
        raise NotPermitted(
            "%(title)s may be booked at most %(days)s days ahead",
            code="beyond_limits",
            title=repr(record["title"]),
            days=limits["advance_days"],
        )
    if seconds_between(request.start, request.end) > limits["max_hours"] * 3600:
        raise NotPermitted(
            "a booking of %(title)s may last at most %(hours)s hours",
            code="beyond_limits",
            title=repr(record["title"]),
            hours=limits["max_hours"],
        )
    if request.unit is not None and request.unit > record["rules"]["units"]:
        raise InvalidBody(
            "%(title)s has %(units)s unit(s)",
            title=repr(record["title"]),
            units=record["rules"]["units"],
        )
    if len(calendar.held(state, record["id"], ctx.author, ctx.received)) >= limits["max_active"]:
        raise NotPermitted(
            "you may hold at most %(most)s bookings of %(title)s at a time",
            code="beyond_limits",
            most=limits["max_active"],
            title=repr(record["title"]),
        )


def apply_cancellation(state: State, ctx: Context, cancellation: Cancellation) -> None:
    """The member who booked, or a steward, cancels a booking that has not ended."""
    record = booking(state, cancellation.booking)
    shared = resource(state, record["resource"])
    if ctx.author not in (record["member"], ctx.node_key) and not is_steward(shared, ctx.author):
        raise NotPermitted("only who booked it, or a steward, may cancel a booking")
    if record["status"] != CONFIRMED:
        raise Conflict(
            "booking %(booking)s is already %(status)s",
            code="not_active",
            booking=record["id"],
            status=WP_("booking", "cancelled")
            if record["status"] == "cancelled"
            else record["status"],
        )
    if moment(record["end"]) <= moment(ctx.received):
        raise Conflict(
            "booking %(booking)s has already ended", code="already_ended", booking=record["id"]
        )
    cancel(state, ctx, record, cancellation.reason)


def cancel(state: State, ctx: Context, record: Mapping[str, Any], reason: str) -> None:
    """Cancel a booking: free its unit; a deposit not yet paid is no longer owed."""
    deposit = record["deposit"]
    if deposit is not None and deposit["status"] == "owed":
        deposit = {**deposit, "status": "void"}
    state.put(
        BOOKINGS,
        record["id"],
        {
            **record,
            "status": "cancelled",
            "cancelled": {"at": ctx.received, "by": ctx.author, "reason": reason},
            "deposit": deposit,
        },
    )
    calendar.remove(state, record)


def free_unit(
    state: State, record: Mapping[str, Any], start: str, end: str, wanted: int | None
) -> int | None:
    """The lowest free unit for ``[start, end)`` (or ``wanted``, if it is free)."""
    free = calendar.free_units(state, record, start, end)
    if wanted is not None:
        return wanted if wanted in free else None
    return free[0] if free else None


def confirm(
    state: State,
    ctx: Context,
    record: Mapping[str, Any],
    booking_id: int,
    member: str,
    unit: int,
    period: tuple[str, str],
    round_id: int | None,
    *,
    note: str = "",
) -> None:
    """Record a confirmed booking and put it in the resource's calendar."""
    start, end = period
    deposit = record["rules"]["deposit"]
    confirmed = {
        "id": booking_id,
        "resource": record["id"],
        "member": member,
        "unit": unit,
        "start": start,
        "end": end,
        "status": CONFIRMED,
        "booked_at": ctx.received,
        "round": round_id,
        "note": note,
        "cancelled": None,
        "deposit": None if deposit is None else {**deposit, "status": "owed"},
    }
    state.put(BOOKINGS, booking_id, confirmed)
    calendar.add(state, confirmed, ctx.received)


def _refuse_unbookable(record: Mapping[str, Any]) -> None:
    allocation, title = record["rules"]["allocation"], repr(record["title"])
    if allocation == "open":
        raise Conflict("%(title)s is open to use without booking", code="not_bookable", title=title)
    raise Conflict(
        "%(title)s is allocated by %(allocation)s: enter its next round instead",
        code="not_bookable",
        title=title,
        allocation=allocation,
    )
