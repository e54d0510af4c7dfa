"""Submitting events: receipts, idempotency, seq rules, refusals that change nothing."""

from __future__ import annotations

import threading

import orjson
import pytest

from commonweal.core.events import leaf_bytes, parse_event
from commonweal.core.merkle import leaf_hash, verify_inclusion
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.replay import AUTHORS
from tests.builders import GENESIS, WITHOUT_WRITE_POLICY, EventFactory


def snapshot(node):  # type: ignore[no-untyped-def]
    """Everything a refused submission must leave untouched."""
    return (
        node.store.head(),
        node.store.count_entries(),
        node.store.projection_raw(),
        node.range.root(),
        {name: dict(table) for name, table in node.state.tables.items() if table},
    )


def test_first_entry_is_node_created(node) -> None:  # type: ignore[no-untyped-def]
    entry = node.store.entry(0)
    assert entry.type == "node.created" and entry.author == node.identity.did
    assert node.store.entry(1).type == "governance.constitution.adopted"
    assert node.size == GENESIS


def test_receipt_names_the_leaf_and_its_hash(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    event = events.event("alice")
    receipt = node.submit(orjson.dumps(event))
    assert receipt.index == GENESIS and not receipt.duplicate
    stored = node.store.entry(GENESIS)
    assert stored.leaf == leaf_bytes(parse_event(event).canonical, receipt.received)
    assert receipt.leaf_hash == leaf_hash(stored.leaf)
    node.checkpoint()
    proof = node.proofs.inclusion(GENESIS, node.size)
    verify_inclusion(GENESIS, node.size, receipt.leaf_hash, proof, node.proofs.root(node.size))


def test_same_event_twice_gets_the_same_receipt(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    raw = events.raw("alice")
    first = node.submit(raw)
    again = node.submit(raw)
    assert (again.index, again.leaf_hash, again.received) == (
        first.index,
        first.leaf_hash,
        first.received,
    )
    assert again.duplicate and node.size == GENESIS + 1


def test_other_event_with_used_seq_is_refused(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    node.submit(events.raw("alice"))
    before = snapshot(node)
    with pytest.raises(Rejected) as refused:
        node.submit(events.raw("alice", seq=1))
    assert refused.value.code == "seq_replayed"
    assert snapshot(node) == before


def test_seq_gap_is_refused(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Rejected) as refused:
        node.submit(events.raw("alice", seq=2))
    assert refused.value.code == "seq_out_of_order"
    assert node.state.get(AUTHORS, events.did("alice"), 0) == 0


def test_batch_is_all_or_nothing(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    good = events.event("alice")
    bad = events.event("bob", seq=5)
    before = snapshot(node)
    with pytest.raises(Rejected) as refused:
        node.submit_batch([orjson.dumps(good), orjson.dumps(bad)])
    assert refused.value.position == 1 and refused.value.code == "seq_out_of_order"
    assert snapshot(node) == before
    receipts = node.submit_batch([orjson.dumps(good), events.raw("bob", seq=1)])
    assert [r.index for r in receipts] == [GENESIS, GENESIS + 1]


def test_rule_refusal_changes_nothing(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    body = {"digest": "sha256:" + "a" * 64}
    node.submit(events.raw("alice", body=body))
    before = snapshot(node)
    with pytest.raises(Rejected) as refused:
        node.submit(events.raw("alice", body=body))
    assert refused.value.code == "already_attested"
    assert snapshot(node) == before
    # the refused event did not consume alice's seq either
    assert node.submit(events.raw("alice", seq=2)).index == GENESIS + 1


def test_only_the_node_key_updates_the_profile(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Rejected) as refused:
        node.submit(events.raw("mallory", type="node.profile.updated", body={"name": "Owned"}))
    assert refused.value.code == "forbidden"
    from commonweal.core.events import sign_event

    update = sign_event(
        node.identity.key,
        type="node.profile.updated",
        node=node.identity.did,
        seq=GENESIS + 1,  # the node key wrote node.created and the constitution
        at=events.event("x")["at"],
        body={"name": "Renamed Commons"},
    )
    node.submit(orjson.dumps(update))
    assert node.state.get("node.profile", "profile")["name"] == "Renamed Commons"


def test_state_survives_reopening(node, events: EventFactory, clock) -> None:  # type: ignore[no-untyped-def]
    from commonweal.node.kernel.service import Node

    for _ in range(3):
        node.submit(events.raw("alice"))
    reopened = Node(node.store, node.identity, node.registry, clock=clock)
    assert reopened.size == node.size and reopened.range.root() == node.range.root()
    assert reopened.state.tables == node.state.tables


def test_checkpoint_every_n_events(tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    from commonweal.node.kernel.config import NodeConfig
    from commonweal.node.kernel.service import Node
    from commonweal.node.kernel.setup import init_node

    node = init_node(tmp_path / "n", name="N", clock=clock, constitution=WITHOUT_WRITE_POLICY)
    node = Node(
        node.store,
        node.identity,
        node.registry,
        config=NodeConfig(checkpoint_every_events=5),
        clock=clock,
    )
    factory = EventFactory(node.identity.did, clock)
    for _ in range(12):
        node.submit(factory.raw("alice"))
    sizes = [cp.size for cp in node.store.all_checkpoints()]
    assert sizes == [GENESIS, GENESIS + 5, GENESIS + 10]


def test_checkpoint_after_t_seconds(node, events: EventFactory, clock) -> None:  # type: ignore[no-untyped-def]
    node.submit(events.raw("alice"))
    assert node.checkpoint_if_due(max_age_seconds=5) is None
    clock.advance(seconds=6)
    row = node.checkpoint_if_due(max_age_seconds=5)
    assert row is not None and row.size == GENESIS + 1
    assert node.checkpoint_if_due(max_age_seconds=5) is None


@pytest.mark.slow
def test_concurrent_writers_leave_no_gap_or_duplicate(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    per_writer = 60
    raws = {w: [events.raw(f"writer{w}") for _ in range(per_writer)] for w in range(8)}
    receipts: dict[int, list[int]] = {}

    def write(w: int) -> None:
        receipts[w] = [node.submit(raw).index for raw in raws[w]]

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    indices = sorted(i for r in receipts.values() for i in r)
    assert indices == list(range(GENESIS, 8 * per_writer + GENESIS))
    assert node.store.count_entries() == node.size == 8 * per_writer + GENESIS
    for w, got in receipts.items():
        assert got == sorted(got), f"writer {w} saw its events reordered"


def test_a_rule_that_crashes_fails_its_request_alone(  # type: ignore[no-untyped-def]
    node, events: EventFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule's bug (not a refusal) refuses its own request as ``internal`` and keeps
    nothing of it; the other requests committed with it get their receipts."""
    from commonweal.node.kernel import service

    rules = service.apply_event
    bob = events.did("bob")

    def crashing(state, event, *args, **kwargs):  # type: ignore[no-untyped-def]
        if event.author == bob:
            raise ZeroDivisionError("a bug in a rule")
        return rules(state, event, *args, **kwargs)

    monkeypatch.setattr(service, "apply_event", crashing)
    requests = [[node.prepare(events.raw(name))] for name in ("alice", "bob", "carol")]
    alice, crashed, carol = node.commit_requests(requests)
    assert isinstance(crashed, Rejected) and crashed.code == "internal"
    assert [r.index for r in alice] == [GENESIS] and [r.index for r in carol] == [GENESIS + 1]
    assert node.store.count_entries() == GENESIS + 2
    assert node.state.get(AUTHORS, bob, 0) == 0
    monkeypatch.setattr(service, "apply_event", rules)
    assert node.submit(events.raw("bob", seq=1)).index == GENESIS + 2
