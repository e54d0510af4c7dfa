"""A memo of the JSON-LD term check (``rdfc.check_terms``) by the document's shape.

Whether expansion drops a term, leaves a type relative or an identifier relative depends
on the document's contexts, its keys, its types, and whether each string holds a ``:``,
not on the rest of its values: a string with a colon stays an absolute (or compact)
IRI wherever it stands, and one without stays relative in an identifier's place and does
not matter in a literal's. So the shape keeps every key, every ``@context`` and ``type``
value whole, and writes every other string as ``a:b`` (with a colon) or ``z`` (without);
``proofPurpose``, the one term the shipped contexts read as a vocabulary term
(``"@type": "@vocab"``), keeps its value.

An embedded context could make other values matter (``@vocab``-typed terms, another
alias of ``@type`` choosing a type-scoped context): a document with an embedded context
that mentions ``@vocab`` or ``@type`` has no shorter shape than itself.

Only sound shapes are remembered; a document that fails is expanded again, so its
refusal names what it has.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import orjson

MAX_SHAPES = 4096
KEPT_WHOLE = frozenset({"@context", "type", "@type"})

_sound: set[bytes] = set()
_lock = threading.Lock()


VOCABULARY_KEYS = frozenset({"proofPurpose"})
"""The terms the shipped contexts type ``@vocab``."""


def shape(document: Any) -> bytes:
    """The digest of the document's shape (see the module's docstring)."""
    kept = document if _embeds_risky_context(document) else _shape(document)
    return hashlib.sha256(orjson.dumps(kept)).digest()


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                v if k in KEPT_WHOLE or (k in VOCABULARY_KEYS and isinstance(v, str)) else _shape(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_shape(item) for item in value]
    if isinstance(value, str):
        return "a:b" if ":" in value else "z"
    return value


RISKY = (b"@vocab", b'"@type"')


def _embeds_risky_context(value: Any) -> bool:
    """Whether any embedded (object) context mentions ``@vocab`` or ``@type``."""
    if isinstance(value, dict):
        for key, member in value.items():
            if key == "@context" and not isinstance(member, str):
                text = orjson.dumps(member)
                if any(word in text for word in RISKY):
                    return True
            if _embeds_risky_context(member):
                return True
    elif isinstance(value, list):
        return any(_embeds_risky_context(item) for item in value)
    return False


def known_sound(key: bytes) -> bool:
    """Whether a document of this shape was checked and found sound."""
    return key in _sound


def remember_sound(key: bytes) -> None:
    """Remember a sound shape (forgetting them all once there are too many)."""
    with _lock:
        if len(_sound) >= MAX_SHAPES:
            _sound.clear()
        _sound.add(key)
