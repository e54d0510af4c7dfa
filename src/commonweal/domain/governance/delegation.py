"""Liquid democracy: whose ballot carries whose weight, with LiquidFeedback's semantics.

A member may entrust their vote to another member per scope: the whole node
(LiquidFeedback's "unit"), a topic ("area") or one proposal ("issue"). For a vote
the rules are those of LiquidFeedback core 3.2 (``issue_delegation`` and
``weight_of_added_vote_delegations`` in its ``core.sql``):

* the most specific scope a member has set wins, and an explicit "no delegation"
  (trustee ``None``) there blocks a broader delegation;
* delegation is transitive: the trustee's own effective delegation for the same
  proposal is followed, until someone who voted;
* a direct vote overrides the voter's own delegation, whenever it was cast: what
  counts is the state at the close;
* weight that never reaches a direct voter is lost: a cycle without a voter, or a
  chain ending at someone who neither voted nor delegates;
* a member outside the electorate (inactive, suspended, without the role) cuts the
  chain. LiquidFeedback does exactly this: its delegation view keeps only
  delegations whose *truster* is active and has voting right, and at the close it
  deletes the ballots of members without voting right. So a trustee without voting
  right neither votes nor passes weight on, and everyone whose chain runs through
  them loses their weight (LF keeps no record of it; here ``lost`` says why).

Delegated weight counts toward quorum like any other: the caller sums
:attr:`Resolution.weights`.

:func:`resolve` works on member names for clarity; :func:`final_voters` and
:func:`weights_of` do the same over integer indices with numpy pointer jumping
(O(n log n), no Python loop per member), for electorates of millions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

import numpy as np
from numpy.typing import NDArray

Scope = str
"""``"node"``, ``"topic:<name>"`` or ``"proposal:<id>"``."""

Delegations = Mapping[str, Mapping[Scope, str | None]]
"""Each member's delegations by scope; a trustee of ``None`` is an explicit "no delegation"."""

Indices = NDArray[np.int64]


@dataclass(frozen=True)
class Chain:
    """Where one delegating member's weight went.

    ``path`` runs from the member's trustee to the direct voter who carries the
    weight, as LiquidFeedback's ``delegating_voter.delegate_member_ids``;
    ``weight`` is the member plus everyone whose weight passes through them
    (LiquidFeedback's ``delegating_voter.weight``).
    """

    scope: Scope
    path: tuple[str, ...]
    weight: int

    @property
    def voter(self) -> str:
        """The direct voter at the end of the chain."""
        return self.path[-1]


@dataclass(frozen=True)
class Resolution:
    """The weight of each direct voter, and what happened to every delegated vote.

    ``weights`` maps each direct voter in the electorate to 1 plus everyone whose
    weight reaches them. ``chains`` holds every delegating member whose weight
    arrived; ``lost`` every delegating member whose weight did not, with the
    reason: ``"cycle"``, ``"no_vote:<did>"`` (the chain ends at that member, who
    neither voted nor delegates) or ``"cut:<did>"`` (the chain reaches that
    member, who is outside the electorate).
    """

    weights: dict[str, int]
    chains: dict[str, Chain]
    lost: dict[str, str]

    @property
    def total(self) -> int:
        """Every vote that counts, delegated ones included (the measure a quorum is checked on)."""
        return sum(self.weights.values())


class ChainView(TypedDict):
    """One member's vote path, for display: "your vote goes to X via Y; X voted".

    ``scope`` is the scope of the member's own delegation, if one applies.
    ``path`` runs from their trustee as far as the chain goes: to the voter, to
    where it stops, or round a cycle to the first member met twice. ``voter`` is
    the direct voter who carries the member's weight (the member themselves if
    they voted), or ``None``. ``status`` is ``"voted"``, ``"delegated"`` (the
    weight arrived), ``"not_delegating"`` (no vote and no delegation), or why the
    weight is lost, as in :class:`Resolution`.
    """

    member: str
    scope: Scope | None
    path: list[str]
    voter: str | None
    status: str


def effective_trustee(
    delegations: Mapping[Scope, str | None], scopes: Sequence[Scope]
) -> tuple[Scope, str | None] | None:
    """The delegation that applies: the first of ``scopes`` (most specific first) that is set.

    Returns the scope and its trustee, which is ``None`` for an explicit "no
    delegation"; returns ``None`` if the member set none of these scopes.
    """
    for scope in scopes:
        if scope in delegations:
            return scope, delegations[scope]
    return None


def resolve(
    *,
    electorate: Collection[str],
    direct: Collection[str],
    delegations: Delegations,
    scopes: Sequence[Scope],
) -> Resolution:
    """Resolve every delegation for one vote.

    ``electorate`` is everyone with voting right at the close, ``direct`` who cast a
    ballot, ``scopes`` the scopes that apply to the proposal, most specific first
    (``("proposal:7", "topic:housing", "node")``). Ballots and delegations of
    members outside the electorate do not count, as in LiquidFeedback.
    """
    members = set(electorate)
    voters = {m for m in direct if m in members}
    choice = _choices(members - voters, delegations, scopes)
    arrived: dict[str, tuple[str, ...]] = {}
    lost: dict[str, str] = {}
    for start in sorted(choice):
        if start in arrived or start in lost:
            continue
        walk: list[str] = []
        seen: set[str] = set()
        node = start
        while node in choice and node not in arrived and node not in lost and node not in seen:
            walk.append(node)
            seen.add(node)
            node = choice[node][1]
        reason: str | None = None
        tail: tuple[str, ...] = (node,)
        if node in seen:
            reason = "cycle"
        elif node in lost:
            reason = lost[node]
        elif node in arrived:
            tail = (node, *arrived[node])
        elif node not in members:
            reason = f"cut:{node}"
        elif node not in voters:
            reason = f"no_vote:{node}"
        for member in reversed(walk):
            if reason is None:
                arrived[member] = tail
                tail = (member, *tail)
            else:
                lost[member] = reason
    weights = dict.fromkeys(sorted(voters), 1)
    through: Counter[str] = Counter()
    for path in arrived.values():
        weights[path[-1]] += 1
        through.update(path[:-1])
    chains = {
        member: Chain(choice[member][0], path, 1 + through[member])
        for member, path in sorted(arrived.items())
    }
    return Resolution(weights, chains, dict(sorted(lost.items())))


def chain_of(
    member: str,
    *,
    electorate: Collection[str],
    direct: Collection[str],
    delegations: Delegations,
    scopes: Sequence[Scope],
) -> ChainView:
    """Follow one member's vote through the delegations (same rules as :func:`resolve`)."""
    members = set(electorate)
    voters = {m for m in direct if m in members}
    view = ChainView(member=member, scope=None, path=[], voter=None, status="not_delegating")
    if _ends_at(view, member, members, voters, "voted"):
        return view
    found = effective_trustee(delegations.get(member, {}), scopes)
    if found is None or found[1] is None:
        return view
    view["scope"] = found[0]
    seen = {member}
    node = found[1]
    while True:
        view["path"].append(node)
        if _ends_at(view, node, members, voters, "delegated"):
            return view
        if node in seen:
            view["status"] = "cycle"
            return view
        seen.add(node)
        step = effective_trustee(delegations.get(node, {}), scopes)
        if step is None or step[1] is None:
            view["status"] = f"no_vote:{node}"
            return view
        node = step[1]


def _ends_at(
    view: ChainView, node: str, members: Collection[str], voters: Collection[str], how: str
) -> bool:
    """Whether a chain ends at ``node``, saying so in ``view``: cut off where ``node`` is
    not a member, or at ``node`` who votes (``how``: "voted" themselves, or "delegated")."""
    if node not in members:
        view["status"] = f"cut:{node}"
        return True
    if node in voters:
        view["voter"], view["status"] = node, how
        return True
    return False


# -- the same over integer indices, for millions of members ----------------------------


@dataclass(frozen=True)
class Indexed:
    """Members as indices: ``trustee[i]`` is the index of i's effective trustee (-1 for none)."""

    members: tuple[str, ...]
    trustee: Indices
    direct: NDArray[np.bool_]
    eligible: NDArray[np.bool_]


def to_arrays(
    members: Sequence[str],
    *,
    electorate: Collection[str],
    direct: Collection[str],
    delegations: Delegations,
    scopes: Sequence[Scope],
) -> Indexed:
    """Turn the per-member mappings of :func:`resolve` into arrays.

    ``members`` fixes the first indices; any trustee not among them is appended
    after them (in the electorate only if ``electorate`` holds them). Every lookup
    runs in C (``map`` over a dict or set), and each delegating member's scopes are
    read once, so a million members take well under a second. Pass sets (or dicts)
    for ``electorate`` and ``direct``; other collections are turned into sets.
    """
    trusters: list[str] = []
    trustees: list[str] = []
    # effective_trustee, inlined: this loop runs once per delegating member
    for truster, by_scope in delegations.items():
        for scope in scopes:
            if scope in by_scope:
                chosen = by_scope[scope]
                if chosen is not None:
                    trusters.append(truster)
                    trustees.append(chosen)
                break
    if len(set(members)) != len(members):
        raise ValueError("members must be distinct")
    # the names in index order: ``members``, then every truster and trustee not among them
    # (dict.fromkeys keeps the first occurrence and runs in C)
    order = dict.fromkeys(members)
    order.update(dict.fromkeys(trusters))
    order.update(dict.fromkeys(trustees))
    names = list(order)
    index = dict(zip(names, range(len(names)), strict=True))
    size = len(names)
    trustee = np.full(size, -1, dtype=np.int64)
    if trusters:
        # with no fixed members, the trusters (distinct: dict keys) are the first indices
        at = np.arange(len(trusters)) if not members else _positions(index, trusters)
        trustee[at] = _positions(index, trustees)
    return Indexed(tuple(names), trustee, _contains(names, direct), _contains(names, electorate))


def final_voters(
    trustee: Indices, direct: NDArray[np.bool_], eligible: NDArray[np.bool_]
) -> Indices:
    """For each member, the index of the direct voter who carries their weight, or -1.

    A direct voter in the electorate carries their own weight; everyone else in the
    electorate with a trustee follows the chain, by pointer jumping: each round
    every pointer not yet at an end jumps to where its target points, so after k
    rounds it has moved 2^k steps, and after log2(n) rounds a pointer still not at
    an end is caught in a cycle. Ends are direct voters, members outside the
    electorate and members who neither voted nor delegate; only the first is a
    destination.
    """
    size = trustee.shape[0]
    if size and (int(trustee.min()) < -1 or int(trustee.max()) >= size):
        raise ValueError("a trustee index must be a member's index or -1")
    voter = direct & eligible
    follows = eligible & ~voter & (trustee >= 0)
    pointer = np.arange(size, dtype=np.int64)
    pointer[follows] = trustee[follows]
    active = np.flatnonzero(follows & follows[pointer])
    span = 1
    while active.size and span < size:
        pointer[active] = pointer[pointer[active]]
        active = active[follows[pointer[active]]]
        span *= 2
    return np.where(voter[pointer], pointer, -1)


def weights_of(trustee: Indices, direct: NDArray[np.bool_], eligible: NDArray[np.bool_]) -> Indices:
    """Each member's voting weight: 1 plus everyone reaching them for direct voters, else 0."""
    final = final_voters(trustee, direct, eligible)
    return np.bincount(final[final >= 0], minlength=trustee.shape[0]).astype(np.int64)


def _choices(
    members: Iterable[str], delegations: Delegations, scopes: Sequence[Scope]
) -> dict[str, tuple[Scope, str]]:
    choice: dict[str, tuple[Scope, str]] = {}
    for member in members:
        found = effective_trustee(delegations.get(member, {}), scopes)
        if found is not None and found[1] is not None:
            choice[member] = (found[0], found[1])
    return choice


def _positions(index: Mapping[str, int], names: list[str]) -> Indices:
    return np.fromiter(map(index.__getitem__, names), dtype=np.int64, count=len(names))


def _contains(names: list[str], group: Collection[str]) -> NDArray[np.bool_]:
    lookup = group if isinstance(group, set | frozenset | dict) else set(group)
    return np.fromiter(map(lookup.__contains__, names), dtype=np.bool_, count=len(names))
