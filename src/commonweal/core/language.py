"""The language text is being said in, for every layer that says something to a person.

Pages (web/i18n.py), mails (node/services/notification_mail.py), sentences built by the
read models and the CLI's messages all translate through the same gettext catalogues
(``locale/<lang>/LC_MESSAGES/messages.po``, shipped in the package) and the same current
language, held in a context variable: a page sets it to its reader's language, a mail to
its recipient's, the CLI to the one its environment names (``LC_ALL``, ``LC_MESSAGES``,
``LANG``, then ``COMMONWEAL_LANGUAGE``). Outside any of them it is English.

Python code marks what it says with ``_()`` (translated now, in the current language) or
``N_()`` (only marked: translated where it is shown; ``NP_()`` with a context, for
:func:`pgettext`); ``python -m commonweal.web.catalogues
update`` extracts both (docs/languages.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

# The languages with a catalogue, in the switcher's order, each named in itself.
LANGUAGES = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "pt": "Português",
    "ar": "العربية",
}
SOURCE_LANGUAGE = "en"
RIGHT_TO_LEFT = frozenset({"ar"})
_TAG = re.compile(r"^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$")

_language: ContextVar[str] = ContextVar("commonweal_language", default=SOURCE_LANGUAGE)


def N_(text: str) -> str:  # noqa: N802 - the gettext convention's name for "mark only"
    """Mark ``text`` for the catalogues without translating it here (it is translated
    where it is shown: ``{{ _(label) }}`` or ``_(label)``)."""
    return text


def NP_(message_context: str, text: str) -> str:  # noqa: N802 - as N_, with a context
    """Mark ``text`` for the catalogues in ``message_context`` (as :func:`pgettext` says it)
    without translating it here: for English that means two things ("set a fund's budget"
    is done, or may be done)."""
    return text


def current_language() -> str:
    """The language being spoken now (English outside a page, a mail or the CLI)."""
    return _language.get()


@contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Say everything inside the block in ``language`` (a BCP 47 tag; one without a
    catalogue, or None, is English)."""
    chosen = language_of(language) or SOURCE_LANGUAGE
    token = _language.set(chosen)
    try:
        yield chosen
    finally:
        _language.reset(token)


def set_language(language: str | None) -> str:
    """Speak ``language`` from now on in this context (the CLI's one language)."""
    chosen = language_of(language) or SOURCE_LANGUAGE
    _language.set(chosen)
    return chosen


def language_of(tag: str | None) -> str | None:
    """The language with a catalogue that a BCP 47 or POSIX locale tag asks for
    (``pt-BR`` and ``pt_BR.UTF-8`` → ``pt``), or None."""
    if not tag:
        return None
    tag = tag.strip().split(".")[0].split("@")[0]
    if len(tag) > 35 or not _TAG.match(tag):
        return None
    primary = tag.replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def language_of_environment(environ: Mapping[str, str]) -> str:
    """The language a command line asks for: ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` (as
    gettext reads them; ``C`` and ``POSIX`` are English), then ``COMMONWEAL_LANGUAGE``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return language_of(value) or SOURCE_LANGUAGE
    return language_of(environ.get("COMMONWEAL_LANGUAGE")) or SOURCE_LANGUAGE


@cache
def translations(language: str) -> NullTranslations:
    """The catalogue of ``language``, compiled in memory from the packaged ``.po``."""
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        return NullTranslations()
    po = resources.files("commonweal").joinpath(f"locale/{language}/LC_MESSAGES/messages.po")
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled)


def _(message: str, **variables: object) -> str:
    """``message`` in the current language, with ``%(name)s`` filled from ``variables``
    (in English when a translation does not fit the message's parameters)."""
    text = translations(current_language()).gettext(message)
    return _filled(text, message, variables) if variables else text


def _filled(text: str, english: str, variables: Mapping[str, object]) -> str:
    try:
        return text % variables
    except (KeyError, ValueError, TypeError):
        return english % variables


gettext = _


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    """The singular or plural of a message for ``n`` (``%(num)d`` is ``n``), translated."""
    variables.setdefault("num", n)
    text = translations(current_language()).ngettext(singular, plural, n)
    return _filled(text, singular if n == 1 else plural, variables)


def pgettext(message_context: str, message: str, **variables: object) -> str:
    """A message whose English means other things elsewhere, told apart by its context."""
    text = str(translations(current_language()).pgettext(message_context, message))
    return _filled(text, message, variables) if variables else text
