"""Problem documents in the reader's language (docs/languages.md).

A refusal's ``title`` (the kind of refusal) is translated for every code. Its ``detail``
is the node's own sentence, often naming what was wrong (``'86,40' is not an amount…``);
for the common refusals whose detail says one thing whatever the case, the translation
of :data:`DETAILS` replaces it, and ``detail_en`` keeps the node's English words. A
translated document says its language in ``lang`` (page scripts then leave out their
English advice). The language is the switcher's cookie, else ``Accept-Language``: a
problem is answered without reading the member's preferences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from babel.numbers import format_decimal
from babel.support import NullTranslations
from markupsafe import escape
from starlette.requests import Request

from commonweal.core.language import current_language
from commonweal.core.local_time import locale_for
from commonweal.domain.words import Number, Word
from commonweal.node.kernel.errors import Rejected
from commonweal.web.i18n import LANGUAGE_COOKIE, N_, SOURCE_LANGUAGE, choose_reader, translations

TITLES = {
    400: N_("Bad request"),
    401: N_("Unauthorized"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    410: N_("Gone"),
    413: N_("Too large"),
    422: N_("Unprocessable event"),
    429: N_("Too many requests"),
    500: N_("Internal error"),
    502: N_("Bad gateway"),
    503: N_("Unavailable"),
}

DETAILS = {
    "not_a_member": N_("Only members can do this."),
    "suspended": N_(
        "Your membership is suspended, so you cannot act until a steward reinstates you."
    ),
    "unauthorized": N_("Prove who you are first: sign in with your key."),
    "sign_in_failed": N_("Signing in failed: the answer did not prove the key."),
    "cross_site": N_("This request came from another site, so it was refused."),
    "voting_closed": N_("Voting has ended."),
    "at_in_future": N_("Your device's clock is ahead: set it to the right time and try again."),
    "bad_signature": N_("The signature does not match: the event was changed after it was signed."),
    "wrong_node": N_("This event was signed for another node."),
    "seq_replayed": N_("This event was already sent."),
    "seq_out_of_order": N_("Another event was signed with your key meanwhile: try again."),
    "rate_limited": N_("Too many requests: wait a moment and try again."),
    "unavailable": N_("The node cannot answer now: try again shortly."),
    "internal": N_("The node failed to answer this request."),
}


EVENT_AT = N_("event %(position)s: %(detail)s")
"""How a batch's refusal names the event it concerns (``Rejected.at``), translated."""


def language_of(cookies: dict[str, str], accept_language: str | None) -> str:
    """The language a problem is answered in."""
    return choose_reader(
        chosen=cookies.get(LANGUAGE_COOKIE),
        preferences=None,
        accept_language=accept_language,
        browser_zone=None,
    ).language


def language_of_request(request: Request) -> str:
    """:func:`language_of` for a request (its cookie, else its ``Accept-Language``)."""
    return language_of(dict(request.cookies), request.headers.get("accept-language"))


def language_of_scope(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """:func:`language_of` from an ASGI scope's raw headers."""
    cookies: dict[str, str] = {}
    accept = None
    for name, value in headers:
        if name == b"accept-language":
            accept = value.decode("latin-1")
        elif name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _eq, kept = part.strip().partition("=")
                cookies[key] = kept
    return language_of(cookies, accept)


def translated(
    body: dict[str, Any],
    language: str | None,
    said: tuple[str, Mapping[str, object]] | None = None,
) -> dict[str, Any]:
    """``body`` (a problem document) in ``language``: the title, and the detail where the
    catalogue says it (the code's one sentence, else the refusal's own template, ``said``,
    filled with its parameters)."""
    if not language or language == SOURCE_LANGUAGE:
        return body
    words = translations(language)
    english = TITLES.get(body["status"])
    out = {**body, "lang": language}
    if english:
        out["title"] = words.gettext(english)
    sentence = DETAILS.get(body["code"])
    if sentence:
        out["detail_en"] = body["detail"]
        out["detail"] = words.gettext(sentence)
    elif said and (
        (template := words.gettext(said[0])) != said[0]
        or any(isinstance(value, (Word, Number)) for value in said[1].values())
    ):
        try:
            detail = template % _words_in(words, said[1], language) if said[1] else template
            if body.get("position") is not None:
                detail = words.gettext(EVENT_AT) % {
                    "position": body["position"],
                    "detail": detail,
                }
        except (KeyError, ValueError, TypeError):  # a translation that does not fit its
            return out  # message's parameters: the English detail stands
        if detail != body["detail"]:  # a template said alike, with Words said alike too
            out["detail_en"] = body["detail"]
            out["detail"] = detail
    return out


def said_in(language: str | None, value: str) -> str:
    """``value`` in ``language`` where it is a :class:`~commonweal.domain.words.Word` (a
    credential's problem an outcome lists), else as it is."""
    if not language or language == SOURCE_LANGUAGE or not isinstance(value, Word):
        return value
    return str(_word(translations(language), value, language))


def _words_in(
    words: NullTranslations, params: Mapping[str, object], language: str
) -> dict[str, object]:
    """``params`` with each :class:`~commonweal.domain.words.Word` (English the node put
    in: an action, a phase's name) said in ``words``' language and each
    :class:`~commonweal.domain.words.Number` written with its marks; every other value
    (what members wrote, identifiers) as it is."""
    return {name: _word(words, value, language) for name, value in params.items()}


def _word(words: NullTranslations, value: object, language: str) -> object:
    if isinstance(value, Number):
        return format_decimal(value.value, locale=locale_for(language))
    if not isinstance(value, Word):
        return value
    if value.context:
        template = str(words.pgettext(value.context, value.template))
    else:
        template = words.gettext(value.template)
    try:
        return template % _words_in(words, value.params, language) if value.params else template
    except (KeyError, ValueError, TypeError):  # a translation that does not fit its
        return str(value)  # message's parameters: the English word stands


class RefusalDetail(str):
    """A refusal's English detail that a page (``error.html``) says in the language it is
    rendered in, as the problem document would: ``{{ detail }}`` and ``{{ detail |
    sentence }}`` translate it; the ``str`` itself stays the English."""

    refused: Rejected

    def __new__(cls, refused: Rejected) -> RefusalDetail:
        made = super().__new__(cls, refused.message)
        made.refused = refused
        return made

    def translated(self) -> str:
        """The detail in the language being spoken now (English outside a page)."""
        refused = self.refused
        body = {"status": 0, "code": refused.code, "detail": str(self)}
        if refused.position is not None:
            body["position"] = refused.position
        document = translated(body, current_language(), (refused.template, refused.params))
        return str(document["detail"])

    def __html__(self) -> str:
        return str(escape(self.translated()))
