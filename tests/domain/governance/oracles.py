"""Helpers for using pref_voting as an oracle within a test's time budget."""

from __future__ import annotations

from collections import Counter
from math import factorial, prod

from commonweal.domain.governance.profile import Profile

MAX_TIE_BREAK_ORDERS = 1000
"""Beyond this many orders, pref_voting's Ranked Pairs takes minutes: skip it as an oracle."""


def tie_break_orders(profile: Profile) -> int:
    """How many edge orders pref_voting's Ranked Pairs tries (it locks tied pairs both ways)."""
    edges = Counter(profile.margin(a, b) for a, b in profile.pairwise if profile.margin(a, b) >= 0)
    return prod(factorial(n) for n in edges.values())
