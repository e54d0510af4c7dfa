"""RFC 8785 JSON Canonicalization Scheme (JCS).

``canonicalize`` is the reference, built on the ``rfc8785`` package. ``canonicalize_fast``
uses ``orjson`` for the values on which it is byte-identical to RFC 8785 (ASCII keys, no
floats, integers inside the I-JSON safe range) and falls back to the reference otherwise.
"""

from __future__ import annotations

from typing import Any, cast

import orjson
import rfc8785

MAX_SAFE_INTEGER = 2**53 - 1
"""The largest integer that I-JSON (RFC 7493) says every parser reads exactly."""


def canonicalize(value: object) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value.

    Raises ``rfc8785.CanonicalizationError`` (a ``ValueError``) for values JCS cannot
    represent, such as integers outside the I-JSON range, NaN, or non-string keys.
    """
    return rfc8785.dumps(cast(Any, value))


def is_orjson_safe(value: object) -> bool:
    """Say whether ``orjson`` with sorted keys gives exactly the RFC 8785 bytes for ``value``.

    That holds when every object key is an ASCII string (so byte order equals UTF-16 order),
    there are no floats, every integer is within ±(2**53 - 1), and the value is built only
    from ``str``, ``int``, ``bool``, ``None``, ``list`` and ``dict`` (exact types).
    """
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if not -MAX_SAFE_INTEGER <= cast(int, item) <= MAX_SAFE_INTEGER:
                return False
        elif kind is dict:
            for key, member in cast("dict[object, object]", item).items():
                if type(key) is not str or not key.isascii():
                    return False
                stack.append(member)
        elif kind is list:
            stack.extend(cast("list[object]", item))
        else:
            return False
    return True


def canonicalize_fast(value: object) -> bytes:
    """Return the bytes ``canonicalize`` would, through ``orjson`` when that is known exact."""
    if is_orjson_safe(value):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    return canonicalize(value)
