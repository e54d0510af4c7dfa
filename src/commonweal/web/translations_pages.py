"""Translations on the pages: the reader's language, the translation shown in place of the
original's words, and the page listing every translation of an original.

Templates ask ``translation_of(index)`` (a global this module installs) for the original
logged at ``index``: the binding language, the translation to show this reader (if any)
with its translator's name, and the original's leaf hash for the form that adds one
(``_translation.html``). The reader's language is the ``lang`` query parameter, else the
signed-in member's language in their notification preferences, else the browser's
``Accept-Language`` (docs/translations.md).
"""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import pass_context
from jinja2.runtime import Context

from commonweal.domain.errors import InvalidBody, NotFound
from commonweal.domain.translations.language import language_tag
from commonweal.domain.translations.records import translations_of
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.names import Names
from commonweal.node.services import notifications
from commonweal.node.services import translations as service
from commonweal.store.notification_store import NotificationStore
from commonweal.web.bounds import Id
from commonweal.web.rendering import TEMPLATES, page_router, render

MAX_ACCEPTED = 8


def tag_or_none(value: str) -> str | None:
    """``value`` as a canonical language tag, or None when it is not one."""
    try:
        return language_tag(value.strip())
    except InvalidBody:
        return None


def accepted_languages(header: str) -> list[str]:
    """The tags of an ``Accept-Language`` header (RFC 9110 12.5.4), best first; ``*``,
    ``q=0`` and malformed entries left out."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:32]):
        tag, _semicolon, params = item.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        canonical = tag_or_none(tag)
        if canonical and quality > 0:
            weighted.append((-quality, position, canonical))
    return [tag for _q, _p, tag in sorted(weighted)][:MAX_ACCEPTED]


def reader_languages(request: Request, node: Node, me: dict[str, Any] | None) -> list[str]:
    """The languages this reader reads, best first."""
    asked = tag_or_none(request.query_params.get("lang", ""))
    if asked:
        return [asked]
    if me and me.get("did"):
        prefs = notifications.preferences_of(NotificationStore(node.store), me["did"])
        chosen = tag_or_none(str(prefs.get("language", ""))) if prefs else None
        if chosen:
            return [chosen]
    return accepted_languages(request.headers.get("accept-language", ""))


def translation_view(
    node: Node, index: int, languages: list[str], names: Names | None = None
) -> dict[str, Any]:
    """What a page shows of the original at ``index`` for a reader of ``languages``."""
    with node.reading() as state:
        leaf_hash = service.leaf_hash_of(state, index)
        bound, shown = service.for_reader(state, index, languages)
        count = len(translations_of(state, index))
    names = names or Names(node)
    return {
        "index": index,
        "leaf_hash": leaf_hash,
        "binding": bound,
        "reader": languages[0] if languages else bound,
        "shown": shown,
        "by": (names(shown["author"]) if shown else None),
        "count": count,
    }


def language_name(tag: str) -> str:
    """A language tag in English words (Babel's CLDR names): ``pt-BR`` → "Portuguese
    (Brazil)"; the tag itself when CLDR does not know it."""
    try:
        name = Locale.parse(tag, sep="-").get_display_name("en")
    except (UnknownLocaleError, ValueError, TypeError):
        return tag
    return name or tag


def original_href(kind: str, index: int, proposal: int | None) -> str:
    """Where the original is read: its proposal's page, the comment on it, or its aid post."""
    if kind == "proposal":
        return f"/proposals/{index}"
    if kind == "aid_post":
        return f"/aid/{index}"
    return f"/proposals/{proposal}#comment-{index}" if proposal is not None else f"/events/{index}"


@pass_context
def _translation_of(context: Context, index: int) -> dict[str, Any] | None:
    request, node = context.get("request"), context.get("node")
    if request is None or node is None:
        return None
    languages = getattr(request.state, "reader_languages", None)
    if languages is None:  # asked once per page
        languages = reader_languages(request, node, context.get("me"))
        request.state.reader_languages = languages
    return translation_view(node, index, languages)


@pass_context
def _binding_language(context: Context) -> str | None:
    node = context.get("node")
    if node is None:
        return None
    with node.reading() as state:
        return service.binding(state)


TEMPLATES.env.globals["translation_of"] = _translation_of
TEMPLATES.env.globals["binding_language"] = _binding_language
TEMPLATES.env.filters["language_name"] = language_name


def router(node: Node) -> APIRouter:
    """The translations page over ``node``."""
    pages = page_router()

    @pages.get("/translations/{index}", response_class=HTMLResponse)
    def listing(request: Request, index: Id) -> HTMLResponse:
        with node.reading() as state:
            leaf_hash = service.leaf_hash_of(state, index)
        if leaf_hash is None:
            raise Rejected.from_error(
                NotFound(
                    "log entry %(index)s is not a proposal, comment or aid post",
                    code="unknown_original",
                    index=index,
                )
            )
        found = service.listing(node, leaf_hash)
        source = found["original"]
        found["original_href"] = original_href(source["kind"], index, source.get("proposal"))
        names = Names(node)
        for translation in found["translations"]:
            translation["by"] = names(translation["author"])
        return render(request, node, "translations.html", found)

    return pages
