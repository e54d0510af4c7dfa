"""Shared helpers of ``commonweal aid``, ``campaign`` and ``round``: reads, times, tables."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.table import Table

from commonweal.cli.common import console, fail
from commonweal.core.language import _
from commonweal.core.rfc3339 import format_utc, parse_utc

_RELATIVE = re.compile(r"^(\d+)([dhm])$")


def when(text: str) -> str:
    """An RFC 3339 time, or a time from now: ``30d``, ``12h``, ``45m``."""
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        delta = {"d": timedelta(days=amount), "h": timedelta(hours=amount)}.get(
            unit, timedelta(minutes=amount)
        )
        return format_utc(datetime.now(UTC) + delta)
    try:
        return format_utc(parse_utc(text))
    except ValueError:
        raise fail(
            _("%(text)s is neither an RFC 3339 time nor like 30d, 12h or 45m", text=repr(text))
        ) from None


def short(did: str | None) -> str:
    """A DID shortened for a table."""
    if not did:
        return "—"
    return did if len(did) <= 24 else did[:20] + "…"


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """Print a table, or a line saying there is nothing."""
    if not rows:
        console.print(f"No {title.lower()}.")
        return
    shown = Table(title=title, title_justify="left")
    for column in columns:
        shown.add_column(column)
    for row in rows:
        shown.add_row(*("—" if v is None else str(v) for v in row))
    console.print(shown)
