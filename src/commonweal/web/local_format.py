"""Numbers, amounts and times as the reader writes them (Babel), both ways.

Shown: a log time in the reader's time zone with the zone named (``7 déc. 2026, 18:05
(heure : Émirats arabes unis)``), a day, a number or an amount with the locale's marks.
Read: an amount typed in the reader's format (``86,40`` in French, ``1.234,5`` in
Spanish) becomes the canonical decimal text the events are built from (``86.40``);
a wall-clock time typed in the reader's zone becomes UTC. Anything that cannot be read
one way only is refused with a sentence saying how to write it. The log never holds
anything but the canonical forms (minor units, RFC 3339 in UTC).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from commonweal.core.local_time import local_decimal, zone_label
from commonweal.core.local_time import local_time as core_local_time
from commonweal.core.rfc3339 import parse_utc
from commonweal.web.i18n import Reader

MAX_AMOUNT_TEXT = 40
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
# Digits and marks of the Arabic script, read as the ASCII ones.
_ARABIC = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_PLAIN_DOT = re.compile(r"^\d+\.(?:\d{1,2}|\d{4,})$")
_WALL_CLOCK = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$")


class NotReadable(ValueError):
    """Text that is not an amount or a time in the reader's format (the message says how
    to write it)."""


def zone_name(reader: Reader) -> str:
    """The reader's time zone as people name it: ``UTC``, ``United Arab Emirates Time``."""
    return zone_label(reader.zone, reader.locale)


def local_time(moment: datetime, reader: Reader) -> str:
    """``moment`` in the reader's zone and words, the zone named."""
    return core_local_time(moment, reader.locale, reader.zone)


def when(text: str, reader: Reader) -> str:
    """A log time (RFC 3339) as :func:`local_time` shows it."""
    return local_time(parse_utc(text), reader)


def day(text: str, reader: Reader) -> str:
    """A log time or a date as the reader writes a day (``5 Mar 2026``, ``5 mars 2026``).
    A log time is the day it was in the reader's zone."""
    moment = date.fromisoformat(text) if len(text) == 10 else parse_utc(text)
    if isinstance(moment, datetime):
        moment = moment.astimezone(reader.zone).date()
    return str(format_date(moment, "medium", locale=reader.locale))


def number(value: int | float | Decimal, reader: Reader) -> str:
    """A number with the locale's digit grouping and decimal mark."""
    return str(format_decimal(value, locale=reader.locale))


def decimal_text(text: str, reader: Reader, *, grouped: bool) -> str:
    """A canonical decimal (``"1234.50"``, every decimal kept) in the reader's marks."""
    return local_decimal(text, reader.locale, grouped=grouped)


def example(locale: Locale) -> str:
    """How an amount is written in ``locale``: ``1,234.56``, ``1 234,56``."""
    return str(format_decimal(Decimal("1234.56"), locale=locale))


def read_amount(text: str, reader: Reader) -> str:
    """The amount ``text`` typed in the reader's format, as canonical decimal text
    (digits, and a dot before the decimals): ``"86,40"`` in French is ``"86.40"``.

    The locale's grouping is accepted where it is placed right (``1.234,5`` in Spanish);
    a plain dot before decimals is accepted too when it cannot be a thousands mark
    (``86.40`` in Spanish, not ``1.234``). Anything else is :class:`NotReadable`.
    """
    locale = reader.locale
    shown = text.strip()
    if not shown:
        raise NotReadable("the amount is empty")
    if len(shown) > MAX_AMOUNT_TEXT:
        raise NotReadable("the amount is too long")
    clean = shown.translate(_ARABIC)
    group = get_group_symbol(locale)
    clean = _SPACES.sub(group if _SPACES.fullmatch(group) else " ", clean)
    how = f"write it like {example(locale)}"
    if not re.fullmatch(r"[0-9.,\u00a0\u202f ’']+", clean) or not clean[0].isdigit():
        raise NotReadable(f"{shown!r} is not an amount: {how}")
    try:
        value = parse_decimal(clean, locale=locale, strict=True)
    except NumberFormatError:
        if get_decimal_symbol(locale) != "." and _PLAIN_DOT.match(clean):
            value = Decimal(clean)
        else:
            raise NotReadable(f"{shown!r} is not an amount as written here: {how}") from None
    if not value.is_finite() or value < 0:
        raise NotReadable(f"{shown!r} is not an amount: {how}")
    return format(value, "f")


def read_wall_clock(text: str, reader: Reader) -> str:
    """A date and time typed in the reader's zone (``2026-12-07T18:05``, as a
    ``datetime-local`` field gives it), as the UTC wall clock (``2026-12-07T14:05``).

    A time that does not exist in the zone (skipped by a clock change) is refused; one
    that happens twice is read as the first."""
    match = _WALL_CLOCK.match(text.strip())
    if not match:
        raise NotReadable(f"{text!r} is not a date and time (YYYY-MM-DDTHH:MM)")
    try:
        year, month, day_, hour, minute, second = (int(p) for p in match.groups(default="0"))
        naive = datetime(year, month, day_, hour, minute, second)
    except ValueError:
        raise NotReadable(f"{text!r} is not a date and time that exists") from None
    local = naive.replace(tzinfo=reader.zone, fold=0)
    utc = local.astimezone(UTC)
    if utc.astimezone(reader.zone).replace(tzinfo=None) != naive:
        raise NotReadable(
            f"{text} does not exist in {reader.zone.key}: the clocks skip it; choose another time"
        )
    seconds = ":%S" if match.group(6) else ""
    return utc.strftime("%Y-%m-%dT%H:%M" + seconds)
