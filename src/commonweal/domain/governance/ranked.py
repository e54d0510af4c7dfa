"""Single-winner ranked methods. Each returns a :class:`Result`: the winner set (ties
kept) and the detail a page shows (rounds, pairwise matrix, beat-path strengths).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from commonweal.domain.governance.profile import Profile


@dataclass(frozen=True)
class Result:
    """Who won (a set: ties are kept) and how."""

    winners: frozenset[str]
    detail: dict[str, Any] = field(default_factory=dict)


def plurality(profile: Profile) -> Result:
    """Most first choices."""
    tally = profile.first_choices(profile.candidates)
    return Result(_top(tally), {"first_choices": tally})


def borda(profile: Profile) -> Result:
    """n-1 points for a first place, … 0 for last (unranked candidates share none).

    Ballots with tied candidates are refused: the points of a shared place are a
    separate rule choice (averaged, rounded up or down) that no ballot here asks for.
    """
    size = len(profile.candidates)
    scores = dict.fromkeys(profile.candidates, 0)
    for ranking, count in profile.patterns:
        for position, candidate in enumerate(ranking):
            if not isinstance(candidate, str):
                raise ValueError(f"Borda counts strict rankings; a ballot ties {candidate!r}")
            scores[candidate] += (size - 1 - position) * count
    return Result(_top(scores), {"scores": scores})


def instant_runoff(profile: Profile) -> Result:
    """Eliminate the fewest first choices until one has a majority of continuing ballots.

    Every candidate tied for fewest is eliminated together (no arbitrary tie-break).
    """
    remaining = set(profile.candidates)
    rounds = []
    while True:
        tally = profile.first_choices(remaining)
        rounds.append(tally)
        continuing = sum(tally.values())
        leaders = [c for c, v in tally.items() if 2 * v > continuing]
        if leaders:
            return Result(frozenset(leaders), {"rounds": rounds})
        fewest = min(tally.values())
        losers = {c for c, v in tally.items() if v == fewest}
        if losers == remaining:
            return Result(frozenset(remaining), {"rounds": rounds})
        remaining -= losers


def schulze(profile: Profile) -> Result:
    """Beat-path (Schulze) with margins as link strengths; winners are never beaten by path."""
    strength = _strongest_paths(profile)
    ranking = _beat_path_tiers(profile.candidates, strength)
    winners = ranking[0] if ranking else frozenset()
    return Result(winners, {"pairwise": _matrix(profile), "strongest_paths": _table(strength)})


def schulze_ranking(profile: Profile) -> tuple[frozenset[str], ...]:
    """The whole Schulze order as tiers, best first, ties kept (no tie-breaking).

    ``a`` is above ``b`` when the strongest path from ``a`` to ``b`` is stronger than the
    one back; Schulze proved that relation transitive. Each tier is the set of
    candidates that no candidate still unplaced beats, so the first tier is the
    winner set of :func:`schulze`, and a tier holds candidates none of which beats
    another. (LiquidFeedback breaks the remaining ties: see ``liquid.schulze_ranks``.)
    """
    return _beat_path_tiers(profile.candidates, _strongest_paths(profile))


def _strongest_paths(profile: Profile) -> dict[tuple[str, str], int]:
    names = profile.candidates
    strength = {(a, b): max(profile.margin(a, b), 0) for a in names for b in names if a != b}
    for k in names:
        for a in names:
            for b in names:
                if len({a, b, k}) == 3:
                    through = min(strength[a, k], strength[k, b])
                    if through > strength[a, b]:
                        strength[a, b] = through
    return strength


def _beat_path_tiers(
    names: tuple[str, ...], strength: dict[tuple[str, str], int]
) -> tuple[frozenset[str], ...]:
    tiers: list[frozenset[str]] = []
    unplaced = set(names)
    while unplaced:
        tier = frozenset(
            a for a in unplaced if all(strength[a, b] >= strength[b, a] for b in unplaced - {a})
        )
        tiers.append(tier)
        unplaced -= tier
    return tuple(tiers)


def ranked_pairs(profile: Profile) -> Result:
    """Lock pairs by margin, skipping cycles; winners under every order of tied pairs."""
    names = profile.candidates
    pairs = [
        (profile.margin(a, b), a, b)
        for a in names
        for b in names
        if a != b and profile.margin(a, b) > 0
    ]
    groups: dict[int, list[tuple[str, str]]] = {}
    for margin, a, b in pairs:
        groups.setdefault(margin, []).append((a, b))
    ordered = [frozenset(groups[m]) for m in sorted(groups, reverse=True)]
    winners: set[str] = set()
    visited: set[tuple[int, frozenset[tuple[str, str]], frozenset[tuple[str, str]]]] = set()

    def explore(
        position: int, pending: frozenset[tuple[str, str]], locked: frozenset[tuple[str, str]]
    ) -> None:
        """Try each still-pending pair of the current margin next (every tie-break order)."""
        state = (position, pending, locked)
        if state in visited:
            return
        visited.add(state)
        if not pending:
            if position + 1 == len(ordered):
                beaten = {b for _a, b in locked}
                winners.update(c for c in names if c not in beaten)
            else:
                explore(position + 1, ordered[position + 1], locked)
            return
        for a, b in sorted(pending):
            grown = locked if _reaches(set(locked), b, a) else locked | {(a, b)}
            explore(position, pending - {(a, b)}, grown)

    if ordered:
        explore(0, ordered[0], frozenset())
    else:
        winners.update(names)
    return Result(frozenset(winners), {"pairwise": _matrix(profile)})


def copeland(profile: Profile) -> Result:
    """Pairwise wins minus pairwise losses."""
    names = profile.candidates
    scores = {
        a: sum((m > 0) - (m < 0) for b in names if b != a for m in [profile.margin(a, b)])
        for a in names
    }
    return Result(_top(scores), {"scores": scores, "pairwise": _matrix(profile)})


def minimax(profile: Profile) -> Result:
    """The smallest worst pairwise defeat (by margin)."""
    names = profile.candidates
    worst = {a: max([profile.margin(b, a) for b in names if b != a] + [0]) for a in names}
    low = min(worst.values())
    return Result(frozenset(c for c, v in worst.items() if v == low), {"worst_defeat": worst})


METHODS: dict[str, Callable[[Profile], Result]] = {
    "plurality": plurality,
    "borda": borda,
    "instant_runoff": instant_runoff,
    "schulze": schulze,
    "ranked_pairs": ranked_pairs,
    "copeland": copeland,
    "minimax": minimax,
}


def _reaches(edges: set[tuple[str, str]], start: str, goal: str) -> bool:
    frontier, seen = [start], {start}
    while frontier:
        node = frontier.pop()
        if node == goal:
            return True
        for a, b in edges:
            if a == node and b not in seen:
                seen.add(b)
                frontier.append(b)
    return False


def _top(scores: dict[str, int]) -> frozenset[str]:
    best = max(scores.values())
    return frozenset(c for c, v in scores.items() if v == best)


def _matrix(profile: Profile) -> dict[str, dict[str, int]]:
    return {
        a: {b: profile.pairwise[a, b] for b in profile.candidates if b != a}
        for a in profile.candidates
    }


def _table(values: dict[tuple[str, str], int]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for (a, b), value in values.items():
        table.setdefault(a, {})[b] = value
    return table
