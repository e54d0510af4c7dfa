"""``notary.document.attested``: a key attests that a document existed and it stood by it.

The body carries a SHA-256 digest of the document (never the document: it may hold
personal data), an optional title and note. Useful on its own (minutes of an
assembly, signed bylaws, an open letter) and a simple event anyone can submit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import Conflict
from commonweal.domain.fields import WORK_FIELD, only, optional_text, sha256_digest, work_nonce
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State

ATTESTATIONS = "notary.attestations"
"""State table: ``(digest, author)`` → the first attestation's index and title."""

DOCUMENT_ATTESTED = "notary.document.attested"


@dataclass(frozen=True, slots=True)
class Attestation:
    """Body of ``notary.document.attested``."""

    digest: str
    title: str
    note: str


def parse_attestation(body: Mapping[str, Any]) -> Attestation:
    """``{"digest": "sha256:…", "title"?: str, "note"?: str, "pow"?: nonce}``."""
    only(body, {"digest", "title", "note", WORK_FIELD})
    work_nonce(body)
    return Attestation(
        digest=sha256_digest(body, "digest"),
        title=optional_text(body, "title", max_length=200),
        note=optional_text(body, "note", max_length=2000),
    )


def apply_attestation(state: State, ctx: Context, attestation: Attestation) -> None:
    """An author attests a digest once; a second attestation of the same digest is refused."""
    key = (attestation.digest, ctx.author)
    existing = state.get(ATTESTATIONS, key)
    if existing is not None:
        raise Conflict(
            "you already attested this document at index %(index)s",
            code="already_attested",
            index=existing["index"],
        )
    state.put(ATTESTATIONS, key, {"index": ctx.index, "title": attestation.title, "at": ctx.at})


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        DOCUMENT_ATTESTED,
        "A key attests a document by its SHA-256 digest.",
        parse_attestation,
        apply_attestation,
    ),
)
