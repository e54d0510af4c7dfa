"""The reader's language and time zone, and the page text in that language.

Each page is rendered for one **reader**: a language of :data:`LANGUAGES` (its gettext
catalogue in ``locale/<lang>/LC_MESSAGES/messages.po``, read from the package at the first
use, so an installed wheel needs nothing beside it), its Babel locale (dates, numbers,
money) and a time zone. They are chosen (docs/languages.md) from, in order:

1. the language this browser picked with the switcher (cookie ``cw_lang``);
2. the signed-in member's notification preferences (``language``, ``time_zone``);
3. the browser's ``Accept-Language`` (and its time zone, cookie ``cw_tz``, set by page.js);
4. the node's default (``COMMONWEAL_LANGUAGE``, English; UTC).

While a page renders, the reader is held in a context variable, which the templates'
``_()`` and the formatting filters (web/local_format.py) read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.support import NullTranslations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from commonweal.core.language import (
    LANGUAGES,
    N_,
    RIGHT_TO_LEFT,
    SOURCE_LANGUAGE,
    language_of,
    speaking,
    translations,
)
from commonweal.core.local_time import FORMATS, locale_for

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "N_",
    "RIGHT_TO_LEFT",
    "SOURCE_LANGUAGE",
    "language_of",
    "translations",
]

LANGUAGE_COOKIE = "cw_lang"
ZONE_COOKIE = "cw_tz"
_ZONE = re.compile(r"^[A-Za-z0-9_+\-]{1,32}(?:/[A-Za-z0-9_+\-]{1,32}){0,3}$")


@dataclass(frozen=True)
class Reader:
    """Who a page is rendered for: a language with a catalogue, and a time zone."""

    language: str
    zone: ZoneInfo

    @property
    def locale(self) -> Locale:
        return locale_for(self.language)

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RIGHT_TO_LEFT else "ltr"

    @property
    def translations(self) -> NullTranslations:
        return translations(self.language)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)


ENGLISH_UTC = Reader(SOURCE_LANGUAGE, ZoneInfo("UTC"))
_reader: ContextVar[Reader] = ContextVar("commonweal_reader", default=ENGLISH_UTC)


def current() -> Reader:
    """The reader of the page being rendered (English and UTC outside a page)."""
    return _reader.get()


@contextmanager
def reading_as(reader: Reader) -> Iterator[Reader]:
    """Render (translate, format) for ``reader`` inside the block."""
    token = _reader.set(reader)
    try:
        with speaking(reader.language):
            yield reader
    finally:
        _reader.reset(token)


def accepted_languages(header: str | None) -> list[str]:
    """The languages with a catalogue that an ``Accept-Language`` header asks for, best
    first (RFC 9110 §12.5.4: q-values, then the order given)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "")[:1000].split(",")):
        tag, _semi, params = part.strip().partition(";")
        quality = 1.0
        match = re.match(r"\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$", params)
        if params and match:
            quality = float(match.group(1))
        language = language_of(tag)
        if language and quality > 0:
            ranked.append((-quality, position, language))
    seen: list[str] = []
    for _q, _p, language in sorted(ranked):
        if language not in seen:
            seen.append(language)
    return seen


def zone_of(name: str | None) -> ZoneInfo | None:
    """The IANA time zone called ``name``, or None when there is none by that name."""
    if not name or not _ZONE.match(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def default_language() -> str:
    """The node's default language (``COMMONWEAL_LANGUAGE``; English when unset or unknown)."""
    return language_of(os.environ.get("COMMONWEAL_LANGUAGE")) or SOURCE_LANGUAGE


def choose_reader(
    *,
    chosen: str | None,
    preferences: dict[str, Any] | None,
    accept_language: str | None,
    browser_zone: str | None,
) -> Reader:
    """The reader, from the switcher's cookie, the member's preferences, the browser's
    ``Accept-Language`` and time zone, then the node's default (in that order)."""
    prefs = preferences or {}
    language = (
        language_of(chosen)
        or language_of(prefs.get("language"))
        or next(iter(accepted_languages(accept_language)), None)
        or default_language()
    )
    zone = zone_of(prefs.get("time_zone")) or zone_of(browser_zone) or ZoneInfo("UTC")
    return Reader(language, zone)


# -- the templates' gettext: new-style, translated for the reader being rendered for -----


@pass_context
def _gettext(context: Context, message: str, **variables: Any) -> str:
    text = current().gettext(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables  # as Jinja's new-style gettext: "%%" is a percent sign


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int, **variables: Any) -> str:
    variables.setdefault("num", n)
    text = current().translations.ngettext(singular, plural, n)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def _pgettext(context: Context, message_context: str, message: str, **variables: Any) -> str:
    """A message whose English is said with other meanings elsewhere ("For": a stance, or
    whom a delegation is for), told apart by ``message_context``."""
    text = str(current().translations.pgettext(message_context, message))
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def install(env: Environment) -> None:
    """Give ``env``'s templates ``_``, ``gettext``, ``ngettext`` and ``pgettext`` in the
    reader's language."""
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext)
    env.newstyle_gettext = True  # type: ignore[attr-defined]
