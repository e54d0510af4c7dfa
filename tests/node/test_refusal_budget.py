"""Refused peer requests are written down within a budget (node.federation.refusal_budget):
a flood of unsigned requests adds a few rows, not one each."""

from __future__ import annotations

from fastapi.testclient import TestClient

from commonweal.node.services.federation.refusal_budget import OVERALL, PER_SOURCE, RefusalBudget
from commonweal.store.federation_store import FederationStore
from commonweal.web.app import create_app


class Ticks:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_each_source_writes_at_most_its_budget_a_window_then_says_how_many_it_left_out() -> None:
    ticks = Ticks()
    budget = RefusalBudget(ticks, per_source=3, overall=100, window=60)
    assert [budget.admit("unsigned") for _ in range(3)] == [0, 0, 0]
    assert [budget.admit("unsigned") for _ in range(5)] == [None] * 5
    assert budget.admit("did:key:zOther") == 0  # another source has its own budget
    ticks.now += 61
    assert budget.admit("unsigned") == 5  # the first row of the new window counts the rest
    assert budget.admit("unsigned") == 0


def test_all_sources_together_write_at_most_the_overall_budget() -> None:
    ticks = Ticks()
    budget = RefusalBudget(ticks, per_source=5, overall=8, window=60)
    written = [budget.admit(f"did:key:z{n}") for n in range(20)]
    assert written.count(0) == 8 and written.count(None) == 12


def test_a_flood_of_unsigned_peer_requests_adds_few_refusal_rows(node) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(node, background_checkpoints=False)) as client:
        for _ in range(50):
            assert client.post("/witness/add-checkpoint", content=b"x").status_code == 401
            assert client.post("/v1/federation/sync").status_code == 401
    rows = FederationStore(node.store.engine).refusals(limit=1000)
    assert len(rows) == PER_SOURCE <= OVERALL
    assert {row.peer for row in rows} == {"unsigned"}
