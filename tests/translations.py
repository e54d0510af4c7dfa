"""Helpers for translations: an original's leaf hash as the API shows it, and adding one."""

from __future__ import annotations

import base64
from typing import Any

from commonweal.node.kernel.service import Receipt
from commonweal.store.rows import EntryRow
from tests.community import Community

ADDED = "translations.translation.added"


def hash_of(receipt: Receipt | EntryRow) -> str:
    """The receipt's leaf hash in standard base64, as ``/v1/events`` shows it."""
    return base64.b64encode(receipt.leaf_hash).decode()


def body(original: str, language: str = "es", **fields: Any) -> dict[str, Any]:
    """A ``translations.translation.added`` body (a proposal's words unless told)."""
    words = fields or {"title": "Plantar un huerto", "text": "Doce árboles frutales."}
    return {"original": original, "language": language, "fields": words}


def translate(community: Community, name: str, original: str, **kwargs: Any) -> int:
    """Add a translation; its id is the receipt's index."""
    return community.act(name, ADDED, body(original, **kwargs)).index
