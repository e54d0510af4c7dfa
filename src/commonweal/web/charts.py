"""Result charts drawn on the server as SVG: horizontal bars, each chart with its numbers
also in a table beside it (so a screen reader, or a printout, loses nothing).

Values may be integers or the decimal strings STV counts in ("2.00000"); they are
turned into numbers only to size the bars, never to show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from markupsafe import Markup, escape

ROW = 28
LABEL_WIDTH = 190
BAR_WIDTH = 260
WIDTH = LABEL_WIDTH + BAR_WIDTH + 70


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the value shown, and whether it is a winner."""

    label: str
    value: Any
    winner: bool = False


def _number(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def bar_chart(title: str, bars: list[Bar]) -> Markup:
    """A horizontal bar chart; negative values (quadratic votes against) grow leftwards."""
    numbers = [_number(b.value) for b in bars]
    top = max([abs(n) for n in numbers] + [Decimal(1)])
    negative = any(n < 0 for n in numbers)
    zero = LABEL_WIDTH + (BAR_WIDTH // 2 if negative else 0)
    span = BAR_WIDTH // 2 if negative else BAR_WIDTH
    height = ROW * len(bars) + 8
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for row, (bar, number) in enumerate(zip(bars, numbers, strict=True)):
        y = 4 + row * ROW
        length = int(abs(number) * span / top)
        x = zero - length if number < 0 else zero
        fill = "#1f6b3a" if bar.winner else ("#9c2f2f" if number < 0 else "#1f5f8b")
        label = bar.label if len(bar.label) <= 28 else bar.label[:27] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 18}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{x}" y="{y + 4}" width="{max(length, 1)}" height="{ROW - 10}" '
            f'fill="{fill}"/>'
            f'<text x="{max(x + length, zero) + 6}" y="{y + 18}">{escape(str(bar.value))}'
            f"{' ✓' if bar.winner else ''}</text>"
        )
    if negative:
        parts.append(
            f'<line x1="{zero}" x2="{zero}" y1="0" y2="{height}" '
            'stroke="#4f5b62" stroke-width="1"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def result_charts(result: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """The charts that show a result: each ``{"title", "svg", "rows"}`` (rows for the table)."""
    winners = set(result.get("winners", []))
    charts = [
        _chart(
            "Who took part",
            [
                Bar("Voted themselves", result["direct_voters"]),
                Bar("Votes by delegation", result["delegated_weight"]),
                Bar(
                    "Did not take part",
                    max(result["electorate"] - result["participating"], 0),
                ),
            ],
        )
    ]

    def named(mapping: dict[str, Any], title: str) -> None:
        charts.append(
            _chart(
                title,
                [Bar(labels.get(k, k), v, k in winners) for k, v in mapping.items()],
            )
        )

    method = result["method"]
    if "counts" in result and isinstance(result["counts"], dict):
        counts = {k: v for k, v in result["counts"].items() if isinstance(v, int)}
        if counts:
            words = {"stand_aside": "stand aside"}
            charts.append(_chart("Ballots", [Bar(words.get(k, k), v) for k, v in counts.items()]))
    if "first_choices" in result:
        named(result["first_choices"], "First choices")
    if "scores" in result:
        named(result["scores"], "Approvals" if method == "approval" else "Total scores")
    if method == "quadratic":
        named(result["votes"], "Net votes (for minus against)")
    for number, round_ in enumerate(result.get("rounds", []), start=1):
        named(round_, f"Round {number}")
    for stage in result.get("stv", {}).get("rounds", []):
        whom = (
            f" of {labels.get(stage['candidate'], stage['candidate'])}"
            if stage["candidate"]
            else ""
        )
        named(stage["votes"], f"Stage {stage['stage']}: {stage['action']}{whom}")
    return charts


def _chart(title: str, bars: list[Bar]) -> dict[str, Any]:
    return {
        "title": title,
        "svg": bar_chart(title, bars),
        "rows": [(b.label, b.value, b.winner) for b in bars],
    }
