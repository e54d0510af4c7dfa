"""A member's notification preferences: their shape, checked, and what they make of a notice.

Preferences are private, off the log, and erased with the member's profile
(docs/notifications.md). Their JSON shape::

    {"email": "ana@example.org" | null,          # the mail channel; null: no mail
     "default_level": "everything",                # for topics not named below
     "levels": {"budget": "decisions", …},         # per topic (LEVELS)
     "digest": "immediate" | "daily" | "weekly",
     "quiet_hours": {"from": "22:00", "to": "07:00"} | null,   # in the member's time zone
     "language": "en",                              # a BCP 47 tag
     "time_zone": "UTC"}                            # an IANA zone name

Every member is optional in a request; what is left out takes the default below. The
time zone's existence is checked where the zone database is read (node/services).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from commonweal.domain.notifications.decisions import LEVELS
from commonweal.domain.words import N_

DIGESTS = ("immediate", "daily", "weekly")
DEFAULTS: dict[str, Any] = {
    "email": None,
    "default_level": "everything",
    "levels": {},
    "digest": "immediate",
    "quiet_hours": None,
    "language": "en",
    "time_zone": "UTC",
}
MAX_TOPICS = 100
_EMAIL = re.compile(r"^[^@\s<>\"(),;:]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z0-9-]{2,63}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_ZONE = re.compile(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$")
_TOPIC = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class PreferencesError(ValueError):
    """Preferences that do not have the documented shape (code ``invalid_preferences``).

    Like a domain error, its message is a template (marked ``N_`` for the catalogues) its
    ``params`` fill, so the refusal can be said in the reader's language."""

    def __init__(self, message: str, **params: object) -> None:
        said = message % params if params else message
        super().__init__(said)
        self.message, self.template, self.params = said, message, params


def check_preferences(value: object) -> dict[str, Any]:
    """``value`` with defaults filled in, or :class:`PreferencesError` naming what is wrong."""
    if not isinstance(value, dict):
        raise PreferencesError(N_("preferences are a JSON object"))
    unknown = sorted(set(value) - set(DEFAULTS))
    if unknown:
        raise PreferencesError(N_("unknown preference: %(names)s"), names=", ".join(unknown))
    prefs = {**DEFAULTS, **value}
    email = prefs["email"]
    if email is not None and (not isinstance(email, str) or not _EMAIL.match(email)):
        raise PreferencesError(N_("email must be an address like name@example.org, or null"))
    if prefs["default_level"] not in LEVELS:
        raise PreferencesError(
            N_("default_level must be one of %(levels)s"), levels=", ".join(LEVELS)
        )
    levels = prefs["levels"]
    if not isinstance(levels, dict) or len(levels) > MAX_TOPICS:
        raise PreferencesError(
            N_("levels is an object of at most %(most)s topics"), most=MAX_TOPICS
        )
    for topic, level in levels.items():
        if not _TOPIC.match(topic) or level not in LEVELS:
            raise PreferencesError(
                N_("levels.%(topic)s must name a topic and one of %(levels)s"),
                topic=topic,
                levels=", ".join(LEVELS),
            )
    if prefs["digest"] not in DIGESTS:
        raise PreferencesError(N_("digest must be one of %(digests)s"), digests=", ".join(DIGESTS))
    quiet = prefs["quiet_hours"]
    if quiet is not None and not (
        isinstance(quiet, dict)
        and set(quiet) == {"from", "to"}
        and all(isinstance(quiet[k], str) and _CLOCK.match(quiet[k]) for k in ("from", "to"))
    ):
        raise PreferencesError(N_('quiet_hours is {"from": "HH:MM", "to": "HH:MM"} or null'))
    language = prefs["language"]
    if not isinstance(language, str) or len(language) > 35 or not _LANGUAGE.match(language):
        raise PreferencesError(N_("language must be a BCP 47 tag such as en or pt-BR"))
    zone = prefs["time_zone"]
    if not isinstance(zone, str) or len(zone) > 64 or not _ZONE.match(zone):
        raise PreferencesError(N_("time_zone must be an IANA time zone name such as Europe/Lisbon"))
    return prefs


def level_for(prefs: dict[str, Any], topic: str) -> str:
    """The member's level for ``topic``."""
    return str(prefs["levels"].get(topic, prefs["default_level"]))


def in_quiet_hours(prefs: dict[str, Any], local: time) -> bool:
    """Whether ``local`` (the member's wall-clock time) falls in their quiet hours."""
    quiet = prefs.get("quiet_hours")
    if not quiet:
        return False
    start, end = _clock(quiet["from"]), _clock(quiet["to"])
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


DIGEST_HOUR = 8
"""Digests are mailed at 08:00 in the member's time zone (then quiet hours apply)."""


def next_digest(local: datetime, digest: str) -> datetime:
    """The next digest's wall-clock time after ``local`` (naive, the member's zone):
    08:00 next for ``daily``; 08:00 on the next Monday for ``weekly``."""
    morning = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    if digest == "weekly":
        morning += timedelta(days=(7 - morning.weekday()) % 7)
    return morning


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
