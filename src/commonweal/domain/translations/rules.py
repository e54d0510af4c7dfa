"""Adding a translation: a member's rendering of an original in another language.

Body of ``translations.translation.added``: ``{"original": <leaf hash>, "language": <BCP 47
tag>, "fields": {…}}``. The original must be a logged proposal draft, comment or aid post
(``unknown_original``), the language well-formed (``invalid_body``) and not the original's
own (``same_language``), and the fields exactly the original's kind's words
(``invalid_body``). A translation never changes the original: the binding text is the
original, in the constitution's binding language (docs/translations.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotFound
from commonweal.domain.fields import matching, only, optional_text, required_text
from commonweal.domain.governance.constitution import CONSTITUTION
from commonweal.domain.membership.records import require_active_member
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State
from commonweal.domain.translations.language import binding_language, language_tag
from commonweal.domain.translations.records import (
    BY_ORIGINAL,
    FIELDS,
    HASH_OF,
    KIND_OF_TYPE,
    ORIGINALS,
    REQUIRED,
    TRANSLATIONS,
    original,
)
from commonweal.domain.words import WP_

ADDED = "translations.translation.added"
MAX_TITLE = 200
MAX_TEXT = 20_000
_LEAF_HASH = re.compile(r"^[A-Za-z0-9+/]{43}=$")


@dataclass(frozen=True, slots=True)
class Translation:
    """A parsed ``translations.translation.added`` body."""

    original: str
    language: str
    fields: dict[str, str]


def parse_translation(body: Mapping[str, Any]) -> Translation:
    """The original's leaf hash, the target language and the translated words."""
    only(body, {"original", "language", "fields"}, {"original", "language", "fields"})
    leaf_hash = matching(
        body["original"],
        _LEAF_HASH,
        "original must be the original entry's leaf hash (44 characters of standard base64)",
    )
    fields = body["fields"]
    if not isinstance(fields, dict) or not fields:
        raise InvalidBody("fields must be an object of the translated words (title, text, …)")
    words = {}
    for name in sorted(fields):  # in sorted order, as the canonical bytes a replay reads
        limit = MAX_TITLE if name == "title" else MAX_TEXT
        if name in ("title", "text"):
            words[name] = required_text(fields, name, max_length=limit)
        else:
            words[name] = optional_text(fields, name, max_length=limit)
    return Translation(leaf_hash, language_tag(body["language"]), words)


def apply_translation(state: State, ctx: Context, new: Translation) -> None:
    """A member adds a translation of a logged original into another language."""
    require_active_member(state, ctx.author, WP_("to do", "add a translation"))
    source = original(state, new.original)
    if source is None:
        raise NotFound(
            "%(original)s is not the leaf hash of a logged proposal, comment or aid post "
            "on this node (translate the entry's leaf_hash, as /v1/events shows it)",
            code="unknown_original",
            original=new.original,
        )
    if new.language.lower() == str(source["language"]).lower():
        raise Conflict(
            "the original is already in %(language)s: a translation is into another language",
            code="same_language",
            language=source["language"],
        )
    kind = source["kind"]
    only(new.fields, set(FIELDS[kind]), set(REQUIRED[kind]), where=f"fields of a {kind}")
    state.put(
        TRANSLATIONS,
        ctx.index,
        {
            "id": ctx.index,
            "original": new.original,
            "original_index": source["index"],
            "kind": kind,
            "language": new.language,
            "fields": new.fields,
            "author": ctx.author,
            "at": ctx.received,
        },
    )
    index = source["index"]
    state.put(BY_ORIGINAL, index, [*state.get(BY_ORIGINAL, index, []), ctx.index])


def record_original(state: State, ctx: Context) -> None:
    """Observer of the translatable types: keep the original's leaf hash, index, kind and
    language (the binding language of the constitution in force, or the default)."""
    if not ctx.leaf_hash:
        return
    constitution = state.get(CONSTITUTION, "constitution") or {}
    state.put(
        ORIGINALS,
        ctx.leaf_hash,
        {
            "index": ctx.index,
            "type": ctx.type,
            "kind": KIND_OF_TYPE[ctx.type],
            "language": binding_language(constitution),
        },
    )
    state.put(HASH_OF, ctx.index, ctx.leaf_hash)


EVENT_TYPES: list[EventType[Any]] = [
    EventType(
        ADDED,
        "A member adds a translation of a proposal, a comment or an aid post.",
        parse_translation,
        apply_translation,
        tuple((name, record_original) for name in KIND_OF_TYPE),
    ),
]
