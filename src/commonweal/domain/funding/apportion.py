"""Whole units from exact shares: the largest-remainder (Hamilton) method.

Exact shares of a pool are rational numbers; money moves in whole minor units.
Flooring every share would leave dust behind, so each share is floored and the
units left over go, one each, to the largest remainders (ties to the earlier
key). The result sums exactly to the total and no share moves by a unit or more.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction


def largest_remainder(shares: Mapping[str, Fraction], total: int) -> dict[str, int]:
    """Whole units for each key, summing to ``total``, each within one unit of its share.

    ``shares`` must be non-negative and sum exactly to ``total``.
    """
    if sum(shares.values(), Fraction(0)) != total:
        raise ValueError("the shares must sum exactly to the total being apportioned")
    floors = {key: share.numerator // share.denominator for key, share in shares.items()}
    left = total - sum(floors.values())
    by_remainder = sorted(shares, key=lambda key: (-(shares[key] - floors[key]), key))
    for key in by_remainder[:left]:
        floors[key] += 1
    return floors
