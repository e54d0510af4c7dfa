"""Language tags (BCP 47, RFC 5646) and the constitution's binding language.

A tag is checked against RFC 5646's grammar for a well-formed tag (section 2.1: language,
extended language subtags, script, region, variants, extensions, private use, and the
irregular grandfathered tags) and kept in the canonical case of section 2.1.1: language
lower case, script title case, region upper case. Two tags name the same language when
their canonical forms are equal. Whether a subtag is in the IANA registry is not checked
(that is validity, not well-formedness, and the registry changes), but for one case
people meet: primary language subtags of four to eight letters are well-formed and
reserved, and none is registered, so ``english`` is refused with a pointer to ``en``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import pairwise
from typing import Any

from commonweal.domain.errors import InvalidBody

DEFAULT_BINDING = "en"
"""The binding language of a constitution that does not name one."""

MAX_TAG = 63
_LANGTAG = re.compile(
    r"""^
    (?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})
    (?:-(?P<script>[a-z]{4}))?
    (?:-(?P<region>[a-z]{2}|[0-9]{3}))?
    (?P<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)
    (?P<extensions>(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*)
    (?:-x(?:-[a-z0-9]{1,8})+)?
    $""",
    re.VERBOSE,
)
_PRIVATE = re.compile(r"^x(?:-[a-z0-9]{1,8})+$")
_GRANDFATHERED = frozenset(
    {
        "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon",
        "i-lux", "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr",
        "sgn-be-nl", "sgn-ch-de", "art-lojban", "cel-gaulish", "no-bok", "no-nyn",
        "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan", "zh-xiang",
    }
)  # fmt: skip


def language_tag(value: Any, where: str = "language") -> str:
    """``value`` as a well-formed BCP 47 tag in canonical case, or ``invalid_body``."""
    if not isinstance(value, str) or not value or len(value) > MAX_TAG or not value.isascii():
        raise InvalidBody(
            "%(where)s must be a BCP 47 language tag such as 'es', 'pt-BR' or 'zh-Hant'",
            where=where,
        )
    lowered = value.lower()
    if lowered in _GRANDFATHERED or _PRIVATE.match(lowered):
        return lowered
    found = _LANGTAG.match(lowered)
    if found is None:
        raise InvalidBody(
            "%(where)s: %(value)s is not a well-formed BCP 47 language tag "
            "(for example 'es', 'pt-BR', 'zh-Hant', 'sr-Latn-RS')",
            where=where,
            value=repr(value),
        )
    if len(found["language"].split("-")[0]) > 3:
        raise InvalidBody(
            "%(where)s: %(value)s starts with a language subtag of four or more letters, "
            "which the IANA registry has none of: use the two- or three-letter code "
            "('en', not 'english')",
            where=where,
            value=repr(value),
        )
    _no_repeats(found["variants"], found["extensions"], value, where)
    return _canonical_case(lowered)


def _no_repeats(variants: str, extensions: str, value: str, where: str) -> None:
    """RFC 5646 2.2.5 and 2.2.6: no variant and no extension singleton twice."""
    listed = [v for v in variants.split("-") if v]
    if len(set(listed)) != len(listed):
        raise InvalidBody(
            "%(where)s: %(value)s repeats a variant subtag", where=where, value=repr(value)
        )
    singletons = [s for s in extensions.split("-") if len(s) == 1]
    if len(set(singletons)) != len(singletons):
        raise InvalidBody(
            "%(where)s: %(value)s repeats an extension", where=where, value=repr(value)
        )


def _canonical_case(lowered: str) -> str:
    """RFC 5646 2.1.1: script subtags title case, regions upper case, the rest lower."""
    parts = lowered.split("-")
    out = [parts[0]]
    for previous, part in pairwise(parts):
        if len(previous) == 1:  # after a singleton, everything stays lower case
            out.extend(parts[len(out) :])
            break
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part)
    return "-".join(out)


def binding_language(constitution: Mapping[str, Any]) -> str:
    """The language the constitution names as binding: its originals are in it."""
    language: str = constitution.get("language", DEFAULT_BINDING)
    return language
