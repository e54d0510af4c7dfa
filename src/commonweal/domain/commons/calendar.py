"""A resource's calendar: confirmed bookings in weekly buckets, and what each member holds.

The overlap check reads only the weeks a new booking touches, so its cost does not
grow with the number of bookings a resource has (a booking is filed under every
week it overlaps: one or two for an evening, 26 for a garden season). Each
member's bookings not yet ended are kept apart for the ``max_active`` limit and for
cancelling what a suspension covers.

Weeks are counted from 1970-01-01 (a Thursday); any fixed partition would do.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from commonweal.domain.commons.records import HOLDINGS, SCHEDULES
from commonweal.domain.state import State
from commonweal.domain.timestamps import moment, utc_stamp

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def weeks(start: str, end: str) -> range:
    """The week numbers ``[start, end)`` overlaps (times in normal form)."""
    first = (moment(start) - EPOCH).days // 7
    last = (moment(end) - timedelta(seconds=1) - EPOCH).days // 7
    return range(first, last + 1)


def bucket(resource_id: int, week: int) -> str:
    """The key of one week of a resource's calendar."""
    return f"{resource_id} {week}"


def free_units(state: State, record: Mapping[str, Any], start: str, end: str) -> list[int]:
    """The units of a resource free for all of ``[start, end)``, lowest first."""
    taken = {
        entry[2]
        for week in weeks(start, end)
        for entry in state.get(SCHEDULES, bucket(record["id"], week), [])
        if entry[0] < end and start < entry[1]
    }
    return [unit for unit in range(1, record["rules"]["units"] + 1) if unit not in taken]


def add(state: State, booking: Mapping[str, Any], now: str) -> None:
    """File a confirmed booking in every week it overlaps, and under its member."""
    entry = [booking["start"], booking["end"], booking["unit"], booking["id"], booking["member"]]
    for week in weeks(booking["start"], booking["end"]):
        key = bucket(booking["resource"], week)
        entries = list(state.get(SCHEDULES, key, []))
        insort(entries, entry, key=_order)
        state.put(SCHEDULES, key, entries)
    holder = f"{booking['resource']} {booking['member']}"
    kept = held(state, booking["resource"], booking["member"], now)
    insort(kept, entry[:2] + entry[3:4])
    state.put(HOLDINGS, holder, kept)


def _order(entry: list[Any]) -> tuple[str, int, int]:
    return entry[0], entry[2], entry[3]


def remove(state: State, booking: Mapping[str, Any]) -> None:
    """Take a booking out of the calendar (it was cancelled)."""
    for week in weeks(booking["start"], booking["end"]):
        key = bucket(booking["resource"], week)
        entries = [e for e in state.get(SCHEDULES, key, []) if e[3] != booking["id"]]
        if entries:
            state.put(SCHEDULES, key, entries)
        else:
            state.delete(SCHEDULES, key)
    holder = f"{booking['resource']} {booking['member']}"
    kept = [h for h in state.get(HOLDINGS, holder, []) if h[2] != booking["id"]]
    state.put(HOLDINGS, holder, kept)


def held(state: State, resource_id: int, did: str, now: str) -> list[list[Any]]:
    """``[[start, end, booking], ...]``: the member's bookings of the resource not ended at
    ``now``."""
    # Booking times are whole seconds, so "ends after now" is "ends after now's second",
    # which in normal form compares as strings.
    second = utc_stamp(moment(now))
    return [h for h in state.get(HOLDINGS, f"{resource_id} {did}", []) if h[1] > second]
