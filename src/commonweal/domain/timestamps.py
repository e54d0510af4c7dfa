"""Times as the rules read and reckon them: one strict RFC 3339 reader, and the arithmetic.

Every time a rule reads — a receipt time, a deadline in a body, a time kept in state —
goes through :func:`moment`, which accepts RFC 3339 date-times only: an upper-case
``T``, seconds, up to nine fraction digits, ``Z`` or a numeric offset (the grammar is
``core.rfc3339``'s). ISO 8601's other spellings are refused: week dates
(``2026-W49-1T18:00:00Z``), ordinal dates, the basic format, minutes without seconds,
times without a zone.

Times the rules write take the node's receipt-time form (:func:`stamp`):
``2026-05-01T09:00:00Z``, with six fraction digits only when the time has a fraction.
Bookings, gatherings and the like keep times to the second (:func:`utc_stamp`). Both
forms have a single spelling per instant, in UTC.

Why the domain uses ``core`` here, and only here: both layers are pure, RFC 3339 is a
standard and standards live in ``core``; a second copy of the grammar in the domain
would be a second reader to keep in step, which is what this module ends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commonweal.core.rfc3339 import format_utc, parse_utc

__all__ = ["later", "moment", "reached", "stamp", "utc_stamp"]


def moment(timestamp: str) -> datetime:
    """An RFC 3339 time as an aware UTC datetime; ``ValueError`` for anything else."""
    return parse_utc(timestamp)


def stamp(when: datetime) -> str:
    """An aware datetime in the node's receipt-time form."""
    return format_utc(when)


def utc_stamp(when: datetime) -> str:
    """An aware datetime to the second (any fraction dropped): ``2026-05-01T09:00:00Z``.

    Times in this form all have the same width and zone, so comparing them as
    strings compares them as times.
    """
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def later(timestamp: str, seconds: int) -> str:
    """``timestamp`` plus ``seconds`` (minus, if negative), in the receipt-time form."""
    return format_utc(moment(timestamp) + timedelta(seconds=seconds))


def reached(now: str, deadline: str) -> bool:
    """Whether the time ``now`` is at or after ``deadline``."""
    return moment(now) >= moment(deadline)
