"""Marking the domain's sentences for translation, without translating them here.

The domain is pure (no catalogue, no reader): a refusal or a notice written
``N_("there is no proposal %(key)s")`` is only marked, so the catalogues
(``python -m commonweal.web.catalogues update``) extract it; the web edge, a mail or the
command line says it in the reader's language (docs/languages.md).
"""

from __future__ import annotations

from collections.abc import Sequence


def N_(text: str) -> str:  # noqa: N802 - the gettext convention's name for "mark only"
    """``text`` itself, marked for the catalogues."""
    return text


class Word(str):
    """English the node itself puts into a refusal's sentence, marked so that a reader's
    language says it too: the action a shared guard names ("only members may %(doing)s"),
    a phase's or a status's name, a phrase built of such words.

    A ``Word`` is its English ``str`` (so the English refusal is what it was); it also
    carries its message (``template``, ``params``, ``context``), which the web edge
    translates and fills (web/problem_words.py) before putting it into the translated
    sentence. Only a ``Word`` is translated: an ordinary ``str`` parameter (a title, a
    name, anything members wrote) is inserted as written, even when it happens to equal a
    message of the catalogues. Written ``W_("vote")``, ``WP_("proposal phase", "voting")``,
    ``W_("use %(title)s", title=repr(title))``, so the catalogues extract them.
    """

    template: str
    params: dict[str, object]
    context: str | None

    def __new__(cls, template: str, context: str | None = None, **params: object) -> Word:
        word = super().__new__(cls, template % params if params else template)
        word.template, word.params, word.context = template, params, context
        return word


class Number(str):
    """A whole number the node puts into a refusal ("at most %(most)s"): its English
    ``str`` has English thousands marks (``100,000``), and the web edge writes it with the
    reader's (``100 000``, ``100.000``): a French reader must never read ``100,000`` as a
    hundred."""

    value: int

    def __new__(cls, value: int) -> Number:
        number = super().__new__(cls, format(value, ","))
        number.value = value
        return number


def W_(text: str, **params: object) -> Word:  # noqa: N802 - named like N_
    """``text`` (a template with ``params``) as a :class:`Word`, marked for the catalogues."""
    return Word(text, None, **params)


def WP_(message_context: str, text: str, **params: object) -> Word:  # noqa: N802 - as NP_
    """As :func:`W_`, in ``message_context`` (as ``pgettext`` says it): "voting" is a
    proposal's phase."""
    return Word(text, message_context, **params)


def either(words: Sequence[str]) -> str:
    """``words`` joined with "or" ("draft or discussion"), a :class:`Word` when they are."""
    if not words:
        return ""
    joined = words[0]
    for word in words[1:]:
        joined = W_("%(first)s or %(second)s", first=joined, second=word)
    return joined
