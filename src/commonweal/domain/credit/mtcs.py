"""Multilateral trade-credit set-off (MTCS): clear cycles of debt, keep every net position.

Given obligations (debtor owes creditor an amount), each participant's net
position ``b_v = owed to v − owed by v`` must not change. Among all residual
obligations ``0 ≤ r_e ≤ o_e`` that keep every ``b_v``, the clearing picks one
with the least total debt; ``o_e − r_e`` is set off. That is a min-cost flow:
net debtors supply ``−b_v``, net creditors demand ``b_v``, each obligation is an
edge of capacity ``o_e`` and cost 1 (as mtcspy and mtcs-rs compute it).

The flow is found by the primal-dual method (Dijkstra with node potentials,
then Dinic's blocking flows along shortest paths), in whole numbers, visiting
obligations in id order, so the same obligations always give the same clearing.
:func:`check` accepts any clearing that is feasible and optimal, so a verifier
needs only this module's arithmetic, not its tie-breaking.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from commonweal.domain.errors import Conflict


@dataclass(frozen=True, slots=True)
class Obligation:
    """``debtor`` owes ``creditor`` ``amount`` (minor units); ``id`` orders them."""

    id: int
    debtor: str
    creditor: str
    amount: int


@dataclass(frozen=True, slots=True)
class Clearing:
    """The outcome: what is set off and what remains of each obligation."""

    setoff: dict[int, int]
    remainder: dict[int, int]
    net_positions: dict[str, int]
    debt_before: int
    debt_after: int

    @property
    def cleared(self) -> int:
        """How much debt the clearing removed."""
        return self.debt_before - self.debt_after


def net_positions(obligations: Iterable[Obligation]) -> dict[str, int]:
    """Each participant's net position: what is owed to them minus what they owe."""
    positions: dict[str, int] = {}
    for o in obligations:
        positions[o.debtor] = positions.get(o.debtor, 0) - o.amount
        positions[o.creditor] = positions.get(o.creditor, 0) + o.amount
    return dict(sorted(positions.items()))


def clear(obligations: Iterable[Obligation]) -> Clearing:
    """The clearing of ``obligations``: a least-total residual keeping every net position."""
    ordered = sorted(obligations, key=lambda o: o.id)
    positions = net_positions(ordered)
    residual = _min_cost_flow(ordered, positions)
    before = sum(o.amount for o in ordered)
    return Clearing(
        setoff={o.id: o.amount - residual[o.id] for o in ordered},
        remainder=residual,
        net_positions=positions,
        debt_before=before,
        debt_after=sum(residual.values()),
    )


MISMATCH = "not an optimal clearing: "


def check(obligations: Iterable[Obligation], setoff: Mapping[int, int]) -> str | None:
    """Why ``setoff`` is not an optimal clearing of ``obligations`` (None if it is)."""
    mismatch = mismatch_of(obligations, setoff)
    return None if mismatch is None else mismatch.message.removeprefix(MISMATCH)


def mismatch_of(obligations: Iterable[Obligation], setoff: Mapping[int, int]) -> Conflict | None:
    """The ``clearing_mismatch`` refusal saying why ``setoff`` is not an optimal clearing of
    ``obligations`` (None if it is)."""
    ordered = sorted(obligations, key=lambda o: o.id)
    known = {o.id for o in ordered}
    stray = sorted(set(setoff) - known)
    if stray:
        return Conflict(
            "not an optimal clearing: obligation %(id)s is not an open obligation of this clearing",
            id=stray[0],
            code="clearing_mismatch",
        )
    flow: dict[str, int] = {}
    for o in ordered:
        amount = setoff.get(o.id, 0)
        if not 0 <= amount <= o.amount:
            return Conflict(
                "not an optimal clearing: obligation %(id)s: a set-off of %(amount)s is outside "
                "0..%(most)s",
                id=o.id,
                amount=amount,
                most=o.amount,
                code="clearing_mismatch",
            )
        flow[o.debtor] = flow.get(o.debtor, 0) + amount
        flow[o.creditor] = flow.get(o.creditor, 0) - amount
    moved = sorted(v for v, net in flow.items() if net != 0)
    if moved:
        return Conflict(
            "not an optimal clearing: the set-offs would change the net position of %(account)s",
            account=moved[0],
            code="clearing_mismatch",
        )
    best = clear(ordered).cleared
    claimed = sum(setoff.values())
    if claimed != best:
        return Conflict(
            "not an optimal clearing: the set-offs clear %(claimed)s, but the most that can be "
            "cleared is %(best)s",
            claimed=claimed,
            best=best,
            code="clearing_mismatch",
        )
    return None


class _Graph:
    """A residual graph: edge ``e`` and its reverse ``e ^ 1`` share storage."""

    def __init__(self, size: int) -> None:
        self.out: list[list[int]] = [[] for _ in range(size)]
        self.head: list[int] = []
        self.capacity: list[int] = []
        self.cost: list[int] = []

    def add(self, tail: int, head: int, capacity: int, cost: int) -> int:
        edge = len(self.head)
        for frm, to, cap, c in ((tail, head, capacity, cost), (head, tail, 0, -cost)):
            self.out[frm].append(len(self.head))
            self.head.append(to)
            self.capacity.append(cap)
            self.cost.append(c)
        return edge


def _min_cost_flow(ordered: list[Obligation], positions: dict[str, int]) -> dict[int, int]:
    """The flow on each obligation's edge: the residual debt, of least total.

    Primal-dual: each phase finds every node's shortest distance from the source
    (Dijkstra on costs reduced by node potentials, so none is negative), then
    pushes a maximum flow (Dinic) along the edges that lie on shortest paths. With
    unit costs a path is at most as long as the number of participants, so the
    phases are few; each phase's flow is as large as it can be.
    """
    names = list(positions)
    index = {name: n for n, name in enumerate(names)}
    source, sink = len(names), len(names) + 1
    graph = _Graph(len(names) + 2)
    edges = {o.id: graph.add(index[o.debtor], index[o.creditor], o.amount, 1) for o in ordered}
    for name, net in positions.items():
        if net < 0:
            graph.add(source, index[name], -net, 0)
        elif net > 0:
            graph.add(index[name], sink, net, 0)
    potential = [0] * len(graph.out)
    while True:
        distance = _distances(graph, source, potential)
        if distance[sink] is None:
            break
        limit = distance[sink]
        assert limit is not None
        for node, found in enumerate(distance):
            potential[node] += limit if found is None or found > limit else found
        _blocking_flows(graph, source, sink, potential)
    return {o.id: graph.capacity[edges[o.id] ^ 1] for o in ordered}


def _reduced(graph: _Graph, edge: int, tail: int, potential: list[int]) -> int:
    return graph.cost[edge] + potential[tail] - potential[graph.head[edge]]


def _distances(graph: _Graph, source: int, potential: list[int]) -> list[int | None]:
    """Shortest distances from ``source`` by reduced cost (Dijkstra; ties by node number)."""
    distance: list[int | None] = [None] * len(graph.out)
    distance[source] = 0
    heap = [(0, source)]
    while heap:
        here, node = heapq.heappop(heap)
        if here != distance[node]:
            continue
        for e in graph.out[node]:
            if graph.capacity[e] <= 0:
                continue
            head = graph.head[e]
            candidate = here + _reduced(graph, e, node, potential)
            known = distance[head]
            if known is None or candidate < known:
                distance[head] = candidate
                heapq.heappush(heap, (candidate, head))
    return distance


def _blocking_flows(graph: _Graph, source: int, sink: int, potential: list[int]) -> None:
    """Dinic's maximum flow on the edges of reduced cost zero (the shortest paths)."""
    size = len(graph.out)
    while True:
        level = [-1] * size
        level[source] = 0
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for e in graph.out[node]:
                head = graph.head[e]
                if (
                    graph.capacity[e] > 0
                    and level[head] < 0
                    and _reduced(graph, e, node, potential) == 0
                ):
                    level[head] = level[node] + 1
                    queue.append(head)
        if level[sink] < 0:
            return
        cursor = [0] * size
        while _push_path(graph, source, sink, level, cursor, potential):
            pass


def _push_path(
    graph: _Graph,
    source: int,
    sink: int,
    level: list[int],
    cursor: list[int],
    potential: list[int],
) -> bool:
    """Find one source→sink path in the level graph (iteratively) and saturate its bottleneck."""
    path: list[int] = []
    node = source
    while node != sink:
        out = graph.out[node]
        while cursor[node] < len(out):
            e = out[cursor[node]]
            head = graph.head[e]
            if (
                graph.capacity[e] > 0
                and level[head] == level[node] + 1
                and _reduced(graph, e, node, potential) == 0
            ):
                break
            cursor[node] += 1
        else:
            if node == source:
                return False
            level[node] = -1  # a dead end: never visit it again in this phase
            e = path.pop()
            node = graph.head[e ^ 1]
            cursor[node] += 1
            continue
        path.append(e)
        node = graph.head[e]
    push = min(graph.capacity[e] for e in path)
    for e in path:
        graph.capacity[e] -= push
        graph.capacity[e ^ 1] += push
    return True
