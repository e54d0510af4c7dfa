"""A notice said in its recipient's language and time zone.

The domain's notices carry :class:`~commonweal.domain.notifications.said.Said` values
(an English message and its values); :func:`say` translates one in the current language
(``with speaking(language):``, core/language.py) and shows its times in the recipient's
zone, the zone named (core/local_time.py). :func:`speaking_to` is what a member's
preferences say about who reads: their language and zone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commonweal.core.language import _, current_language, ngettext, speaking
from commonweal.core.local_time import local_time, locale_for
from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.notifications.said import Said, Time


def zone_of(name: object) -> ZoneInfo:
    """The IANA zone ``name``, or UTC if it is not one."""
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@contextmanager
def speaking_to(prefs: Mapping[str, Any] | None) -> Iterator[ZoneInfo]:
    """Speak the language of a member's preferences inside the block; their time zone."""
    prefs = prefs or {}
    with speaking(prefs.get("language")):
        yield zone_of(prefs.get("time_zone", "UTC"))


class Sayings:
    """What a batch of notices says, each said once per language and zone (a vote opening
    told to every member is said a handful of times, not once per member)."""

    def __init__(self) -> None:
        self._said: dict[tuple[int, str, str], str] = {}
        self._kept: list[Said] = []  # the ids above stay theirs while the batch lives

    def say(self, words: Said, zone: ZoneInfo) -> str:
        key = (id(words), current_language(), zone.key)
        if key not in self._said:
            self._kept.append(words)
            self._said[key] = say(words, zone)
        return self._said[key]


def say(words: Said, zone: ZoneInfo) -> str:
    """``words`` in the current language, its times in ``zone``."""
    if not words.message:
        return ""
    values = {key: _value(value, zone) for key, value in words.values.items()}
    if words.count is not None:
        return ngettext(words.message, words.plural or words.message, words.count, **values)
    return _(words.message, **values)


def _value(value: object, zone: ZoneInfo) -> object:
    if isinstance(value, Said):
        return say(value, zone)
    if isinstance(value, Time):
        try:
            moment = parse_utc(value.text)
        except ValueError:
            return value.text
        return local_time(moment, locale_for(current_language()), zone)
    return value
