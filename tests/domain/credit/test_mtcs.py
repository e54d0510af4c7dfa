"""Obligation clearing (MTCS) against the published micro example and networkx's min-cost flow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.domain.credit.mtcs import Obligation, check, clear, net_positions


def vector(vectors_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (vectors_dir / "mutual" / "mutual_credit_mtcs_micro_example.json").read_text()
    )
    return loaded


def obligations_of(document: dict[str, Any]) -> list[Obligation]:
    return [
        Obligation(o["id"], o["debtor"], o["creditor"], o["amount"])
        for o in document["obligations"]
    ]


def test_the_micro_example_matches_exactly(vectors_dir: Path) -> None:
    document = vector(vectors_dir)
    expected = document["expected"]
    result = clear(obligations_of(document))
    assert {str(k): v for k, v in result.setoff.items()} == expected["setoff_by_obligation"]
    assert {str(k): v for k, v in result.remainder.items()} == expected["remainder_by_obligation"]
    assert result.net_positions == expected["net_positions"]
    assert result.debt_before == expected["total_debt_before"]
    assert result.debt_after == expected["total_debt_after"]
    assert result.cleared == expected["cleared"]
    assert check(obligations_of(document), result.setoff) is None


def test_check_refuses_what_is_not_an_optimal_clearing(vectors_dir: Path) -> None:
    obligations = obligations_of(vector(vectors_dir))
    assert "outside" in (check(obligations, {1: 101, 2: 100, 3: 100}) or "")
    assert "net position" in (check(obligations, {1: 100, 2: 100}) or "")
    assert "most that can be cleared is 300" in (check(obligations, {1: 50, 2: 50, 3: 50}) or "")
    assert "not an open obligation" in (check(obligations, {9: 1}) or "")
    assert check(obligations, {1: 100, 2: 100, 3: 100, 4: 0}) is None


def networkx_residual_total(obligations: list[Obligation]) -> int:
    """mtcspy's formulation: node demand = net balance, edge capacity = obligation, cost 1."""
    graph = nx.MultiDiGraph()
    for name, net in net_positions(obligations).items():
        graph.add_node(name, demand=net)
    for o in obligations:
        graph.add_edge(o.debtor, o.creditor, key=o.id, capacity=o.amount, weight=1)
    flow = nx.min_cost_flow(graph)
    return sum(flow[o.debtor][o.creditor][o.id] for o in obligations)


people = st.sampled_from(("a", "b", "c", "d", "e", "f"))


@st.composite
def obligation_lists(draw: st.DrawFn) -> list[Obligation]:
    pairs = draw(
        st.lists(
            st.tuples(people, people, st.integers(1, 10_000)).filter(lambda t: t[0] != t[1]),
            min_size=1,
            max_size=30,
        )
    )
    return [
        Obligation(n, debtor, creditor, amount)
        for n, (debtor, creditor, amount) in enumerate(pairs)
    ]


@settings(max_examples=200, deadline=None)
@given(obligation_lists())
def test_agrees_with_networkx_and_keeps_net_positions(obligations: list[Obligation]) -> None:
    result = clear(obligations)
    assert result.debt_after == networkx_residual_total(obligations)
    after = [Obligation(o.id, o.debtor, o.creditor, result.remainder[o.id]) for o in obligations]
    positions = {k: v for k, v in net_positions(after).items() if v}
    assert positions == {k: v for k, v in net_positions(obligations).items() if v}
    assert all(0 <= result.setoff[o.id] <= o.amount for o in obligations)
    assert check(obligations, result.setoff) is None
    assert clear(obligations) == result  # deterministic
    # Clearing what remains clears nothing more: no cycle is left.
    assert clear([o for o in after if o.amount]).cleared == 0
