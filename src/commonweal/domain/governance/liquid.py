"""Schulze with the status quo, as LiquidFeedback decides an issue.

LiquidFeedback (core 3.2, ``calculate_ranks`` in ``core.sql``) lets voters grade
each initiative against the status quo: a positive grade is better than the
status quo, 0 equal, negative worse, and ties are allowed. The status quo is a
candidate like the others. From the pairwise "battle" counts it

* ranks every candidate with Schulze, links measured as a "tuple" (first the votes
  for the winner of the pair, then the fewest votes against it) and remaining ties
  broken by LF's "variant 1" tie-breaking (the shared weakest link of two tied
  candidates' best paths is forbidden until they are not tied, then by position);
* gives each initiative a *direct majority* (enough voters prefer it to the status
  quo), an *indirect majority* (it has one, or beats by that majority an initiative
  that has one), a *reverse beat path* (a path from the status quo to it whose
  links are all wins or ties), a *multistage majority* flag (it is not ranked
  above the status quo, or an initiative ranked above it beats it with more votes
  than that one gets against the status quo, or leaves it fewer votes than the
  status quo takes from it);
* makes *eligible* the initiatives with both majorities, ranked above the status
  quo, and (if the policy asks: both flags are experimental in LF and off by
  default) without a reverse beat path or multistage majority;
* declares the best-ranked eligible initiative the winner, and ranks them all:
  winner, other eligible ones, the rest, each group by Schulze rank.

Only LF's default counting options are implemented (``defeat_strength = 'tuple'``,
``tie_breaking = 'variant1'``); the majorities follow the policy. The order of a
profile's candidates stands in for LF's initiative ids: it decides the last ties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any, Protocol

from commonweal.domain.governance.profile import Profile

STATUS_QUO = "status_quo"
"""The name of the status quo among a profile's candidates, unless told otherwise."""

NO_REVERSE_BEAT_PATH = "no_reverse_beat_path"
"""A ranked kind's option, LF's policy flag of that name (experimental in LF, and off
by default since core 2.2.6): an alternative with a reverse beat path from the status
quo cannot win."""

NO_REVERSE_BEAT_PATH_UNSTATED = True
"""What a ranked kind that does not state the option counts with: the rule as every
constitution written before the option applied it, so old logs recount alike."""

# A link strength compares first by LF's "tuple" defeat strength, then by a unique
# secondary key that makes every link distinct (LF's ``link_strength`` record).
# LF packs the defeat strength as (win << 31) - loss for a win, 0 for a tie and -1
# for a defeat; the tuples below order the same way without the 2^31 bound.
Primary = tuple[int, int, int]
Link = tuple[Primary, tuple[int, int, int]]
_WORST: Link = ((-2, 0, 0), (0, 0, 0))


@dataclass(frozen=True)
class Majority:
    """LF's majority test: ``for/(for+against)`` beyond ``num/den`` (or reaching it if not strict).

    ``positive`` is a minimum number of votes for, ``non_negative`` a minimum
    number of voters not against (LF's ``*_majority_positive`` and
    ``*_majority_non_negative``).
    """

    num: int = 1
    den: int = 2
    strict: bool = True
    positive: int = 0
    non_negative: int = 0

    def met(self, votes_for: int, votes_against: int, voters: int) -> bool:
        """Whether ``votes_for`` against ``votes_against`` (of ``voters`` in all) is a majority."""
        if self.strict:
            share = votes_for * self.den > self.num * (votes_for + votes_against)
        else:
            share = votes_for * self.den >= self.num * (votes_for + votes_against)
        return share and votes_for >= self.positive and voters - votes_against >= self.non_negative


@dataclass(frozen=True)
class Policy:
    """The part of an LF policy that decides an issue (defaults are LF core 3.2's column
    defaults: both ``no_*`` flags are experimental there and off unless a policy sets them)."""

    direct_majority: Majority = field(default_factory=Majority)
    indirect_majority: Majority = field(default_factory=Majority)
    no_reverse_beat_path: bool = False
    no_multistage_majority: bool = False


@dataclass(frozen=True)
class Initiative:
    """One initiative's verdict (LF's columns of the same names)."""

    positive_votes: int
    negative_votes: int
    direct_majority: bool
    indirect_majority: bool
    schulze_rank: int
    better_than_status_quo: bool
    worse_than_status_quo: bool
    reverse_beat_path: bool
    multistage_majority: bool
    eligible: bool
    winner: bool
    rank: int


@dataclass(frozen=True)
class Outcome:
    """An issue decided: every initiative's verdict, the status quo's rank, the winner if any."""

    initiatives: dict[str, Initiative]
    status_quo_schulze_rank: int
    winner: str | None
    voter_count: int

    def as_json(self) -> dict[str, Any]:
        """Plain JSON data (for a result a closing event carries)."""
        return {
            "winner": self.winner,
            "voter_count": self.voter_count,
            "status_quo_schulze_rank": self.status_quo_schulze_rank,
            "initiatives": {name: asdict(verdict) for name, verdict in self.initiatives.items()},
        }


class Share(Protocol):
    """A threshold as a fraction and whether it must be exceeded (``shares.Threshold``)."""

    @property
    def share(self) -> Fraction:
        """The fraction of votes."""

    @property
    def strict(self) -> bool:
        """Whether the share must be exceeded rather than reached."""


def graded_profile(
    initiatives: Sequence[str],
    ballots: Iterable[tuple[Mapping[str, int], int]],
    *,
    status_quo: str = STATUS_QUO,
) -> Profile:
    """A tiered profile from LF ballots: a grade per initiative, and the ballot's weight.

    An initiative the ballot does not grade has grade 0, level with the status quo
    (LF's ``battle_view`` reads a missing vote as 0); grades of other initiatives
    are ignored (LF counts only admitted initiatives). The status quo comes first
    among the candidates, then ``initiatives`` in their order, as in LF.
    """
    patterns = []
    for grades, weight in ballots:
        levels: dict[int, list[str]] = {0: [status_quo]}
        for name in initiatives:
            levels.setdefault(grades.get(name, 0), []).append(name)
        patterns.append(([tuple(levels[grade]) for grade in sorted(levels, reverse=True)], weight))
    return Profile.from_counts([status_quo, *initiatives], patterns)


def schulze_ranks(profile: Profile) -> dict[str, int]:
    """LF's Schulze ranks 1..n, every candidate a different rank.

    The last ties are broken by the order of the profile's candidates; LF's order
    is the status quo first, then the initiatives by id (as :func:`graded_profile`
    builds it).
    """
    return _Ranking(profile).ranks


def decide(
    profile: Profile, *, status_quo: str = STATUS_QUO, policy: Policy | None = None
) -> Outcome:
    """Decide an issue as LF does; ``profile`` has the status quo among its candidates.

    The status quo takes LF's first place in the battle order, the initiatives
    follow in the profile's order (LF: by id). ``voter_count`` is the profile's
    number of ballots, each counted with its weight.
    """
    policy = policy or Policy()
    if status_quo not in profile.candidates:
        raise ValueError(f"the status quo {status_quo!r} is not among the candidates")
    names = [c for c in profile.candidates if c != status_quo]
    ordered = Profile.from_counts([status_quo, *names], profile.patterns)
    battle = ordered.pairwise
    voters = ordered.voters
    ranking = _Ranking(ordered)
    rank = ranking.ranks
    positive = {c: battle[c, status_quo] for c in names}
    negative = {c: battle[status_quo, c] for c in names}
    direct = {c: policy.direct_majority.met(positive[c], negative[c], voters) for c in names}
    indirect = {c: policy.indirect_majority.met(positive[c], negative[c], voters) for c in names}
    grown = True
    while grown:
        grown = False
        for new in names:
            if not indirect[new] and any(
                indirect[old]
                and policy.indirect_majority.met(battle[new, old], battle[old, new], voters)
                for old in names
                if old != new
            ):
                indirect[new] = grown = True
    multistage = {c: rank[c] >= rank[status_quo] for c in names}
    for lower in names:
        for higher in names:
            if (
                higher != lower
                and rank[higher] < rank[lower]
                and battle[higher, lower] > battle[lower, higher]
                and (
                    battle[higher, lower] > positive[higher]
                    or battle[lower, higher] < negative[lower]
                )
            ):
                multistage[lower] = True
    reverse = {c: ranking.beat_path_or_tie(status_quo, c) for c in names}
    better = {c: rank[c] < rank[status_quo] for c in names}
    eligible = {
        c: direct[c]
        and indirect[c]
        and better[c]
        and not (policy.no_multistage_majority and multistage[c])
        and not (policy.no_reverse_beat_path and reverse[c])
        for c in names
    }
    position = {c: i for i, c in enumerate(names)}
    winner = min((c for c in names if eligible[c]), key=lambda c: rank[c], default=None)
    final = sorted(names, key=lambda c: (c != winner, not eligible[c], rank[c], position[c]))
    verdicts = {
        c: Initiative(
            positive_votes=positive[c],
            negative_votes=negative[c],
            direct_majority=direct[c],
            indirect_majority=indirect[c],
            schulze_rank=rank[c],
            better_than_status_quo=better[c],
            worse_than_status_quo=rank[c] > rank[status_quo],
            reverse_beat_path=reverse[c],
            multistage_majority=multistage[c],
            eligible=eligible[c],
            winner=c == winner,
            rank=final.index(c) + 1,
        )
        for c in names
    }
    return Outcome(verdicts, rank[status_quo], winner, voters)


def status_quo_outcome(
    profile: Profile,
    threshold: Share,
    options: Sequence[str],
    *,
    no_reverse_beat_path: bool,
    status_quo: str = STATUS_QUO,
) -> dict[str, Any]:
    """LF's verdict on a ranked vote that has the status quo among ``options``, as result detail.

    ``threshold`` is the direct majority an option needs over the status quo and
    ``no_reverse_beat_path`` LF's policy flag (the kind's choice); the other rules are
    LF's defaults (:class:`Policy`). Returned under the key ``"liquidfeedback"``, so it
    sits beside the method's own detail.
    """
    direct = Majority(threshold.share.numerator, threshold.share.denominator, threshold.strict)
    ordered = Profile.from_counts(
        [status_quo, *(o for o in options if o != status_quo)], profile.patterns
    )
    policy = Policy(direct_majority=direct, no_reverse_beat_path=no_reverse_beat_path)
    outcome = decide(ordered, status_quo=status_quo, policy=policy)
    return {"liquidfeedback": outcome.as_json()}


class _Ranking:
    """LF's Schulze computation over one profile's candidates, in the profile's order."""

    def __init__(self, profile: Profile) -> None:
        names = profile.candidates
        size = len(names)
        battle = profile.pairwise
        self.index = {c: i for i, c in enumerate(names)}
        self.direct: list[list[Link]] = [
            [
                (_defeat(battle[a, b], battle[b, a]), _secondary(i, j)) if i != j else _WORST
                for j, b in enumerate(names)
            ]
            for i, a in enumerate(names)
        ]
        self.paths = _best_paths(self.direct)
        beats: list[list[bool | None]] = [[None] * size for _ in range(size)]
        for i in range(size):
            for j in range(size):
                if i != j and self.paths[i][j] != self.paths[j][i]:
                    beats[i][j] = self.paths[i][j] > self.paths[j][i]
        for m in range(size):
            for n in range(m + 1, size):
                if beats[m][n] is None:
                    above = self._break_tie(m, n)
                    beats[m][n], beats[n][m] = above, not above
        self.ranks = dict(zip(names, _unique_ranks(beats), strict=True))

    def beat_path_or_tie(self, start: str, end: str) -> bool:
        """Whether wins or ties lead from ``start`` to ``end`` (LF's reverse beat path)."""
        return self.paths[self.index[start]][self.index[end]][0][0] >= 0

    def _break_tie(self, m: int, n: int) -> bool:
        """Forbid the weakest link shared by the best paths m→n and n→m until one is stronger."""
        size = len(self.direct)
        forbidden: set[tuple[int, int]] = set()
        paths = self.paths
        while True:
            shared = paths[m][n]
            link = next(
                (
                    (i, j)
                    for i in range(size)
                    for j in range(size)
                    if i != j and self.direct[i][j] == shared
                ),
                None,
            )
            if link is None:
                raise RuntimeError("no shared weakest link to forbid (LF: should not happen)")
            forbidden.add(link)
            paths = _best_paths(
                [
                    [_WORST if (i, j) in forbidden else self.direct[i][j] for j in range(size)]
                    for i in range(size)
                ]
            )
            if paths[m][n] != paths[n][m]:
                return paths[m][n] > paths[n][m]


def _defeat(won: int, lost: int) -> Primary:
    if won > lost:
        return (1, won, -lost)
    return (0, 0, 0) if won == lost else (-1, 0, 0)


def _secondary(i: int, j: int) -> tuple[int, int, int]:
    # LF 'variant1': links from an earlier candidate to a later one first, then by
    # the earlier start, then by the later end ((1 << 62 if i < j) + j - (i << 31)).
    return (1 if i < j else 0, -i, j)


def _best_paths(direct: list[list[Link]]) -> list[list[Link]]:
    size = len(direct)
    paths = [row[:] for row in direct]
    for via in range(size):
        for a in range(size):
            if a == via:
                continue
            for b in range(size):
                if b in (a, via):
                    continue
                through = min(paths[a][via], paths[via][b])
                if through > paths[a][b]:
                    paths[a][b] = through
    return paths


def _unique_ranks(beats: list[list[bool | None]]) -> list[int]:
    """Rank 1 to the first candidate nobody unranked beats (or ties from an earlier place), …"""
    size = len(beats)
    ranks: list[int | None] = [None] * size
    for rank in range(1, size + 1):
        for i in range(size):
            if ranks[i] is None and not any(
                ranks[j] is None and (beats[j][i] or (beats[j][i] is None and j < i))
                for j in range(size)
                if j != i
            ):
                ranks[i] = rank
                break
        else:
            raise RuntimeError("the Schulze ranking does not compute (LF: should not happen)")
    return [r for r in ranks if r is not None]
