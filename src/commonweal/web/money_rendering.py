"""Money on the pages: amounts in a unit's decimals with digits grouped, and the charts of
budgets against actual spending and of members' mutual-credit positions.

Amounts are whole minor units everywhere else; they become decimal strings here and
only here (``format_amount``), never floats. Each chart is SVG with a title, and its
numbers are also in a table on the page.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from commonweal.core.language import _
from commonweal.domain.treasury.units import format_amount
from commonweal.web import i18n, local_format
from commonweal.web.charts import Bar, bar_chart
from commonweal.web.rendering import TEMPLATES

MINUS = "\u2212"
ROW = 30
LABEL = 170
TRACK = 280
WIDTH = LABEL + TRACK + 150


def grouped(amount: int, exponent: int) -> str:
    """``123456`` minor units with exponent 2 is ``"1,234.56"`` (``"1 234,56"`` for a French
    reader: the reader's marks, web/local_format.py); negatives take a real minus."""
    text = format_amount(abs(amount), exponent)
    shown = local_format.decimal_text(text, i18n.current(), grouped=True)
    return (MINUS if amount < 0 else "") + shown


def money(amount: int, unit: str, units: dict[str, dict[str, Any]]) -> str:
    """``"1,234.56 EUR"`` (the unit's exponent from ``units``)."""
    record = units.get(unit)
    return f"{grouped(amount, record['exponent'] if record else 0)} {unit}"


@pass_context
def _money_filter(context: Context, amount: int | None, unit: str) -> str:
    """``{{ 1250 | money("EUR") }}`` → ``12.50 EUR``; the page's context holds ``unit_records``."""
    if amount is None:
        return i18n.current().gettext("no limit")
    return money(amount, unit, context.get("unit_records") or {})


@pass_context
def _decimal_filter(context: Context, amount: int, unit: str) -> str:
    """The amount as a plain decimal a form field accepts, in the reader's decimal mark
    (``1250`` → ``12.50``, ``12,50`` in French): the form reads it back the same way."""
    record = (context.get("unit_records") or {}).get(unit)
    text = format_amount(amount, record["exponent"] if record else 0)
    return local_format.decimal_text(text, i18n.current(), grouped=False)


def day(text: str) -> str:
    """A log time (RFC 3339) or a date as the reader writes it: ``5 Mar 2026``."""
    return local_format.day(text, i18n.current())


def rate(text: str) -> str:
    """A yearly rate kept as a fraction (``"7/100"``) in words: ``7 %``."""
    numerator, _slash, denominator = text.partition("/")
    value = Fraction(int(numerator), int(denominator or 1)) * 100
    return (
        f"{value.numerator} %"
        if value.denominator == 1
        else f"{Decimal(value.numerator) / Decimal(value.denominator):.2f} %"
    )


TEMPLATES.env.filters["money"] = _money_filter
TEMPLATES.env.filters["decimal"] = _decimal_filter
TEMPLATES.env.filters["day"] = day


@pass_context
def _local_decimal(_context: Any, text: str) -> str:
    """ "86.40" (an example, a canonical decimal) as the reader writes it: "86,40" in
    French. It takes the context so that Jinja2 never folds it into a template compiled
    outside a request (its argument is usually a constant)."""
    return local_format.decimal_text(text, i18n.current(), grouped=False)


TEMPLATES.env.filters["local_decimal"] = _local_decimal
TEMPLATES.env.filters["rate"] = rate


def budget_chart(budget: dict[str, Any], units: dict[str, dict[str, Any]]) -> Markup:
    """One bar per budget line: the grey track is what was budgeted, the bar what was
    spent; spending past the budget shows in red beyond the track's end."""
    unit = budget["unit"]
    lines = budget["lines"]
    top = max([line["amount"] for line in lines] + [line["actual"] for line in lines] + [1])
    height = ROW * len(lines) + 8
    fund = budget.get("fund_title", budget["fund"])
    title = _("Budget %(name)s of the %(fund)s", name=budget["name"], fund=fund)
    label = _("%(title)s: spending against each line", title=title)
    parts = [
        f'<svg class="chart budget-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}" '
        'preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for row, line in enumerate(lines):
        y = 4 + row * ROW
        budgeted = line["amount"] * TRACK // top
        spent = line["actual"] * TRACK // top
        within = min(spent, budgeted)
        label = line["title"] if len(line["title"]) <= 24 else line["title"][:23] + "…"
        share = f"{line['actual'] * 100 // line['amount']} %" if line["amount"] else "—"
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 19}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL}" y="{y + 5}" width="{max(budgeted, 1)}" height="{ROW - 12}" '
            'fill="#dfe6ea" stroke="#8a8f93" stroke-width="1"/>'
            f'<rect x="{LABEL}" y="{y + 8}" width="{within}" height="{ROW - 18}" fill="#1f5f8b"/>'
        )
        if spent > budgeted:
            parts.append(
                f'<rect x="{LABEL + budgeted}" y="{y + 8}" width="{spent - budgeted}" '
                f'height="{ROW - 18}" fill="#9c2f2f"/>'
            )
        parts.append(
            f'<text x="{LABEL + max(budgeted, spent) + 6}" y="{y + 19}">'
            f"{escape(grouped(line['actual'], units[unit]['exponent']))} · {share}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


CHART_ENDS = 12


def positions_chart(unit: str, positions: list[dict[str, Any]]) -> tuple[str, Markup]:
    """Each member's balance: credit grows to the right, debt (below zero) to the left.

    A large community's chart shows only the members furthest below and above zero (all of
    them are in the table); the caption says which. Called while the page renders, so its
    words are in the reader's language.
    """
    rows = positions
    caption = _("Balances: credit to the right, below zero to the left")
    if len(rows) > 2 * CHART_ENDS:
        ranked = sorted(rows, key=lambda row: row["balance"])
        rows = ranked[:CHART_ENDS] + ranked[-CHART_ENDS:]
        caption = _(
            "The %(ends)s balances furthest below zero and the %(ends)s highest, of %(all)s",
            ends=CHART_ENDS,
            all=len(positions),
        )
    bars = [Bar(row["name"], row["formatted"]) for row in rows]
    return caption, bar_chart(_("Balances in %(unit)s", unit=unit), bars)
