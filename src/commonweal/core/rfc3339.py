"""RFC 3339 timestamps in UTC, with one canonical output form.

``format_utc`` writes ``YYYY-MM-DDTHH:MM:SSZ``, or ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (exactly
six digits) when the microsecond is not zero. ``parse_utc`` reads any RFC 3339 date-time with
an upper-case ``T`` and a ``Z`` or numeric offset, and returns an aware UTC ``datetime``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

_PATTERN = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)


def format_utc(moment: datetime) -> str:
    """Return the canonical RFC 3339 UTC form of an aware ``datetime``.

    Naive datetimes are refused with ``ValueError``: their meaning depends on the host.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no time zone; pass an aware datetime")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the datetime is outside the years 1 to 9999 once in UTC") from None
    text = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    )
    if utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"


@lru_cache(maxsize=8192)
def parse_utc(text: str) -> datetime:
    """Parse an RFC 3339 date-time into an aware UTC ``datetime``.

    Fractional seconds may have up to nine digits and are truncated to microseconds.
    Offsets other than ``Z`` are converted to UTC. Anything else, including leap
    seconds (``:60``), raises ``ValueError`` saying the value is not an RFC 3339 timestamp.
    Results are cached: a log's receipt times repeat across each group commit.
    """
    match = _PATTERN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.f]Z)")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    microsecond = int((fraction or "").ljust(6, "0")[:6])
    try:
        if zulu:
            zone = UTC
        else:
            offset = timedelta(hours=int(off_h), minutes=int(off_m))
            if int(off_h) > 23 or int(off_m) > 59:
                raise ValueError("offset out of range")
            zone = timezone(-offset if sign == "-" else offset)
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            microsecond,
            tzinfo=zone,
        )
        if not zulu:
            moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(
            f"{text!r} is not an RFC 3339 timestamp (a field is out of range)"
        ) from None
    return moment
