"""A ranked-ballot profile: identical rankings aggregated, and the pairwise matrix.

Counting cost grows with the number of distinct rankings, not of ballots: a
million ballots with a few hundred patterns count in milliseconds. A ranking
may be truncated: ranked candidates beat unranked ones, which tie among themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Profile:
    """Candidates and (ranking, count) patterns."""

    candidates: tuple[str, ...]
    patterns: tuple[tuple[tuple[str, ...], int], ...]
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_rankings(cls, candidates: Sequence[str], rankings: Iterable[Sequence[str]]) -> Profile:
        """Aggregate ballots; each ranks known candidates at most once."""
        return cls.from_counts(candidates, ((ranking, 1) for ranking in rankings))

    @classmethod
    def from_counts(
        cls, candidates: Sequence[str], patterns: Iterable[tuple[Sequence[str], int]]
    ) -> Profile:
        """From (ranking, count) pairs, e.g. the subtotals of several nodes added up."""
        known = set(candidates)
        if len(known) != len(candidates):
            raise ValueError("candidates must be distinct")
        counts: Counter[tuple[str, ...]] = Counter()
        for ranking, count in patterns:
            ranked = tuple(ranking)
            if len(set(ranked)) != len(ranked) or not set(ranked) <= known:
                raise ValueError(f"invalid ranking {ranked!r}")
            if count < 0:
                raise ValueError("counts are never negative")
            counts[ranked] += count
        return cls(tuple(candidates), tuple(sorted((r, c) for r, c in counts.items() if c)))

    @property
    def voters(self) -> int:
        """How many ballots."""
        return sum(count for _ranking, count in self.patterns)

    @cached_property
    def pairwise(self) -> dict[tuple[str, str], int]:
        """``pairwise[a, b]``: how many ballots rank ``a`` above ``b``."""
        table = {(a, b): 0 for a in self.candidates for b in self.candidates if a != b}
        for ranking, count in self.patterns:
            position = {c: i for i, c in enumerate(ranking)}
            unranked = len(ranking)
            for a in self.candidates:
                for b in self.candidates:
                    if a != b and position.get(a, unranked) < position.get(b, unranked):
                        table[a, b] += count
        return table

    def margin(self, a: str, b: str) -> int:
        """Ballots preferring ``a`` to ``b`` minus those preferring ``b`` to ``a``."""
        return self.pairwise[a, b] - self.pairwise[b, a]

    def first_choices(self, remaining: Iterable[str]) -> dict[str, int]:
        """Top choices among ``remaining`` (exhausted ballots count for no one)."""
        alive = set(remaining)
        tally = dict.fromkeys(sorted(alive), 0)
        for ranking, count in self.patterns:
            for candidate in ranking:
                if candidate in alive:
                    tally[candidate] += count
                    break
        return tally
