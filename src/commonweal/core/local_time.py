"""A moment as a person reads it: in their time zone and their language's words, the zone
named (Babel, CLDR). Pages (web/local_format.py), mails and pushes
(node/services/notification_words.py) all show times this way.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location

# The CLDR locale each language's dates and numbers follow (English as in Britain:
# "7 Dec 2026, 14:05", the node's format before it spoke other languages).
FORMATS = {"en": "en_GB"}
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT"})


@cache
def locale_for(language: str) -> Locale:
    """The Babel locale a language's dates and numbers follow."""
    return Locale.parse(FORMATS.get(language, language))


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
