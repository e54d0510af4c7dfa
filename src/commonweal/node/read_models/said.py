"""Sentences a read model builds, said in the language of the page that shows them.

A read model runs before its page is rendered, so before the page's language is set
(``web/rendering.py`` sets it around the template only): ``_()`` there would answer
English. What it returns instead is a :class:`Said`: a ``str`` holding the English
sentence (so equality, JSON and the command line see the English they always did) that
also remembers its message and values; a template writing it (``{{ x }}``, escaped
through ``__html__``) translates it then, in the reader's language. Values that are
themselves :class:`Said` are translated too.

The functions below are named as gettext's, so ``python -m commonweal.web.catalogues
update`` extracts their messages: ``said._("in about %(time)s", time=...)``.
"""

from __future__ import annotations

from collections.abc import Mapping

from babel.numbers import format_decimal
from markupsafe import escape

from commonweal.core import language
from commonweal.core.local_time import locale_for
from commonweal.domain.words import Number, Word


class Said(str):
    """An English sentence that is translated where a page shows it."""

    context: str | None
    message: str
    plural: str | None
    number: int | None
    values: dict[str, object]

    def __new__(
        cls,
        message: str,
        values: dict[str, object] | None = None,
        *,
        context: str | None = None,
        plural: str | None = None,
        count: int | None = None,
    ) -> Said:
        values = dict(values or {})
        if count is not None:
            values.setdefault("num", count)
        english = plural if plural is not None and count != 1 else message
        made = super().__new__(cls, english % values if values else english)
        made.context, made.message, made.plural, made.number = context, message, plural, count
        made.values = values
        return made

    def translated(self) -> str:
        """The sentence in the language being spoken now."""
        values = {name: _said(value) for name, value in self.values.items()}
        if self.plural is not None and self.number is not None:
            return language.ngettext(self.message, self.plural, self.number, **values)
        if self.context is not None:
            return language.pgettext(self.context, self.message, **values)
        return language._(self.message, **values)

    def __html__(self) -> str:
        return str(escape(self.translated()))


def _said(value: object) -> object:
    """A value put into a sentence, in the language being spoken now where it is words
    (a :class:`Said`, or a :class:`~commonweal.domain.words.Word` the node put into a
    refusal); anything else (what members wrote) as it is."""
    if isinstance(value, Said):
        return value.translated()
    if isinstance(value, Number):
        return format_decimal(value.value, locale=locale_for(language.current_language()))
    if isinstance(value, Word):
        values = {name: _said(inner) for name, inner in value.params.items()}
        if value.context:
            return language.pgettext(value.context, value.template, **values)
        return language._(value.template, **values)
    return value


def refusal(template: str, params: Mapping[str, object]) -> Said:
    """A refusal's message (its template and parameters, as a domain error or a verdict
    keeps them), said in the reader's language where a page shows it."""
    return Said(template, dict(params))


def refusal_sentence(template: str, params: Mapping[str, object]) -> Said:
    """:func:`refusal` written as a sentence (first letter up, one full stop at the end),
    in English and in the reader's language alike."""
    return _Sentence(template, dict(params))


def _as_sentence(text: str) -> str:
    return text[:1].upper() + text[1:].rstrip(".") + "."


class _Sentence(Said):
    """A refusal said as a sentence of its own."""

    def __new__(cls, message: str, values: dict[str, object]) -> _Sentence:
        made = str.__new__(cls, _as_sentence(message % values if values else message))
        made.context, made.message, made.plural, made.number = None, message, None, None
        made.values = values
        return made

    def translated(self) -> str:
        return _as_sentence(super().translated())


def _(message: str, **values: object) -> Said:
    """``message`` with ``%(name)s`` filled from ``values``, translated where shown."""
    return Said(message, values)


def pgettext(context: str, message: str, **values: object) -> Said:
    """A message whose English means other things elsewhere, told apart by ``context``."""
    return Said(message, values, context=context)


def ngettext(singular: str, plural: str, n: int, **values: object) -> Said:
    """The singular or plural of a message for ``n`` (``%(num)d`` is ``n``)."""
    return Said(singular, values, plural=plural, count=n)
