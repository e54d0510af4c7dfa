"""What a notice says, before it is said in its recipient's language.

The domain decides who is told what, but not in which language: a notice's subject and
text are :class:`Said` values, an English gettext message (whole sentences with named
placeholders, ``said("Voting has opened: %(title)s", title=…)``) and the values to put
in it. The notifier (node/services/notification_words.py) says each one in the
recipient's language and time zone: a value that is itself :class:`Said` is said
first, a :class:`Time` (an RFC 3339 log time) is shown in the recipient's zone, the zone
named. ``python -m commonweal.web.catalogues update`` extracts ``said`` and
``said_counted`` calls into the catalogues (docs/languages.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Time:
    """A log time (RFC 3339, UTC) to show in the recipient's time zone."""

    text: str


@dataclass(frozen=True)
class Said:
    """An English message and its values; ``plural`` and ``count`` for a counted one."""

    message: str
    values: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None

    def english(self) -> str:
        """The message in English, times as logged (what tests and logs read)."""
        message = self.message if self.count in (None, 1) else (self.plural or self.message)
        values = {k: _english(v) for k, v in self.values.items()}
        if self.count is not None:
            values.setdefault("num", self.count)
        return message % values if values else message


def said(message: str, **values: object) -> Said:
    """``message`` (an English sentence, ``%(name)s`` placeholders) with its values."""
    return Said(message, values)


def said_counted(singular: str, plural: str, count: int, **values: object) -> Said:
    """The singular or plural of a message for ``count`` (``%(num)d`` is ``count``)."""
    return Said(singular, values, plural, count)


def _english(value: object) -> object:
    if isinstance(value, Said):
        return value.english()
    if isinstance(value, Time):
        return value.text
    return value
