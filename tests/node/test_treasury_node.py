"""The treasury on a real node: double-spending under concurrency, and replay of the whole log.

Two threads pay two approved expenses at once from a fund that covers only one:
the sequencer orders them, exactly one is logged and the other is refused. And
for any sequence of money events, replaying the log rebuilds byte-identical
projections (``verify_log``) and the books balance after every single entry.
"""

from __future__ import annotations

import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonweal.core.events import parse_leaf
from commonweal.domain.catalog import default_registry
from commonweal.domain.state import State
from commonweal.domain.treasury.ledger import balances_in
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.replay import apply_event
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import init_node
from commonweal.node.kernel.verify import verify_log
from tests.builders import Clock, EventFactory
from tests.community import FOUNDERS, Community
from tests.treasury import approved_expense, held, income, of, open_treasury, status


def paid_in_threads(community: Community, payments: dict[str, list[int]]) -> list[object]:
    """Each payer pays their expenses in their own thread, all starting at once; the
    outcomes are receipt indexes or refusal codes."""
    outcomes: list[object] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(payments))

    def pay(payer: str) -> None:
        barrier.wait()
        for expense in payments[payer]:
            # Signed just before it is sent, with the seq the node expects next: a refused
            # payment uses no seq.
            seq = community.node.state.get("log.authors", community.did(payer), 0) + 1
            body = {"expense": expense}
            event = community.events.event(payer, type="treasury.expense.paid", body=body, seq=seq)
            try:
                outcome: object = community.node.submit(orjson.dumps(event)).index
            except Rejected as refused:
                outcome = refused.code
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=pay, args=(payer,)) for payer in payments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_concurrent_payments_from_a_fund_that_covers_one(community: Community) -> None:
    open_treasury(community)
    income(community, 10_000)
    pump = approved_expense(community, "finn", 7_000, title="Pump")
    hose = approved_expense(community, "alice", 6_000, title="Hose")
    outcomes = paid_in_threads(community, {"carol": [pump], "erin": [hose]})
    assert sorted(type(o).__name__ for o in outcomes) == ["int", "str"], outcomes
    assert "insufficient_funds" in outcomes
    statuses = [status(community, e) for e in (pump, hose)]
    assert sorted(statuses) == ["APPROVED", "PAID"]
    paid = 7_000 if statuses[0] == "PAID" else 6_000
    assert held(community, "fund:garden") == 10_000 - paid
    report = verify_log(community.node.store, default_registry(), compare_with=community.node.store)
    assert report.ok, report.failures


def test_many_concurrent_payments_never_overdraw_a_fund(community: Community) -> None:
    open_treasury(community, approvals=1)
    income(community, 10_000)
    expenses = [approved_expense(community, "finn", 1_500, approvers=("dana",)) for _ in range(10)]
    outcomes = paid_in_threads(community, {"carol": expenses[::2], "erin": expenses[1::2]})
    assert sum(isinstance(o, int) for o in outcomes) == 6  # 6 × 15.00 fit in 100.00, 7 do not
    assert {o for o in outcomes if not isinstance(o, int)} == {"insufficient_funds"}
    assert held(community, "fund:garden") == 1_000


def replay_books_balance(node: Node) -> None:
    """Replay the log entry by entry into a fresh state; the books balance at every index."""
    registry = default_registry()
    state = State()
    units: set[str] = set()
    for entry in node.store.entries(0, node.size):
        leaf = parse_leaf(entry.leaf)
        event = leaf.event
        kind = registry.get(event.type)
        apply_event(
            state,
            event,
            kind,
            kind.parse_body(event.body),
            index=entry.idx,
            received=leaf.received,
            node_did=node.identity.did,
            node_key=node.identity.key_did,
        )
        if event.type == "treasury.unit.declared":
            units.add(event.body["code"])
        for unit in units:
            assert sum(v for _a, v in balances_in(state, unit)) == 0, f"unbalanced at {entry.idx}"
    live = node.state
    for unit in units:
        assert balances_in(state, unit) == balances_in(live, unit)


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(("income", "transfer", "expense", "credit", "debt")),
        st.sampled_from(("alice", "bob", "carol", "dana", "erin", "finn")),
        st.sampled_from(("alice", "bob", "carol", "dana", "erin", "finn")),
        st.integers(1, 4_000),
    ),
    max_size=25,
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS)
def test_replay_gives_the_same_balances(actions: list[tuple[str, str, str, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = Clock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
        factory = EventFactory("", clock)
        node = init_node(
            Path(folder) / "node",
            name="Replay Commons",
            clock=clock,
            founders=[factory.did(name) for name in FOUNDERS],
            admission={"admission": "vouch", "vouches_required": 2},
        )
        factory.node_did = node.identity.did
        community = Community(node, factory, clock)
        try:
            open_treasury(community)
            income(community, 20_000)
            limits = {"default": {"min": -2_000, "max": 6_000}}
            node.submit_as_node("credit.policy.set", {"unit": "HOUR", "limits": limits})
            for kind, one, other, amount in actions:
                _try(community, kind, one, other, amount)
            report = verify_log(node.store, default_registry(), compare_with=node.store)
            assert report.ok, report.failures
            replay_books_balance(node)
        finally:
            node.close()


def _try(community: Community, kind: str, one: str, other: str, amount: int) -> None:
    body: dict[str, Any]
    try:
        if kind == "income":
            income(community, amount)
        elif kind == "transfer":
            body = {"to": of(community, other), "unit": "EUR", "amount": amount}
            community.act(one, "treasury.transfer.sent", body)
        elif kind == "expense":
            expense = approved_expense(community, one, amount)
            body = {"expense": expense, "method": "account"}
            community.act("carol", "treasury.expense.paid", body)
        elif kind == "credit":
            body = {"to": of(community, other), "unit": "HOUR", "amount": amount}
            community.act(one, "treasury.transfer.sent", body)
        else:
            body = {"creditor": community.did(other), "unit": "HOUR", "amount": amount}
            community.act(one, "credit.obligation.recorded", body)
    except Rejected:
        _resync(community)


def _resync(community: Community) -> None:
    """After a refusal, take each author's seq from the node again (a refused event used none)."""
    for name in list(community.events.seqs):
        community.events.seqs[name] = community.node.state.get(
            "log.authors", community.did(name), 0
        )
