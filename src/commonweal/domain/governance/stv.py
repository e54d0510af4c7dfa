"""Multi-winner single transferable vote under the Scottish STV rule, in exact arithmetic.

The rule is the one of The Scottish Local Government Elections Order 2007 (SSI 2007/42,
schedule 1, rules 45 to 52), counted the way Jonathan Lundell's Droop counts it with its
``scotland`` rule, whose published reference counts the tests reproduce stage by stage:

* the quota is the number of valid ballot papers divided by one more than the number of
  seats, ignoring decimals, plus one (rule 46);
* a candidate whose votes reach the quota is elected (rule 47); the largest surplus is
  transferred first (rule 49), and all of the elected candidate's ballot papers move on,
  each at ``surplus * value of the paper / candidate's votes`` truncated to five decimal
  places (rule 48, the weighted inclusive Gregory method as Scotland does it);
* when no surplus is left, the candidate with the fewest votes is excluded and their papers
  move on at the value they arrived with (rule 50);
* ties look back to the most recent earlier stage at which the tied candidates had unequal
  votes, and are otherwise drawn by lot (rules 49(2)-(3) and 51);
* once the continuing candidates are no more than the seats left, they are all elected and
  nothing more is transferred (rule 52).

Votes are integers counting units of 0.00001, so every sum and truncation is exact and the
count is reproducible bit for bit. Ballots are kept as parcels of identical papers (the
remaining ranking and the paper's value, with the number of papers), so counting cost grows
with the number of distinct rankings, not with the number of ballots or their weights.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from commonweal.domain.governance.profile import Profile
from commonweal.domain.governance.ranked import Result

PLACES = 5
SCALE = 10**PLACES
"""Votes are integers in units of 1/SCALE: five decimal places, as rule 48(3) calculates."""

Lot = Callable[[Sequence[str]], Sequence[str]]
"""Orders tied candidates as drawn by lot; the first drawn is the one the rule acts on."""

Parcel = tuple[tuple[str, ...], int]
"""(the preferences after the candidate holding the papers, the value of each paper)."""


def scottish_stv(profile: Profile, seats: int, *, lot: Lot | None = None) -> Result:
    """Elect ``seats`` candidates by the Scottish STV rule.

    Each pattern of the profile counts as that many identical ballot papers (a delegate's
    weight is a number of papers). An empty ranking is not a valid ballot paper: it gives
    no first preference and does not count towards the quota. Rankings must be strict; a
    tied tier raises :class:`ValueError`, as does a seat count below one.

    ``lot`` is called with the tied candidates sorted by name whenever the rule draws lots,
    and returns them in the order drawn; the first drawn has their surplus transferred
    first, or is excluded. By default the draw is the order of the names. Every draw is
    recorded in the detail, so that a draw derived from a public log can be checked.

    The detail holds no floats: votes are decimal strings with five places. Its keys are
    ``rule``, ``seats``, ``ballots`` (valid ballot papers), ``quota``, ``elected`` (in order
    of election), ``rounds`` (one entry per stage, then one for candidates elected under
    rule 52, each with ``action``, ``candidate``, ``votes`` of every continuing or elected
    candidate after the stage, ``non_transferable``, ``residual`` (value lost to
    truncation), ``elected`` (at that stage) and, where a tie was broken, ``tie``) and
    ``lots`` (every draw by lot).
    """
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise ValueError(f"the number of seats must be a positive integer, not {seats!r}")
    return _Count(profile, seats, lot or _by_name).run()


def votes_text(value: int) -> str:
    """Format a vote in units of 1/SCALE as a decimal string, e.g. ``"1300.00000"``."""
    whole, fraction = divmod(value, SCALE)
    return f"{whole}.{fraction:0{PLACES}d}"


def _by_name(tied: Sequence[str]) -> list[str]:
    return sorted(tied)


def _strict(profile: Profile) -> list[tuple[tuple[str, ...], int]]:
    """The patterns with rankings of single candidates; a tied tier raises ValueError."""
    strict = []
    for ranking, count in profile.patterns:
        names: list[str] = []
        for element in ranking:
            if not isinstance(element, str):
                raise ValueError(
                    f"Scottish STV counts strict rankings only; the ranking {ranking!r} "
                    f"ranks {element!r} as a tied tier"
                )
            names.append(element)
        strict.append((tuple(names), count))
    return strict


class _Count:
    """The state of one count: who holds which parcels, and the record of every stage."""

    def __init__(self, profile: Profile, seats: int, lot: Lot) -> None:
        self.order = {name: index for index, name in enumerate(profile.candidates)}
        self.seats = seats
        self.lot = lot
        patterns = _strict(profile)
        self.ballots = sum(count for ranking, count in patterns if ranking)
        self.quota = (self.ballots // (seats + 1) + 1) * SCALE
        self.hopeful = set(profile.candidates)
        self.elected: list[str] = []
        self.pending: list[str] = []  # elected with a surplus not yet transferred
        self.votes = dict.fromkeys(profile.candidates, 0)  # hopeful and elected candidates
        self.piles: dict[str, dict[Parcel, int]] = {name: {} for name in profile.candidates}
        self.non_transferable = 0
        self.history: list[dict[str, int]] = []  # votes at the end of each stage
        self.rounds: list[dict[str, Any]] = []
        self.lots: list[dict[str, Any]] = []
        for ranking, count in patterns:
            if ranking:
                self._credit(ranking[0], (ranking[1:], SCALE), count)

    def run(self) -> Result:
        """Count stage by stage until every seat is filled (rules 45 to 52)."""
        self._stage("first preferences", None)
        while not self._complete():
            if self.pending:
                self._transfer_surplus()
            else:
                self._exclude()
        left = self.seats - len(self.elected)
        if left > 0 and self.hopeful:
            remaining = self._by_votes(self.hopeful)
            self.hopeful.clear()
            self.elected.extend(remaining)
            self.rounds.append(self._entry("elect remaining", None, remaining))
        detail = {
            "rule": "Scottish STV (SSI 2007/42)",
            "seats": self.seats,
            "ballots": self.ballots,
            "quota": votes_text(self.quota),
            "elected": list(self.elected),
            "rounds": self.rounds,
            "lots": self.lots,
        }
        return Result(frozenset(self.elected), detail)

    def _complete(self) -> bool:
        left = self.seats - len(self.elected)
        return left <= 0 or len(self.hopeful) <= left

    def _transfer_surplus(self) -> None:
        """Transfer the largest surplus: every paper moves on at its new value (rules 48, 49)."""
        high = max(self.votes[name] for name in self.pending)
        tied = [name for name in self.pending if self.votes[name] == high]
        chosen, tie = self._break_tie(tied, highest=True, reason="largest surplus")
        self.pending.remove(chosen)
        total = self.votes[chosen]
        surplus = total - self.quota
        for (rest, value), papers in self.piles.pop(chosen).items():
            self._move(rest, value * surplus // total, papers)
        self.votes[chosen] = self.quota
        self._stage("transfer surplus", chosen, tie, surplus=votes_text(surplus))

    def _exclude(self) -> None:
        """Exclude the candidate with the fewest votes; papers keep their value (rules 50, 51)."""
        low = min(self.votes[name] for name in self.hopeful)
        tied = [name for name in self.hopeful if self.votes[name] == low]
        chosen, tie = self._break_tie(tied, highest=False, reason="exclusion")
        self.hopeful.remove(chosen)
        del self.votes[chosen]
        for (rest, value), papers in self.piles.pop(chosen).items():
            self._move(rest, value, papers)
        self._stage("exclude", chosen, tie)

    def _move(self, rest: tuple[str, ...], value: int, papers: int) -> None:
        """Give papers to the next continuing candidate, or set them aside as non-transferable."""
        for index, name in enumerate(rest):
            if name in self.hopeful:
                self._credit(name, (rest[index + 1 :], value), papers)
                return
        self.non_transferable += value * papers

    def _credit(self, name: str, parcel: Parcel, papers: int) -> None:
        pile = self.piles[name]
        pile[parcel] = pile.get(parcel, 0) + papers
        self.votes[name] += parcel[1] * papers

    def _stage(
        self, action: str, candidate: str | None, tie: dict[str, Any] | None = None, **extra: str
    ) -> None:
        """Close a stage: remember its votes, elect whoever reached the quota, record it."""
        self.history.append(dict(self.votes))
        reached = self._by_votes(name for name in self.hopeful if self.votes[name] >= self.quota)
        for name in reached:
            self.hopeful.remove(name)
            self.elected.append(name)
            if self.votes[name] > self.quota:
                self.pending.append(name)
        entry = self._entry(action, candidate, reached)
        entry.update(extra)
        if tie is not None:
            entry["tie"] = tie
        self.rounds.append(entry)

    def _entry(self, action: str, candidate: str | None, elected: list[str]) -> dict[str, Any]:
        held = sum(self.votes.values())
        residual = self.ballots * SCALE - held - self.non_transferable
        return {
            "stage": len(self.rounds) + 1,
            "action": action,
            "candidate": candidate,
            "votes": {
                name: votes_text(self.votes[name])
                for name in sorted(self.votes, key=self.order.__getitem__)
            },
            "non_transferable": votes_text(self.non_transferable),
            "residual": votes_text(residual),
            "elected": elected,
        }

    def _break_tie(
        self, tied: list[str], *, highest: bool, reason: str
    ) -> tuple[str, dict[str, Any] | None]:
        """Look back to the latest stage where the tied candidates differed, else draw lots.

        At each earlier stage, going back, only the candidates with the most (for a surplus)
        or the fewest (for an exclusion) votes stay in the tie, until one is left. The tie is
        recorded with the candidates sorted by name, as the lot receives them.
        """
        tied = sorted(tied)
        if len(tied) == 1:
            return tied[0], None
        still = tied
        for index in range(len(self.history) - 1, -1, -1):
            votes = self.history[index]
            extreme = (max if highest else min)(votes.get(name, 0) for name in still)
            still = [name for name in still if votes.get(name, 0) == extreme]
            if len(still) == 1:
                return still[0], {"tied": tied, "resolved_by": "earlier stage", "stage": index + 1}
        drawn = list(self.lot(still))
        if sorted(drawn) != still:
            raise ValueError(f"the lot must order exactly {still!r}, not {drawn!r}")
        self.lots.append(
            {"stage": len(self.rounds) + 1, "reason": reason, "tied": still, "drawn": drawn}
        )
        return drawn[0], {"tied": tied, "resolved_by": "lot", "drawn": drawn}

    def _by_votes(self, names: Iterable[str]) -> list[str]:
        """Most votes first, then the profile's order (the order of simultaneous election)."""
        return sorted(names, key=lambda name: (-self.votes[name], self.order[name]))
