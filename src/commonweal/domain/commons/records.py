"""The commons state tables and the small readers every commons rule shares.

A shared resource (a room, a cargo bike, garden plots, a tool, a body of
knowledge) is numbered by the leaf index of the event that registered it. A
booking is numbered by the index of the member's own request for it: their
direct booking, or their entry in an allocation round. A sanction is numbered by
the index of the breach report that imposed it. So every id is unique in the log
and anyone can find where it came from.

Booking times are normalised to ``YYYY-MM-DDTHH:MM:SSZ`` (``fields.utc_time``): all
the same width and all in UTC, so comparing them as strings compares them as times.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import NotPermitted
from commonweal.domain.fields import record_id
from commonweal.domain.registry import Context
from commonweal.domain.state import State, existing
from commonweal.domain.timestamps import moment

RESOURCES = "commons.resources"
"""resource id → kind, title, description, rules, rules version, condition."""
BOOKINGS = "commons.bookings"
"""booking id → resource, member, unit, start, end, status, round, deposit."""
SCHEDULES = "commons.schedules"
"""``"<resource> <week>"`` → ``[[start, end, unit, booking, member], ...]``: the confirmed
bookings overlapping that week, by start (the table the overlap check reads; see calendar.py)."""
HOLDINGS = "commons.holdings"
"""``"<resource> <did>"`` → ``[[start, end, booking], ...]``: a member's confirmed bookings of
the resource, as of their last booking (ended ones are dropped when read)."""
ROUNDS = "commons.rounds"
"""round id → the resource, the period it allocates, entries, and the allocation."""
SERVED = "commons.served"
"""``"<resource> <did>"`` → the last round that allocated the member this resource (rotation)."""
SANCTIONS = "commons.sanctions"
"""sanction id → the breach, the step of the ladder it imposed, any appeal or referral."""
REPORTS = "commons.reports"
"""report id → a monitoring report on a resource's condition."""

KINDS = ("land", "room", "tool", "vehicle", "knowledge", "other")
CONDITIONS = ("good", "worn", "damaged", "out_of_service")
OUT_OF_SERVICE = "out_of_service"


parse_ref = record_id
"""A body member that must be an id (a log index)."""


def seconds_between(start: str, end: str) -> int:
    """Whole seconds from ``start`` to ``end`` (any RFC 3339 times)."""
    return int((moment(end) - moment(start)).total_seconds())


def resource(state: State, resource_id: int) -> dict[str, Any]:
    """The resource ``resource_id``, or ``not_found``."""
    return existing(state, RESOURCES, resource_id, "shared resource")


def booking(state: State, booking_id: int) -> dict[str, Any]:
    """The booking ``booking_id``, or ``not_found``."""
    return existing(state, BOOKINGS, booking_id, "booking")


def sanction(state: State, sanction_id: int) -> dict[str, Any]:
    """The sanction ``sanction_id``, or ``not_found``."""
    return existing(state, SANCTIONS, sanction_id, "sanction")


def is_steward(record: Mapping[str, Any], did: str) -> bool:
    """Whether ``did`` is one of the resource's stewards."""
    return did in record["rules"]["stewards"]


def is_monitor(record: Mapping[str, Any], did: str) -> bool:
    """Whether ``did`` may report breaches of the resource's rules (a steward or a monitor)."""
    return is_steward(record, did) or did in record["rules"]["monitors"]


def require_steward(record: Mapping[str, Any], ctx: Context, doing: str) -> None:
    """The author is the node itself or one of the resource's stewards."""
    if ctx.author != ctx.node_key and not is_steward(record, ctx.author):
        raise NotPermitted(
            "only the stewards of %(title)s may %(doing)s",
            code="not_steward",
            title=repr(record["title"]),
            doing=doing,
        )


def require_monitor(record: Mapping[str, Any], ctx: Context, doing: str) -> None:
    """The author is the node itself, a steward, or a monitor of the resource."""
    if ctx.author != ctx.node_key and not is_monitor(record, ctx.author):
        raise NotPermitted(
            "only the stewards and monitors of %(title)s may %(doing)s",
            code="not_monitor",
            title=repr(record["title"]),
            doing=doing,
        )
