"""A moment as a person reads it: in their time zone and their language's words, the zone
named (Babel, CLDR). Pages (web/local_format.py), mails and pushes
(node/services/notification_words.py) all show times this way; and a decimal amount
with the marks of the reader's locale (:func:`local_decimal`).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location
from babel.numbers import format_decimal, get_decimal_symbol

# The CLDR locale each language's dates and numbers follow (English as in Britain:
# "7 Dec 2026, 14:05", the node's format before it spoke other languages).
FORMATS = {"en": "en_GB"}
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT"})


@cache
def locale_for(language: str) -> Locale:
    """The Babel locale a language's dates and numbers follow."""
    return Locale.parse(FORMATS.get(language, language))


def local_decimal(text: str, locale: Locale, *, grouped: bool) -> str:
    """A canonical decimal (``"1234.50"``, every decimal kept) in the marks of ``locale``:
    ``1,234.50``, ``1 234,50`` (``grouped``) or ``1234,50``; a negative takes a real minus."""
    negative = text.startswith("-")
    whole, _dot, fraction = text.lstrip("-").partition(".")
    digits = format_decimal(int(whole), locale=locale, group_separator=grouped)
    if fraction:
        digits += get_decimal_symbol(locale) + fraction
    return ("\u2212" if negative else "") + digits


def zone_label(zone: ZoneInfo, locale: Locale) -> str:
    """A time zone as people name it: ``UTC``, ``United Arab Emirates Time``."""
    if zone.key in _UTC_NAMES:
        return "UTC"
    return str(get_timezone_location(zone, locale=locale))


def local_time(moment: datetime, locale: Locale, zone: ZoneInfo) -> str:
    """``moment`` in ``zone`` and the words of ``locale``, the zone named:
    ``7 Dec 2026, 18:05 (United Arab Emirates Time)``."""
    local = moment.astimezone(zone)
    pattern = str(locale.datetime_formats["medium"])
    text = pattern.replace("{1}", format_date(local, "medium", locale=locale)).replace(
        "{0}", format_time(local, "short", locale=locale)
    )
    return f"{text} ({zone_label(zone, locale)})"
