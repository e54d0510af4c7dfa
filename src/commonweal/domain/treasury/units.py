"""Units of account: a fiat currency, hours, a community currency — each declared by an event.

Amounts are whole numbers of a unit's minor units: with ``exponent`` 2, 1250 EUR
minor units are 12.50 EUR; hours with exponent 2 count hundredths of an hour.
A unit is declared once; its exponent never changes, so old amounts keep their meaning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import matching, only, required_text
from commonweal.domain.registry import Context, require_node_key
from commonweal.domain.state import State
from commonweal.domain.treasury.records import UNITS
from commonweal.domain.words import N_

DECLARED = "treasury.unit.declared"
KINDS = ("fiat", "hours", "community")
MAX_EXPONENT = 8
_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")


@dataclass(frozen=True, slots=True)
class UnitDeclared:
    """Body of ``treasury.unit.declared``: ``{"code", "name", "exponent", "kind"}``."""

    code: str
    name: str
    exponent: int
    kind: str


def parse_code(value: Any, name: str = "unit") -> str:
    """A unit code: 2-12 upper-case letters and digits (``EUR``, ``HOUR``, ``RIVER``)."""
    return matching(
        value,
        _CODE,
        N_("%(name)s must be a unit code of 2-12 upper-case letters and digits"),
        name=name,
    )


def parse_declaration(body: Mapping[str, Any]) -> UnitDeclared:
    """The declaration's body, checked."""
    only(body, {"code", "name", "exponent", "kind"})
    exponent = body.get("exponent")
    if type(exponent) is not int or not 0 <= exponent <= MAX_EXPONENT:
        raise InvalidBody(
            "exponent must be a whole number from 0 to %(max_exponent)s", max_exponent=MAX_EXPONENT
        )
    kind = body.get("kind")
    if kind not in KINDS:
        raise InvalidBody("kind must be one of %(kinds)s", kinds=", ".join(KINDS))
    return UnitDeclared(
        parse_code(body.get("code"), "code"),
        required_text(body, "name", max_length=80),
        exponent,
        str(kind),
    )


def apply_declaration(state: State, ctx: Context, unit: UnitDeclared) -> None:
    """The node (at setup, or by a passed proposal) declares a unit, once."""
    require_node_key(ctx)
    declare(state, ctx, unit)


def declare(state: State, ctx: Context, unit: UnitDeclared) -> None:
    """Record ``unit``; a code is declared only once."""
    if state.get(UNITS, unit.code) is not None:
        raise Conflict(
            "the unit %(unit)s is already declared", unit=unit.code, code="already_declared"
        )
    state.put(
        UNITS,
        unit.code,
        {
            "code": unit.code,
            "name": unit.name,
            "exponent": unit.exponent,
            "kind": unit.kind,
            "declared_at": ctx.received,
        },
    )


def require_unit(state: State, code: str) -> dict[str, Any]:
    """The declared unit ``code``, or ``unknown_unit``."""
    record: dict[str, Any] | None = state.get(UNITS, code)
    if record is None:
        raise Conflict("this node has declared no unit %(unit)s", unit=code, code="unknown_unit")
    return record


def format_amount(amount: int, exponent: int) -> str:
    """``amount`` minor units as a decimal string: 1250 with exponent 2 is ``"12.50"``."""
    if exponent == 0:
        return str(amount)
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d}"


def parse_decimal(text: str, exponent: int) -> int:
    """The inverse of :func:`format_amount`: ``"12.5"`` with exponent 2 is 1250 minor units."""
    match = re.fullmatch(r"(-?)(\d+)(?:\.(\d+))?", text.strip())
    if match is None:
        raise InvalidBody("%(text)s is not a decimal amount", text=repr(text))
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    if len(fraction) > exponent:
        raise InvalidBody(
            "%(text)s has more than %(exponent)s decimal places", text=repr(text), exponent=exponent
        )
    value = int(whole) * int(10**exponent) + int(fraction.ljust(exponent, "0") or "0")
    return -value if sign else value


def time_bank(state: State) -> dict[str, Any]:
    """The node's time bank: its unit of kind ``hours`` (the first by code, if it has
    declared several), or ``unknown_unit`` when it keeps none."""
    for _code, record in sorted(state.items(UNITS)):
        if record["kind"] == "hours":
            found: dict[str, Any] = record
            return found
    raise Conflict(
        "this node keeps no time bank: it has declared no unit of kind hours",
        code="unknown_unit",
    )


def minutes_in(unit: Mapping[str, Any], minutes: int) -> int:
    """``minutes`` as minor units of the hours unit ``unit``, exactly, or ``inexact_amount``:
    with exponent 2 (hundredths of an hour) 90 minutes are 150, and 20 minutes are refused
    (a time bank in hundredths of an hour counts whole multiples of three minutes)."""
    scaled = minutes * 10 ** unit["exponent"]
    if scaled % 60:
        step = 60 // math.gcd(60, 10 ** unit["exponent"])
        raise Conflict(
            "%(minutes)s minutes is not a whole number of %(unit)s minor units (it counts "
            "multiples of %(step)s minutes)",
            minutes=minutes,
            unit=unit["code"],
            step=step,
            code="inexact_amount",
        )
    return int(scaled // 60)
