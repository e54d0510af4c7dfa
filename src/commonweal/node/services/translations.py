"""Translations as the API, the CLI and the pages read them.

Adding a translation is a signed event for ``POST /v1/events``
(``translations.translation.added``, docs/translations.md); these are reads: the
translations of one original (named by its leaf hash or its index), the binding
language, and the translation a reader should see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from commonweal.domain.errors import NotFound
from commonweal.domain.governance.constitution import CONSTITUTION
from commonweal.domain.governance.records import COMMENTS
from commonweal.domain.state import State
from commonweal.domain.translations.language import binding_language
from commonweal.domain.translations.records import COMMENT, HASH_OF, original, translations_of
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node


def binding(state: State) -> str:
    """The constitution's binding language (the default when it names none)."""
    return binding_language(state.get(CONSTITUTION, "constitution") or {})


def listing(node: Node, leaf_hash: str) -> dict[str, Any]:
    """``GET /v1/translations?original=``: the original and its translations, oldest first."""
    with node.reading() as state:
        source = original(state, leaf_hash)
        if source is None:
            raise Rejected.from_error(
                NotFound(
                    "%(leaf_hash)s is not the leaf hash of a logged proposal, comment or aid post",
                    code="unknown_original",
                    leaf_hash=repr(leaf_hash),
                )
            )
        comment = state.get(COMMENTS, source["index"]) if source["kind"] == COMMENT else None
        return {
            "original": {
                "leaf_hash": leaf_hash,
                **source,
                "proposal": comment["proposal"] if comment else None,
            },
            "binding_language": binding(state),
            "translations": translations_of(state, source["index"]),
        }


def leaf_hash_of(state: State, index: int) -> str | None:
    """The leaf hash of the translatable original logged at ``index``, if it is one."""
    found: str | None = state.get(HASH_OF, index)
    return found


def best_for(
    translations: Sequence[dict[str, Any]], languages: Sequence[str], binding: str
) -> dict[str, Any] | None:
    """The translation a reader who prefers ``languages`` (best first) should see, or None
    for the original: the first of their languages that is the binding one (by its primary
    subtag: ``en-GB`` reads an ``en`` original) or has a translation wins; a tag finds the
    latest translation with exactly that tag, else the latest in the same primary language
    (``pt`` finds ``pt-BR``)."""
    bound = _primary(binding)
    for wanted in languages:
        if _primary(wanted) == bound:
            return None
        exact = [t for t in translations if t["language"].lower() == wanted.lower()]
        if exact:
            return exact[-1]
        near = [t for t in translations if _primary(t["language"]) == _primary(wanted)]
        if near:
            return near[-1]
    return None


def _primary(tag: str) -> str:
    return tag.lower().split("-")[0]


def for_reader(
    state: State, index: int, languages: Sequence[str]
) -> tuple[str, dict[str, Any] | None]:
    """``(binding language, the translation to show or None)`` for the original at ``index``."""
    bound = binding(state)
    return bound, best_for(translations_of(state, index), languages, bound)
