"""A resource's week as a timetable: days across, hours down, each booking one tall cell.

The grid is an HTML table (so it reads as a table to a screen reader and needs no inline
styles): one row per hour, one column per day, and a booking spans the rows of the hours
it touches (``rowspan``). Bookings of one unit never overlap, but two that share an hour
(09:00–09:30 and 09:30–10:00) are drawn in one cell. Hours shown run from 07:00 to 21:00,
stretched to any booking that starts or ends outside them (a day booked whole is one cell
over the hours shown). A week is seven days from any day (today, unless
the page asks for another), in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from babel.dates import format_datetime

from commonweal.core.language import SOURCE_LANGUAGE, _, current_language
from commonweal.core.rfc3339 import parse_utc
from commonweal.node.kernel.errors import Rejected

FIRST_HOUR, LAST_HOUR = 7, 21
DAY = timedelta(days=1)


def first_day(text: str | None, now: datetime) -> datetime:
    """Midnight (UTC) of the first day shown: the date ``text``, or today."""
    if text:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise Rejected("invalid_request", "week must be a date such as 2026-12-01") from None
    else:
        day = now.astimezone(UTC).date()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def week_grid(
    entries: Sequence[Sequence[Any]],
    first: datetime,
    unit: int,
    now: datetime,
    names: Mapping[str, str | None],
    viewer: str | None,
) -> dict[str, Any]:
    """The timetable of ``unit`` for the seven days from ``first`` (any first day).

    ``entries`` are calendar entries ``[start, end, unit, booking, member]``. Each row is
    ``{hour, label, cells}``; a cell is None where a booking above spans it, else
    ``{"booked": [segments], "rowspan": n}`` or ``{"free": slot, "past": bool}``.
    """
    days = [first + n * DAY for n in range(7)]
    segments: list[list[dict[str, Any]]] = [[] for _day in days]
    for start_text, end_text, entry_unit, booking, member in entries:
        if entry_unit != unit:
            continue
        start, end = parse_utc(start_text), parse_utc(end_text)
        for n, day in enumerate(days):
            low, high = max(start, day), min(end, day + DAY)
            if low >= high:
                continue
            segments[n].append(
                {
                    "booking": booking,
                    "member": member,
                    "name": names.get(member),
                    "mine": member == viewer,
                    "from": _minutes(low - day),
                    "to": _minutes(high - day),
                    "label": _label(start, end, low, high, day),
                }
            )
    partial = [s for day in segments for s in day if s["label"] != "all day"]
    top = min([FIRST_HOUR] + [s["from"] // 60 for s in partial])
    bottom = max([LAST_HOUR] + [-(-s["to"] // 60) for s in partial])
    blocks = [_blocks(day, top, bottom) for day in segments]
    rows = []
    for hour in range(top, bottom):
        cells: list[dict[str, Any] | None] = []
        for n, day in enumerate(days):
            block = next((b for b in blocks[n] if b["start"] <= hour < b["end"]), None)
            if block is None:
                moment = day + timedelta(hours=hour)
                cells.append(
                    {"free": moment.strftime("%Y-%m-%dT%H:%M"), "past": moment + _HOUR <= now}
                )
            elif block["start"] == hour:
                cells.append(
                    {"booked": block["segments"], "rowspan": block["end"] - block["start"]}
                )
            else:
                cells.append(None)
        rows.append({"hour": hour, "label": f"{hour:02d}:00", "cells": cells})
    today = now.astimezone(UTC).date()
    return {
        "first": first.date().isoformat(),
        "caption": _(
            "Unit %(unit)s, 7 days from %(day)s",
            unit=unit,
            day=dated(first, "%a %-d %b %Y", "EEE d MMM y"),
        ),
        "days": [
            {
                "date": day.date().isoformat(),
                "label": dated(day, "%a %-d %b", "EEE d MMM"),
                "today": day.date() == today,
            }
            for day in days
        ],
        "rows": rows,
        "previous": (first - 7 * DAY).date().isoformat(),
        "next": (first + 7 * DAY).date().isoformat(),
        "from_today": first.date() == today,
        "empty": not any(segments),
    }


_HOUR = timedelta(hours=1)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds()) // 60


def _label(start: datetime, end: datetime, low: datetime, high: datetime, day: datetime) -> str:
    """``09:00–13:00``; ``from 20:00`` or ``until 04:00`` for a booking crossing midnight;
    ``all day`` for a day it covers."""
    before, after = start < day, end > day + DAY
    if before and after:
        return _("all day")
    if before:
        return (
            _("until %(time)s", time=high.strftime("%H:%M")) if high < day + DAY else _("all day")
        )
    ends = "24:00" if high == day + DAY else f"{high:%H:%M}"
    return _("from %(time)s", time=low.strftime("%H:%M")) if after else f"{low:%H:%M}–{ends}"


def dated(moment: datetime, english: str, cldr: str) -> str:
    """``moment`` (UTC) written with ``english`` (``strftime``) in English, as the pages
    always wrote it, or with the CLDR pattern ``cldr`` in the language being spoken."""
    language = current_language()
    if language == SOURCE_LANGUAGE:
        return moment.strftime(english)
    return format_datetime(moment, cldr, tzinfo=UTC, locale=language)


def _blocks(segments: list[dict[str, Any]], top: int, bottom: int) -> list[dict[str, Any]]:
    """Segments merged into cells: those touching a common hour share one."""
    blocks: list[dict[str, Any]] = []
    for segment in sorted(segments, key=lambda s: (s["from"], s["to"])):
        start = max(top, segment["from"] // 60)
        end = min(bottom, max(start + 1, -(-segment["to"] // 60)))
        if blocks and start < blocks[-1]["end"]:
            blocks[-1]["end"] = max(blocks[-1]["end"], end)
            blocks[-1]["segments"].append(segment)
        else:
            blocks.append({"start": start, "end": end, "segments": [segment]})
    return blocks
