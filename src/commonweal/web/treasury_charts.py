"""The treasury over time, drawn on the server as SVG: month by month, a column for what
came in and one for what went out, and a line for what the treasury held at the month's
end. The same numbers stand in a table beside the chart (treasury.html), so a screen
reader or a printout loses nothing. No script, no external asset."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from commonweal.domain.treasury.units import format_amount

HEIGHT = 160
SLOT = 52
COLUMN = 16
LEFT = 8
TOP = 24
BOTTOM = 40
INCOME = "#1f6b3a"
SPENDING = "#9c2f2f"
BALANCE = "#1a5680"
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(month: str) -> str:
    """``"2026-03"`` → ``"Mar 2026"``."""
    return f"{MONTH_NAMES[int(month[5:7]) - 1]} {month[:4]}"


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
                f'height="{tall}" fill="{colour}"><title>{escape(month_label(row["month"]))}: '
                f"{key} {format_amount(row[key], exponent)}</title></rect>"
            )
        middle = LEFT + n * SLOT + SLOT // 2
        points.append((middle, y(row["balance"]), row))
        month = MONTH_NAMES[int(row["month"][5:7]) - 1]
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
                f"{escape(month_label(row['month']))}: held "
                f"{format_amount(row['balance'], exponent)}</title></circle>"
            )
        last_x, last_y, last = points[-1]
        parts.append(
            f'<text x="{min(last_x, width - 4)}" y="{max(last_y - 8, 12)}" text-anchor="end">'
            f"{format_amount(last['balance'], exponent)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
