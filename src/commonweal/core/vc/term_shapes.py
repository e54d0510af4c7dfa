"""A memo of the JSON-LD term check (``rdfc.check_terms``) by the document's shape.

Whether expansion drops a term, leaves a type relative or an identifier relative depends
on the document's contexts, its keys, its types, and whether each string holds a ``:``,
not on the rest of its values: a string with a colon stays an absolute (or compact)
IRI wherever it stands, and one without stays relative in an identifier's place and does
not matter in a literal's. Only where a context makes a term's values vocabulary terms
(``"@type": "@vocab"``) could a string without a colon be a term or not; so the shape
keeps every key, every ``@context`` and ``type`` value whole, writes every string with a
colon as ``a:b`` and every other as ``z`` — unless an embedded context mentions
``@vocab``, or the key is one the shipped contexts read as a vocabulary term
(``proofPurpose``): then such strings stay as they are.

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
    verbatim = _embeds_vocab(document)
    return hashlib.sha256(orjson.dumps(_shape(document, verbatim))).digest()


def _shape(value: Any, verbatim: bool) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                v
                if k in KEPT_WHOLE or (k in VOCABULARY_KEYS and isinstance(v, str))
                else _shape(v, verbatim)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_shape(item, verbatim) for item in value]
    if isinstance(value, str):
        if ":" in value:
            return "a:b"
        return value if verbatim else "z"
    return value


def _embeds_vocab(value: Any) -> bool:
    """Whether any embedded (object) context mentions ``@vocab``."""
    if isinstance(value, dict):
        for key, member in value.items():
            if key == "@context" and b"@vocab" in orjson.dumps(member):
                return True
            if _embeds_vocab(member):
                return True
    elif isinstance(value, list):
        return any(_embeds_vocab(item) for item in value)
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
