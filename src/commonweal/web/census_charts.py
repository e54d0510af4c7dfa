"""Charts over time for the census page, drawn on the server as SVG columns: one column per
census, its value above it and its date below, with the numbers also in a table beside
each chart (so a screen reader or a printout loses nothing). No external asset."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

HEIGHT = 150
COLUMN = 44
GAP = 12
TOP = 20
BOTTOM = 24


@dataclass(frozen=True)
class Point:
    """One census on a chart: its label (the epoch and date) and its value."""

    label: str
    value: int


def columns_chart(title: str, points: list[Point]) -> Markup:
    """A column chart of ``points`` in order (oldest on the left)."""
    top = max([p.value for p in points] + [1])
    width = max(len(points), 8) * (COLUMN + GAP) + GAP  # a few columns stay narrow
    total = TOP + HEIGHT + BOTTOM
    parts = [
        f'<svg class="chart over-time" viewBox="0 0 {width} {total}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" x2="{width}" y1="{TOP + HEIGHT}" y2="{TOP + HEIGHT}" stroke="#4f5b62"/>',
    ]
    for n, point in enumerate(points):
        x = GAP + n * (COLUMN + GAP)
        tall = int(point.value * HEIGHT / top)
        y = TOP + HEIGHT - tall
        middle = x + COLUMN // 2
        parts.append(
            f'<rect x="{x}" y="{y}" width="{COLUMN}" height="{max(tall, 1)}" fill="#1f5f8b"/>'
            f'<text x="{middle}" y="{y - 4}" text-anchor="middle">{point.value}</text>'
            f'<text x="{middle}" y="{TOP + HEIGHT + 16}" text-anchor="middle">'
            f"{escape(point.label)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
