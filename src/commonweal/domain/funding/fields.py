"""Strict readers for the body members that aid, campaigns and rounds share: units,
instants and slugs here, with the readers every capability shares (``domain/fields.py``:
``only``, ``amount``, ``ref``) under the same names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.fields import (
    MAX_AMOUNT,
    amount,
    boolean,
    matching_member,
    only,
    optional_amount,
    ref,
)
from commonweal.domain.timestamps import moment, stamp
from commonweal.domain.words import N_

_UNIT = re.compile(r"^[A-Za-z][A-Za-z0-9.-]{0,19}$")
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


__all__ = [
    "MAX_AMOUNT",
    "amount",
    "flag",
    "instant",
    "only",
    "optional_amount",
    "optional_instant",
    "ref",
    "ref_and_amount",
    "slug",
    "sole_ref",
    "unit",
]


def sole_ref(body: Mapping[str, Any], name: str) -> int:
    """``{name: id}`` and nothing else: a body that names one record."""
    only(body, {name}, {name})
    return ref(body, name)


def ref_and_amount(body: Mapping[str, Any], name: str, *, minimum: int = 1) -> tuple[int, int]:
    """``{name: id, "amount": minor units}`` and nothing else: an amount for one record."""
    only(body, {name, "amount"}, {name, "amount"})
    return ref(body, name), amount(body, "amount", minimum=minimum)


def unit(body: Mapping[str, Any], name: str = "unit") -> str:
    """A unit of account: a currency code or a community unit (``EUR``, ``hours``, ``credit``)."""
    return matching_member(
        body, name, _UNIT, N_("%(name)s must be a unit such as 'EUR' or 'credit' (letters first)")
    )


def slug(body: Mapping[str, Any], name: str) -> str:
    """A short lower-case name: letters, digits and dashes."""
    return matching_member(
        body, name, _SLUG, N_("%(name)s must be 2-40 lower-case letters, digits or dashes")
    )


def instant(body: Mapping[str, Any], name: str) -> str:
    """An RFC 3339 date-time with ``Z`` or an offset, written as the node writes receipt
    times (UTC); ISO 8601's other forms (``2026-W49-1T18:00Z``, no seconds, no zone) are
    refused."""
    value = body.get(name)
    if not isinstance(value, str):
        raise InvalidBody(
            "%(name)s must be an RFC 3339 date-time such as 2026-12-01T18:00:00Z", name=name
        )
    try:
        return stamp(moment(value))
    except ValueError:
        raise InvalidBody(
            "%(name)s is not an RFC 3339 date-time such as 2026-12-01T18:00:00Z: %(value)s",
            name=name,
            value=repr(value),
        ) from None


def optional_instant(body: Mapping[str, Any], name: str) -> str | None:
    """:func:`instant`, or None when absent or null."""
    return None if body.get(name) is None else instant(body, name)


def flag(body: Mapping[str, Any], name: str, default: bool = False) -> bool:
    """A true/false member."""
    return boolean(body.get(name, default), name)
