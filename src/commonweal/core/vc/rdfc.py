"""RDF Dataset Canonicalization (URDNA2015) for ``eddsa-rdfc-2022``, safely bounded.

Dropped terms are detected while expanding (pyld's ``on_property_dropped``, the
counterpart of jsonld.js's ``safe`` mode): every term the document uses, in every
node and every embedded credential, must expand to an IRI
(DATA_LOSS_DETECTION_ERROR otherwise). Work is bounded before
canonicalization starts: size, nesting and the number of blank nodes.
"""

from __future__ import annotations

import copy
from typing import Any

import orjson
from pyld import jsonld

from commonweal.core.vc import term_shapes
from commonweal.core.vc.contexts import document_loader
from commonweal.core.vc.errors import CredentialError

MAX_BYTES = 64 * 1024
MAX_DEPTH = 16
MAX_BLANK_NODES = 64
OPTIONS: dict[str, Any] = {"documentLoader": document_loader, "base": None}


def canonical_nquads(document: dict[str, Any]) -> str:
    """The canonical N-Quads of ``document`` (URDNA2015), refusing lossy or oversized input."""
    _check_budget(document)
    check_terms(document)
    try:
        nquads: str = jsonld.normalize(
            copy.deepcopy(document),
            {**OPTIONS, "algorithm": "URDNA2015", "format": "application/n-quads"},
        )
    except jsonld.JsonLdError as error:
        raise CredentialError(
            "canonicalization_error", "JSON-LD processing failed: %(error)s", error=str(error)
        ) from None
    return nquads


def _check_budget(document: dict[str, Any]) -> None:
    if len(orjson.dumps(document)) > MAX_BYTES:
        raise CredentialError(
            "canonicalization_limit", "documents over %(limit)s bytes are refused", limit=MAX_BYTES
        )
    blank = 0

    def walk(value: Any, depth: int) -> None:
        nonlocal blank
        if depth > MAX_DEPTH:
            raise CredentialError(
                "canonicalization_limit",
                "nesting deeper than %(limit)s is refused",
                limit=MAX_DEPTH,
            )
        if isinstance(value, dict):
            if "id" not in value and "@id" not in value and "@value" not in value:
                blank += 1
            for member in value.values():
                walk(member, depth + 1)
        elif isinstance(value, list):
            for member in value:
                walk(member, depth + 1)

    walk(document, 0)
    if blank > MAX_BLANK_NODES:
        raise CredentialError(
            "canonicalization_limit", "more than %(limit)s blank nodes", limit=MAX_BLANK_NODES
        )


def check_terms(document: dict[str, Any]) -> None:
    """Every term and type the document uses is defined by its contexts (no data loss).

    The document is expanded (JSON-LD 1.1), and any property the expansion drops
    (a term that maps to no absolute IRI) or any type left relative is refused, as
    jsonld.js's ``safe`` mode does for Digital Bazaar's suites. Expansion follows
    every scoped context, so a presentation's embedded credentials are checked with
    their own ``@context`` (the VC 2.0 context resets it on ``verifiableCredential``).
    """
    try:
        key = term_shapes.shape(document)
    except TypeError:  # a value JSON cannot hold: expansion says what is wrong
        key = b""
    if key and term_shapes.known_sound(key):
        return
    _check_terms(document)
    if key:
        term_shapes.remember_sound(key)


def _check_terms(document: dict[str, Any]) -> None:
    dropped: list[str | None] = []
    try:
        expanded = jsonld.expand(
            copy.deepcopy(document), OPTIONS, on_property_dropped=dropped.append
        )
    except CredentialError:
        raise
    except Exception as error:  # pyld raises JsonLdError, and KeyError on some invalid input
        raise CredentialError(
            "DATA_LOSS_DETECTION_ERROR", "JSON-LD processing failed: %(error)s", error=str(error)
        ) from None
    if dropped:
        named = sorted({term for term in dropped if term is not None})
        what = ", ".join(named) if named else "a term mapped to null"
        raise CredentialError(
            "DATA_LOSS_DETECTION_ERROR",
            "these terms are not defined by the document's contexts: %(terms)s",
            terms=what,
        )
    relative = sorted(t for t in _types(expanded) if ":" not in t)
    if relative:
        raise CredentialError(
            "DATA_LOSS_DETECTION_ERROR",
            "these types are not defined by the document's contexts: %(types)s",
            types=", ".join(relative),
        )
    relative = sorted(i for i in _keyword_values(expanded, "@id") if ":" not in i)
    if relative:
        raise CredentialError(
            "DATA_LOSS_DETECTION_ERROR",
            "these identifiers are not absolute IRIs: %(ids)s",
            ids=", ".join(relative),
        )


def _types(value: Any) -> set[str]:
    return _keyword_values(value, "@type")


def _keyword_values(value: Any, keyword: str) -> set[str]:
    """Every string value of ``keyword`` (``@type``, ``@id``) in an expanded document."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, member in value.items():
            if key == keyword and isinstance(member, list):
                found.update(t for t in member if isinstance(t, str))
            elif key == keyword and isinstance(member, str):
                found.add(member)
            elif key != "@value":
                found |= _keyword_values(member, keyword)
    elif isinstance(value, list):
        for member in value:
            found |= _keyword_values(member, keyword)
    return found
