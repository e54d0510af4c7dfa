"""Strict readers for the body members that aid, campaigns and rounds share:
amounts, units, instants, ids and slugs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from datetime import UTC, datetime
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.governance.records import later

MAX_AMOUNT = 2**53 - 1
"""Amounts are integers in minor units, within I-JSON's safe range."""
_UNIT = re.compile(r"^[A-Za-z][A-Za-z0-9.-]{0,19}$")
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def only(body: Mapping[str, Any], allowed: Set[str], required: Set[str] = frozenset()) -> None:
    """Refuse unknown members and missing required ones."""
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise InvalidBody(f"unexpected body member(s): {', '.join(unknown)}")
    missing = sorted(required - set(body))
    if missing:
        raise InvalidBody(f"missing body member(s): {', '.join(missing)}")


def amount(body: Mapping[str, Any], name: str, *, minimum: int = 1) -> int:
    """A whole number of minor units, at least ``minimum``."""
    value = body.get(name)
    if type(value) is not int or not minimum <= value <= MAX_AMOUNT:
        raise InvalidBody(f"{name} must be a whole number of minor units from {minimum:,}")
    return value


def optional_amount(body: Mapping[str, Any], name: str, *, minimum: int = 1) -> int | None:
    """:func:`amount`, or None when absent or null."""
    return None if body.get(name) is None else amount(body, name, minimum=minimum)


def unit(body: Mapping[str, Any], name: str = "unit") -> str:
    """A unit of account: a currency code or a community unit (``EUR``, ``hours``, ``credit``)."""
    value = body.get(name)
    if not isinstance(value, str) or not _UNIT.match(value):
        raise InvalidBody(f"{name} must be a unit such as 'EUR' or 'credit' (letters first)")
    return value


def slug(body: Mapping[str, Any], name: str) -> str:
    """A short lower-case name: letters, digits and dashes."""
    value = body.get(name)
    if not isinstance(value, str) or not _SLUG.match(value):
        raise InvalidBody(f"{name} must be 2-40 lower-case letters, digits or dashes")
    return value


def instant(body: Mapping[str, Any], name: str) -> str:
    """An RFC 3339 date-time with an offset, written as the node writes receipt times (UTC)."""
    value = body.get(name)
    if not isinstance(value, str) or "T" not in value:
        raise InvalidBody(f"{name} must be an RFC 3339 date-time such as 2026-12-01T18:00:00Z")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidBody(f"{name} is not an RFC 3339 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        raise InvalidBody(f"{name} needs a time zone (Z or an offset)")
    return later(parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), 0)


def optional_instant(body: Mapping[str, Any], name: str) -> str | None:
    """:func:`instant`, or None when absent or null."""
    return None if body.get(name) is None else instant(body, name)


def ref(body: Mapping[str, Any], name: str) -> int:
    """The id (a log index) of something this capability records."""
    value = body.get(name)
    if type(value) is not int or value < 0:
        raise InvalidBody(f"{name} must be an id (the log index of the event that made it)")
    return value


def flag(body: Mapping[str, Any], name: str, default: bool = False) -> bool:
    """A true/false member."""
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise InvalidBody(f"{name} must be true or false")
    return value
