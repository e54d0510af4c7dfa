"""Who may vote on a proposal, whose ballots count, and with what weight.

The electorate is read at the close: members in good standing, or the holders of
the kind's role. Each voter's newest ballot counts once, plus the weight
delegations bring to it, resolved with LiquidFeedback's semantics
(``delegation``). Identical ballots are then added up into patterns, so that a
million ballots count in milliseconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np

from commonweal.domain.governance.delegating import scopes_for
from commonweal.domain.governance.delegation import final_voters, to_arrays
from commonweal.domain.governance.records import DELEGATIONS, ballots_table
from commonweal.domain.governance.secret_records import is_secret, secret_ballots, token_holders
from commonweal.domain.membership.records import ACTIVE, MEMBERS
from commonweal.domain.state import State

Frozen = Any
"""A ballot in a hashable form, so that identical ballots are counted together."""


@dataclass(frozen=True)
class Turnout:
    """Who could vote and whose votes count, after delegation.

    ``cast`` holds the newest ballot of every voter in the electorate; ``extra`` the
    weight beyond their own that delegations brought to some of them.
    """

    electorate: int
    cast: dict[str, dict[str, Any]]
    extra: dict[str, int]
    lost_delegations: int

    @property
    def direct_voters(self) -> int:
        """How many members voted themselves."""
        return len(self.cast)

    @property
    def delegated_weight(self) -> int:
        """How many votes reached a voter by delegation."""
        return sum(self.extra.values())

    @property
    def participating(self) -> int:
        """The weight of every counted ballot, abstentions included (the quorum's measure)."""
        return self.direct_voters + self.delegated_weight

    def patterns(self, freeze: Callable[[dict[str, Any]], Frozen]) -> list[tuple[Frozen, int]]:
        """Identical ballots added up: (the ballot frozen by ``freeze``, its total weight).

        Ballots read from a store share one object per distinct text, so they are
        first counted by object and each object is frozen once.
        """
        ballots = self.cast.values()
        totals: Counter[Frozen] = Counter()
        if _shared(ballots):
            by_object = Counter(map(id, ballots))
            objects = {id(ballot): ballot for ballot in ballots}
            for key, weight in by_object.items():
                totals[freeze(objects[key])] += weight
        else:
            totals.update(map(freeze, ballots))
        for voter, extra in self.extra.items():
            totals[freeze(self.cast[voter])] += extra
        return sorted(totals.items(), key=lambda pattern: repr(pattern[0]))


def _shared(ballots: Collection[Any], sample: int = 1000) -> bool:
    """Whether the ballots share objects (as loaded from a store): a sample of them is
    enough to tell, before counting every object (either way gives the same totals)."""
    seen = {id(ballot) for ballot in islice(ballots, sample)}
    return len(seen) * 2 < min(sample, len(ballots))


def electorate(state: State, record: Mapping[str, Any]) -> set[str]:
    """Everyone who may vote on ``record`` now: members in good standing, or the kind's role.

    The same test as ``records.in_group``, in one pass over the members (a close
    may look at millions).
    """
    group = record["rules"]["electorate"]
    members: Mapping[Any, Any] = state.tables.get(MEMBERS, {})
    if group == "members":
        return {str(did) for did, m in members.items() if m["status"] == ACTIVE}
    role = group["role"]
    return {str(did) for did, m in members.items() if m["status"] == ACTIVE and role in m["roles"]}


def turnout(
    state: State, record: Mapping[str, Any], *, eligible: set[str] | None = None
) -> Turnout:
    """The electorate and every counted ballot with its weight, as the log stands now.

    ``eligible`` may be given when it was already worked out (by a database query
    that applies :func:`electorate`'s test); by default it is read from ``state``.
    """
    if eligible is None:
        eligible = electorate(state, record)
    ballots: dict[Any, Any] = state.tables.get(ballots_table(record["id"]), {})
    outside = ballots.keys() - eligible
    cast = {v: b for v, b in ballots.items() if v not in outside} if outside else ballots
    secret = is_secret(record["rules"])
    sealed = secret_ballots(state, record["id"]) if secret else {}
    if not record["rules"]["delegation"]:
        return Turnout(len(eligible), {**cast, **sealed} if sealed else cast, {}, 0)
    # A member who took a token voted (in secret) for themselves: their delegation no
    # longer applies, and votes delegated to them are lost rather than added to a
    # ballot nobody may link to them (docs/secret-ballots.md, "Delegation").
    secret_voters = token_holders(state, record["id"]) if secret else set()
    delegations = {
        str(truster): scopes
        for truster, scopes in state.tables.get(DELEGATIONS, {}).items()
        if truster in eligible and truster not in cast and truster not in secret_voters
    }
    scopes = scopes_for(record["id"], record["topic"])
    extra, lost = delegated_weight(eligible, cast, delegations, scopes)
    return Turnout(len(eligible), {**cast, **sealed} if sealed else cast, extra, lost)


def delegated_weight(
    eligible: set[str],
    cast: Mapping[str, Any],
    delegations: Mapping[str, Mapping[str, str | None]],
    scopes: Sequence[str],
) -> tuple[dict[str, int], int]:
    """The weight delegations bring to voters, and how many delegated votes were lost.

    This is the array form of ``delegation.resolve`` (the same rules, property-tested
    to agree) over only the members some delegation involves: pointer jumping keeps
    a close of a million members well under a second.
    """
    if not delegations:
        return {}, 0
    indexed = to_arrays(
        [], electorate=eligible, direct=cast, delegations=delegations, scopes=scopes
    )
    final = final_voters(indexed.trustee, indexed.direct, indexed.eligible)
    arrived = np.bincount(final[final >= 0], minlength=len(indexed.members))
    delegating = indexed.eligible & ~indexed.direct & (indexed.trustee >= 0)
    lost = int(np.count_nonzero(delegating & (final < 0)))
    names = indexed.members
    # a voter's count includes their own ballot; the extra is everyone else's
    extra = {names[i]: int(arrived[i]) - 1 for i in np.flatnonzero(arrived > 1)}
    return extra, lost
