"""The translations state tables, and what each translatable kind of original has.

An original is named by its entry's leaf hash (the standard base64 the API shows as
``leaf_hash``). When a proposal is drafted, a comment posted or an aid post made, the
translations capability records the original's leaf hash with its index, its kind and its
language (the constitution's binding language at that moment), so a later translation can
name it and a replay checks it the same way.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.state import State

ORIGINALS = "translations.originals"
"""leaf hash → ``{"index", "type", "kind", "language"}`` of a translatable original."""
TRANSLATIONS = "translations.translations"
"""translation id (its leaf index) → original, index, kind, language, fields, author, at."""
HASH_OF = "translations.hash_of"
"""original's leaf index → its leaf hash (what a page's translation form names)."""
BY_ORIGINAL = "translations.by_original"
"""original's leaf index → the ids of its translations, oldest first."""

PROPOSAL, COMMENT, AID_POST = "proposal", "comment", "aid_post"
KIND_OF_TYPE = {
    "governance.proposal.drafted": PROPOSAL,
    "governance.comment.posted": COMMENT,
    "aid.request.posted": AID_POST,
    "aid.offer.posted": AID_POST,
}
"""The translatable event types (named, not imported: governance and aid export their
types to no one), and the kind of original each one logs. A comment for or against an
alternative is an argument."""
FIELDS = {PROPOSAL: ("title", "text"), COMMENT: ("text",), AID_POST: ("title", "details")}
"""What a translation of each kind may carry: the original's words, no more."""
REQUIRED = {PROPOSAL: ("title", "text"), COMMENT: ("text",), AID_POST: ("title",)}
"""What it must carry (an aid post's details are optional, as in the original)."""


def original(state: State, leaf_hash: str) -> dict[str, Any] | None:
    """The translatable original whose entry has ``leaf_hash``, if any."""
    record: dict[str, Any] | None = state.get(ORIGINALS, leaf_hash)
    return record


def translations_of(state: State, index: int) -> list[dict[str, Any]]:
    """The translations of the original logged at ``index``, oldest first."""
    return [state.get(TRANSLATIONS, i) for i in state.get(BY_ORIGINAL, index, [])]
