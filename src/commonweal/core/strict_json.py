"""Strict JSON reading: I-JSON (RFC 7493) as RFC 8785 requires it.

orjson decodes fast but keeps the last of duplicated member names and turns an
integer beyond 64 bits into a float. Both must be seen: a body with ``"ballot"``
twice, signed over the last, means two things to two readers (RFC 7493 §2.3), and
``18446744073709551616`` is an integer beyond ±(2^53−1), not a float. So every
text is decoded by orjson, and two cheap byte scans decide whether the careful
decoder must look again:

- member names are counted in the text (its JSON whitespace deleted) and in
  orjson's re-encoding of what it decoded, as the ``":`` not preceded by a
  backslash: inside a string a quote is always escaped, so this counts names
  exactly, unless a name ends in an escaped backslash, which sends the text to the
  careful decoder at once. A duplicate makes the re-encoding's count smaller;
- a run of 17 digits or more (anywhere, even inside a string) may be an integer
  orjson turned into a float; 2^53 − 1 has 16 digits.

Only then is the text decoded again by the standard library, which keeps every
integer whole and hands over each object's members in order, so a duplicate is
refused with its name. The scans are ``bytes.count`` and ``bytes.translate``, not
regular expressions (which cost more than the standard library's whole decoding).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_DIGITS = bytes(ord("0") if chr(b).isdigit() and b < 128 else ord(".") for b in range(256))
"""``bytes.translate`` table: every ASCII digit becomes 0, every other byte a dot."""
_LONG_RUN = b"0" * 17
"""17 digits in a row: more than 2^53 − 1 has."""
_WHITESPACE = b" \t\n\r"
_NAME_ENDING_IN_A_BACKSLASH = b'\\\\":'
"""An escaped backslash just before a name's closing quote: ``"a\\\\":``."""


MALFORMED = "malformed_json"
DUPLICATE_MEMBER = "duplicate_member"


class StrictJsonError(ValueError):
    """Text that is not I-JSON; ``code`` is ``malformed_json`` or ``duplicate_member``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def loads(raw: bytes | str) -> Any:
    """Decode I-JSON text: UTF-8, no NaN or Infinity, no duplicated member names;
    integers of any size stay integers (callers bound them)."""
    if isinstance(raw, str):
        raw = raw.encode()
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if str(exc).startswith("number is infinity") and _long_digits(raw):
            return _huge_integers_loads(raw)  # maybe an integer of hundreds of digits
        raise StrictJsonError(MALFORMED, f"the text is not valid JSON: {exc}") from None
    if isinstance(value, dict | list):
        if _may_repeat_a_name(raw, value) or _long_digits(raw):
            return _careful_loads(raw)
    elif type(value) is float and _long_digits(raw):  # a bare number
        return _careful_loads(raw)
    return value


def _may_repeat_a_name(raw: bytes, value: Any) -> bool:
    compact = raw.translate(None, _WHITESPACE)
    try:
        again = orjson.dumps(value)
    except orjson.JSONEncodeError:  # nested deeper than orjson writes (255 levels)
        return True
    if b"\\" not in compact:  # no escapes: every ": ends a name, in both texts
        return compact.count(b'":') != again.count(b'":')
    if _NAME_ENDING_IN_A_BACKSLASH in compact:
        return True
    return _names(compact) != _names(again)


def _names(text: bytes) -> int:
    """The ``":`` in ``text`` not preceded by a backslash."""
    return text.count(b'":') - text.count(b'\\":')


def _long_digits(text: bytes) -> bool:
    return _LONG_RUN in text.translate(_DIGITS)


def _careful_loads(raw: bytes) -> Any:
    try:
        return json.loads(raw, object_pairs_hook=_members, parse_constant=_refuse_constant)
    except StrictJsonError:
        raise
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise StrictJsonError(MALFORMED, f"the text is not valid JSON: {exc}") from None
    except RecursionError:  # orjson allows 1,024 levels, the standard library fewer
        raise StrictJsonError(MALFORMED, "the text is not valid JSON: nested too deeply") from None


def _huge_integers_loads(raw: bytes) -> Any:
    """What orjson refused for a number beyond a double: the standard library keeps
    such an integer whole; it must then be as strict as orjson about the rest (no
    NaN or Infinity, no number that is infinite as a double, no lone surrogate)."""
    value = _careful_loads(raw)
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode()
    except ValueError as exc:  # UnicodeEncodeError is a ValueError too
        raise StrictJsonError(MALFORMED, f"the text is not valid JSON: {exc}") from None
    return value


def _refuse_constant(name: str) -> Any:
    raise StrictJsonError(MALFORMED, f"the text is not valid JSON: {name} is not a JSON value")


def _members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in pairs:
        if name in found:
            raise StrictJsonError(
                DUPLICATE_MEMBER,
                f"the member name {name!r} appears twice in one object; "
                "I-JSON (RFC 7493) and RFC 8785 forbid duplicate names",
            )
        found[name] = value
    return found
