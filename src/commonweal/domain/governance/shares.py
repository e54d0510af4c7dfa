"""Shares written as fractions: quorums and thresholds without floating point.

A constitution writes a share as ``"2/3"``, ``"1/2"`` or ``"0"``; a threshold is
``{"more_than": "1/2"}`` (a simple majority) or ``{"at_least": "2/3"}``. Every
comparison is exact integer arithmetic, so a tally never depends on rounding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from commonweal.domain.errors import InvalidBody

_SHARE = re.compile(r"^(0|[1-9][0-9]{0,5})(?:/([1-9][0-9]{0,5}))?$")


def parse_share(text: Any, name: str) -> Fraction:
    """A share from ``"num/den"`` (or ``"0"``, ``"1"``) between 0 and 1 inclusive."""
    match = _SHARE.match(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidBody('%(name)s must be a fraction written like "1/2" or "2/3"', name=name)
    share = Fraction(int(match[1]), int(match[2] or 1))
    if share > 1:
        raise InvalidBody("%(name)s must be at most 1 (got %(text)s)", name=name, text=text)
    return share


def format_share(share: Fraction) -> str:
    """``Fraction(2, 3)`` → ``"2/3"``; whole numbers without a denominator."""
    return str(share.numerator) if share.denominator == 1 else f"{share}"


def percent(part: int, whole: int) -> str:
    """``part / whole`` as a percentage with two decimals, rounded down (display only).

    Rounding down means a share just short of a threshold never displays as reaching it.
    """
    if whole == 0:
        return "0.00"
    hundredths = part * 10000 // whole
    return f"{hundredths // 100}.{hundredths % 100:02d}"


@dataclass(frozen=True, slots=True)
class Threshold:
    """The share of yes (or of preference) a decision needs; ``strict`` means "more than"."""

    share: Fraction
    strict: bool

    @classmethod
    def parse(cls, value: Any, name: str = "threshold") -> Threshold:
        """``{"more_than": "1/2"}`` or ``{"at_least": "2/3"}``."""
        if not isinstance(value, dict) or len(value) != 1:
            raise InvalidBody(
                '%(name)s must be {"more_than": "1/2"} or {"at_least": "2/3"}', name=name
            )
        ((relation, share),) = value.items()
        if relation not in ("more_than", "at_least"):
            raise InvalidBody('%(name)s must say "more_than" or "at_least"', name=name)
        parsed = parse_share(share, f"{name}.{relation}")
        if relation == "more_than" and parsed == 1:
            raise InvalidBody("%(name)s: no share can be more than 1", name=name)
        return cls(parsed, relation == "more_than")

    def met(self, part: int, whole: int) -> bool:
        """Whether ``part`` out of ``whole`` reaches the threshold (never when ``whole`` is 0)."""
        if whole <= 0:
            return False
        if self.strict:
            return part * self.share.denominator > self.share.numerator * whole
        return part * self.share.denominator >= self.share.numerator * whole

    def as_json(self) -> dict[str, str]:
        """The constitution's spelling of this threshold."""
        return {("more_than" if self.strict else "at_least"): format_share(self.share)}

    def describe(self) -> str:
        """Plain language: "more than 1/2", "at least 2/3"."""
        return f"{'more than' if self.strict else 'at least'} {format_share(self.share)}"


def quorum_met(participating: int, electorate: int, quorum: Fraction) -> bool:
    """``participating >= quorum × electorate``; an empty electorate never meets a quorum."""
    if electorate <= 0:
        return False
    return participating * quorum.denominator >= quorum.numerator * electorate
