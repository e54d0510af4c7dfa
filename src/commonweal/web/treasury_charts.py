"""The treasury over time, drawn on the server as SVG: month by month, a column for what
came in and one for what went out, and a line for what the treasury held at the month's
end. The same numbers stand in a table beside the chart (treasury.html), so a screen
reader or a printout loses nothing. No script, no external asset."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_skeleton
from markupsafe import Markup, escape

from commonweal.core.language import _
from commonweal.domain.treasury.units import format_amount
from commonweal.web import i18n

HEIGHT = 160
SLOT = 52
COLUMN = 16
LEFT = 8
TOP = 24
BOTTOM = 40
INCOME = "#1f6b3a"
SPENDING = "#9c2f2f"
BALANCE = "#1a5680"


ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def month_name(month: str) -> str:
    """``"2026-03"`` → ``"Mar"``, as the reader abbreviates it (``mars``, ``مارس``)."""
    reader = i18n.current()
    if reader.language == i18n.SOURCE_LANGUAGE:
        return ENGLISH_MONTHS[int(month[5:7]) - 1]
    first = date(int(month[:4]), int(month[5:7]), 1)
    return format_skeleton("MMM", first, locale=reader.locale)


def month_label(month: str) -> str:
    """``"2026-03"`` → ``"Mar 2026"`` (``mars 2026``)."""
    reader = i18n.current()
    if reader.language == i18n.SOURCE_LANGUAGE:
        return f"{month_name(month)} {month[:4]}"
    first = date(int(month[:4]), int(month[5:7]), 1)
    return format_skeleton("yMMM", first, locale=reader.locale)


def tip(key: str, month: str, amount: str) -> str:
    """A column's or a point's tooltip: the month, what it shows, the amount."""
    label = month_label(month)
    if key == "income":
        return _("%(month)s: income %(amount)s", month=label, amount=amount)
    if key == "spending":
        return _("%(month)s: spending %(amount)s", month=label, amount=amount)
    return _("%(month)s: held %(amount)s", month=label, amount=amount)


def over_time(title: str, rows: list[dict[str, Any]], exponent: int) -> Markup:
    """The chart of ``rows`` (``treasury_history.monthly``), amounts in minor units of a
    unit with ``exponent`` decimals. A balance below zero is drawn at the axis."""
    top = max([max(r["income"], r["spending"], r["balance"]) for r in rows] + [1])
    width = LEFT * 2 + max(len(rows), 6) * SLOT
    base = TOP + HEIGHT

    def y(value: int) -> int:
        return base - int(max(value, 0) * HEIGHT / top)

    parts = [
        f'<svg class="chart treasury-over-time" viewBox="0 0 {width} {base + BOTTOM}" '
        f'role="img" aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" x2="{width}" y1="{base}" y2="{base}" stroke="#4a555c"/>',
    ]
    points = []
    for n, row in enumerate(rows):
        x = LEFT + n * SLOT + (SLOT - 2 * COLUMN) // 2
        for offset, key, colour in ((0, "income", INCOME), (COLUMN, "spending", SPENDING)):
            tall = base - y(row[key])
            parts.append(
                f'<rect x="{x + offset}" y="{base - tall}" width="{COLUMN - 2}" '
                f'height="{tall}" fill="{colour}"><title>'
                f"{escape(tip(key, row['month'], format_amount(row[key], exponent)))}"
                "</title></rect>"
            )
        middle = LEFT + n * SLOT + SLOT // 2
        points.append((middle, y(row["balance"]), row))
        month = escape(month_name(row["month"]))
        parts.append(f'<text x="{middle}" y="{base + 16}" text-anchor="middle">{month}</text>')
        if n == 0 or row["month"].endswith("-01"):
            parts.append(
                f'<text x="{middle}" y="{base + 32}" text-anchor="middle">{row["month"][:4]}</text>'
            )
    if points:
        line = " ".join(f"{x},{py}" for x, py, _row in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{BALANCE}" stroke-width="3"/>')
        for x, py, row in points:
            parts.append(
                f'<circle cx="{x}" cy="{py}" r="4" fill="{BALANCE}"><title>'
                f"{escape(tip('held', row['month'], format_amount(row['balance'], exponent)))}"
                "</title></circle>"
            )
        last_x, last_y, last = points[-1]
        parts.append(
            f'<text x="{min(last_x, width - 4)}" y="{max(last_y - 8, 12)}" text-anchor="end">'
            f"{format_amount(last['balance'], exponent)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
