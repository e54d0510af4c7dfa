"""Helpers the treasury and credit commands share: reading the node, amounts, evidence."""

from __future__ import annotations

import hashlib
from pathlib import Path

from commonweal.cli.common import console, fail, fetch
from commonweal.core.language import _
from commonweal.domain.errors import InvalidBody
from commonweal.domain.treasury.units import format_amount, parse_decimal


def exponents(node: str) -> dict[str, int]:
    """Each declared unit's minor-unit exponent."""
    return {unit["code"]: unit["exponent"] for unit in fetch(node, "/v1/treasury")["units"]}


def minor(node: str, unit: str, amount: str) -> int:
    """A decimal amount typed by a person (``12.50``) in the unit's minor units (1250)."""
    known = exponents(node)
    if unit not in known:
        raise fail(
            _(
                "this node has declared no unit %(unit)s; it has %(value)s",
                unit=unit,
                value=", ".join(known) or "none",
            )
        )
    try:
        value = parse_decimal(amount, known[unit])
    except InvalidBody as error:
        raise fail(error.message) from None
    if value <= 0:
        raise fail(_("the amount must be more than zero"))
    return value


def digest_of(evidence: str | None, evidence_file: Path | None) -> str | None:
    """``sha256:<hex>`` of a receipt file, or a digest given as is."""
    if evidence_file is not None:
        try:
            return "sha256:" + hashlib.sha256(evidence_file.read_bytes()).hexdigest()
        except OSError as error:
            raise fail(
                _(
                    "cannot read %(evidence_file)s: %(error)s",
                    evidence_file=evidence_file,
                    error=error,
                )
            ) from None
    return evidence


def money(amount: int, unit: str, known: dict[str, int]) -> str:
    """``12.50 EUR``."""
    return f"{format_amount(amount, known.get(unit, 0))} {unit}"


def line(*columns: object) -> None:
    """One row of plain output."""
    console.print("  ".join(str(c) for c in columns), highlight=False)
