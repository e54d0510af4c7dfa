"""A ranked-ballot profile: identical rankings aggregated, and the pairwise matrix.

Counting cost grows with the number of distinct rankings, not of ballots: a
million ballots with a few hundred patterns count in milliseconds. A ranking
may be truncated: ranked candidates beat unranked ones, which tie among themselves.

A ranking element is either one candidate or a *tier*: a tuple of candidates the
voter ranks equal (LiquidFeedback's graded ballots produce these). Tiers are used
by the pairwise methods (Schulze, Ranked Pairs, Copeland, Minimax); the methods
that read only a ballot's top choice refuse a ballot whose top continuing tier is
tied, since they cannot say which candidate it counts for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

Tier = tuple[str, ...]
"""Candidates ranked equal by one ballot."""

Entry = str | Tier
"""One place in a ranking: a single candidate, or a tier of at least two tied candidates."""

Ranking = tuple[Entry, ...]
"""Best first; a candidate appears at most once in the whole ranking."""


@dataclass(frozen=True)
class Profile:
    """Candidates and (ranking, count) patterns."""

    candidates: tuple[str, ...]
    patterns: tuple[tuple[Ranking, int], ...]
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_rankings(
        cls, candidates: Sequence[str], rankings: Iterable[Sequence[str | Sequence[str]]]
    ) -> Profile:
        """Aggregate ballots; each ranks known candidates at most once."""
        return cls.from_counts(candidates, ((ranking, 1) for ranking in rankings))

    @classmethod
    def from_counts(
        cls,
        candidates: Sequence[str],
        patterns: Iterable[tuple[Sequence[str | Sequence[str]], int]],
    ) -> Profile:
        """From (ranking, count) pairs, e.g. the subtotals of several nodes added up.

        An element of a ranking that is not a string is a tier of tied candidates.
        Tiers are stored sorted, a tier of one candidate becomes that candidate and
        an empty tier is dropped, so that equal ballots aggregate into one pattern.
        """
        known = set(candidates)
        if len(known) != len(candidates):
            raise ValueError("candidates must be distinct")
        counts: Counter[Ranking] = Counter()
        for ranking, count in patterns:
            ranked = _normalise(ranking)
            named = [c for entry in ranked for c in _members(entry)]
            if len(set(named)) != len(named) or not set(named) <= known:
                raise ValueError(f"invalid ranking {ranked!r}")
            if count < 0:
                raise ValueError("counts are never negative")
            counts[ranked] += count
        kept = sorted(((r, c) for r, c in counts.items() if c), key=lambda rc: _sort_key(rc[0]))
        return cls(tuple(candidates), tuple(kept))

    @property
    def voters(self) -> int:
        """How many ballots."""
        return sum(count for _ranking, count in self.patterns)

    @cached_property
    def has_ties(self) -> bool:
        """Whether some ballot ranks two candidates equal (besides leaving them unranked)."""
        return any(not isinstance(entry, str) for ranking, _ in self.patterns for entry in ranking)

    @cached_property
    def pairwise(self) -> dict[tuple[str, str], int]:
        """``pairwise[a, b]``: how many ballots rank ``a`` strictly above ``b``.

        Candidates in one tier are not counted against each other; unranked
        candidates share the place below the last ranked one.
        """
        table = {(a, b): 0 for a in self.candidates for b in self.candidates if a != b}
        for ranking, count in self.patterns:
            position = {c: i for i, entry in enumerate(ranking) for c in _members(entry)}
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
        """Top choices among ``remaining`` (exhausted ballots count for no one).

        Raises :class:`ValueError` for a ballot whose best tier still in the count
        holds two or more continuing candidates: its first choice is undefined.
        """
        alive = set(remaining)
        tally = dict.fromkeys(sorted(alive), 0)
        for ranking, count in self.patterns:
            for entry in ranking:
                continuing = [c for c in _members(entry) if c in alive]
                if len(continuing) > 1:
                    raise ValueError(
                        f"a ballot ties {', '.join(continuing)} at its top continuing place: "
                        "a first-choice count needs one candidate there"
                    )
                if continuing:
                    tally[continuing[0]] += count
                    break
        return tally


def _members(entry: Entry) -> Tier:
    return (entry,) if isinstance(entry, str) else entry


def _normalise(ranking: Sequence[str | Sequence[str]]) -> Ranking:
    entries: list[Entry] = []
    for entry in ranking:
        if isinstance(entry, str):
            entries.append(entry)
            continue
        tier = tuple(sorted(entry))
        if len(tier) == 1:
            entries.append(tier[0])
        elif tier:
            entries.append(tier)
    return tuple(entries)


def _sort_key(ranking: Ranking) -> tuple[Tier, ...]:
    # Strings and tuples do not compare; a lone candidate sorts as a tier of one, which
    # keeps the order of string-only rankings exactly what it was.
    return tuple(_members(entry) for entry in ranking)
