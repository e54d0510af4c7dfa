"""SVG drawn on the server for the aid, campaign and funding pages, and their amount filters.

A progress bar towards a goal, horizontal bars of matches, and a conviction
chart (conviction over time, the threshold it must reach, and where the present
stake takes it). Each has a title and a text alternative, and the pages show the
numbers beside it; sizes are SVG attributes, so the page's style policy (no
inline styles) holds. Numbers are only scaled here, never rounded for display.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.treasury.units import format_amount
from commonweal.node.read_models.amounts import minutes, money
from commonweal.web import i18n, local_format
from commonweal.web.rendering import TEMPLATES

ACCENT, GOOD, BAD, LINE, MUTED = (
    "#1a5680",
    "#1f6b3a",
    "#9c2f2f",
    "#cfcbc2",
    "#4a555c",
)


def _number(value: int | float) -> str:
    """A number with the reader's grouping and decimal mark."""
    return local_format.number(value, i18n.current())


def _in_units(amount: int | None, unit: str | None, units: dict[str, dict[str, Any]]) -> str:
    """``money`` (read_models/amounts.py) with the reader's grouping and decimal mark:
    ``1,500.00 EUR``, ``1 500,00 EUR`` for a French reader."""
    if amount is None:
        return money(amount, unit, units)
    exponent = units[unit]["exponent"] if unit in units else 0
    text = format_amount(abs(amount), exponent)
    shown = local_format.decimal_text(text, i18n.current(), grouped=True)
    return f"{'-' if amount < 0 else ''}{shown}{' ' + unit if unit else ''}"


TEMPLATES.env.filters["in_units"] = _in_units
TEMPLATES.env.filters["minutes_words"] = minutes
TEMPLATES.env.filters["number"] = _number


def progress_bar(done: int, whole: int | None, label: str, *, reached: bool = False) -> Markup:
    """A bar filled ``done`` of ``whole`` (full past the goal), described by ``label``."""
    width, height = 300, 18
    filled = 0 if not whole else min(done, whole) * width // whole
    colour = GOOD if reached else ACCENT
    return Markup(
        f'<svg class="progress" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="none">'
        f"<title>{escape(label)}</title>"
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#e4e1da" rx="3"/>'
        f'<rect x="0" y="0" width="{filled}" height="{height}" fill="{colour}" rx="3"/>'
        "</svg>"
    )


def bars(title: str, rows: list[tuple[str, int, str]]) -> Markup:
    """Horizontal bars: each row is (label, value, the value as shown)."""
    row_height, label_width, bar_width = 28, 210, 230
    top = max([value for _l, value, _t in rows] + [1])
    height = row_height * len(rows) + 8
    parts = [
        f'<svg class="chart" viewBox="0 0 {label_width + bar_width + 110} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for row, (label, value, shown) in enumerate(rows):
        y = 4 + row * row_height
        length = max(value, 0) * bar_width // top
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{max(length, 1)}" '
            f'height="{row_height - 10}" fill="{ACCENT}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 18}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def conviction_chart(
    title: str, points: list[dict[str, Any]], ahead: list[dict[str, Any]]
) -> Markup:
    """Conviction (solid) and the threshold (dashed, red) over time; the conviction the
    present stake would reach (dotted) after today's line."""
    if not points:
        return Markup("")
    width, height, left, right, top, bottom = 600, 250, 70, 16, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    if ahead and ahead[-1]["period"] > ahead[0]["period"]:
        # a long past beside a short way ahead: show the recent past, four times as long
        start = ahead[0]["period"] - 4 * (ahead[-1]["period"] - ahead[0]["period"])
        recent = [p for p in points if p["period"] >= start]
        points = recent if len(recent) > 1 else points[-2:]
    every = points + ahead
    first: int = every[0]["period"]
    last: int = max(every[-1]["period"], first + 1)
    values = [p["conviction"] for p in every] + [
        p["threshold"] for p in every if p.get("threshold") is not None
    ]
    top_value: int = max(max(values), 1) * 11 // 10

    span: int = last - first

    def x(period: int) -> float:
        return left + (period - first) * plot_w / span

    def y(value: int) -> float:
        return top + plot_h - value * plot_h / top_value

    def path(pairs: list[tuple[int, int]]) -> str:
        return " ".join(f"{x(p):.1f},{y(v):.1f}" for p, v in pairs)

    parts = [
        f'<svg class="chart conviction" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for share in (0, 1, 2):
        value = top_value * share // 2
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{LINE}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value:,}</text>'
        )
    steps: list[list[tuple[int, int]]] = [[]]
    for point in every:
        level = point.get("threshold")
        if level is None:
            if steps[-1]:
                steps.append([])
            continue
        if steps[-1]:
            steps[-1].append((point["period"], steps[-1][-1][1]))
        steps[-1].append((point["period"], level))
    for step in steps:
        if len(step) > 1:
            parts.append(
                f'<polyline points="{path(step)}" fill="none" stroke="{BAD}" stroke-width="2" '
                'stroke-dasharray="7 4"/>'
            )
    parts.append(
        f'<polyline points="{path([(p["period"], p["conviction"]) for p in points])}" '
        f'fill="none" stroke="{ACCENT}" stroke-width="2.5"/>'
    )
    if ahead:
        today = x(ahead[0]["period"])
        parts.append(
            f'<line x1="{today:.1f}" x2="{today:.1f}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="{MUTED}" stroke-width="1"/>'
            f'<polyline points="{path([(p["period"], p["conviction"]) for p in ahead])}" '
            f'fill="none" stroke="{ACCENT}" stroke-width="2" stroke-dasharray="2 4"/>'
        )
    marks = [(every[0], "start", "")]
    if ahead:
        marks.append((ahead[0], "middle", " (now)"))
    marks.append((every[-1], "end", ""))
    shown: list[float] = []
    for mark, anchor, note in marks:
        at = x(mark["period"])
        if any(abs(at - other) < 130 for other in shown):
            continue  # too close to a date already written
        shown.append(at)
        parts.append(
            f'<text x="{at:.1f}" y="{height - 12}" text-anchor="{anchor}">'
            f"{escape(_day(mark['at']))}{note}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _day(moment: str) -> str:
    when: datetime = parse_utc(moment)
    return when.strftime("%-d %b %Y")
