"""Replay and verify: a clean log passes; any tampering is found and located."""

from __future__ import annotations

import orjson
from sqlalchemy import delete, select, update

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.verify import verify_log
from commonweal.store.schema import log_entries, log_head, projection_rows
from tests.builders import GENESIS, EventFactory


def filled(node, events: EventFactory, count: int = 40):  # type: ignore[no-untyped-def]
    for n in range(count):
        node.submit(events.raw(f"author{n % 5}"))
        if n % 10 == 9:
            node.checkpoint()
    return node


def verify(node):  # type: ignore[no-untyped-def]
    return verify_log(node.store, default_registry(), compare_with=node.store)


def test_clean_log_verifies(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    report = verify(filled(node, events))
    assert report.ok, report.failures
    assert report.entries_checked == 40 + GENESIS
    assert report.checkpoints_checked == 5
    assert report.projection_rows > 0


def test_flipped_byte_in_a_leaf_is_located(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    filled(node, events)
    with node.store.engine.begin() as conn:
        leaf = conn.execute(select(log_entries.c.leaf).where(log_entries.c.idx == 17)).scalar_one()
        position = leaf.index(b"Document")
        flipped = leaf[:position] + bytes([leaf[position] ^ 0x01]) + leaf[position + 1 :]
        conn.execute(update(log_entries).where(log_entries.c.idx == 17).values(leaf=flipped))
    report = verify(node)
    assert not report.ok
    located = [f for f in report.failures if f.index is not None]
    assert {f.index for f in located} == {17}
    assert {f.what for f in located} >= {
        "the stored leaf hash is not the hash of the stored leaf bytes",
        "the author's signature does not verify",
    }


def test_leaf_rewritten_with_its_hash_breaks_signature_and_checkpoints(
    node, events: EventFactory
) -> None:  # type: ignore[no-untyped-def]
    from commonweal.core.merkle import leaf_hash

    filled(node, events)
    with node.store.engine.begin() as conn:
        leaf = conn.execute(select(log_entries.c.leaf).where(log_entries.c.idx == 5)).scalar_one()
        forged = leaf.replace(b"Document", b"Documenu", 1)
        conn.execute(
            update(log_entries)
            .where(log_entries.c.idx == 5)
            .values(leaf=forged, leaf_hash=leaf_hash(forged))
        )
    report = verify(node)
    assert any(f.index == 5 and "signature" in f.what for f in report.failures)
    assert any("does not match the log's root" in f.what for f in report.failures)


def test_truncated_log_reports_two_checkpoints_as_evidence(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    filled(node, events)
    with node.store.engine.begin() as conn:
        conn.execute(delete(log_entries).where(log_entries.c.idx >= 25))
        conn.execute(update(log_head).values(size=25))
    report = verify(node)
    assert not report.ok
    assert any("truncated" in f.what for f in report.failures)
    assert report.evidence, "the signed checkpoints beyond the log must be reported"
    evidence = report.evidence[0]
    assert "\n22\n" in evidence.older and "\n32\n" in evidence.newer  # checkpoints every 10


def test_tampered_projection_is_found(node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    filled(node, events, 5)
    with node.store.engine.begin() as conn:
        conn.execute(
            update(projection_rows)
            .where(projection_rows.c.tbl == "node.profile")
            .values(value=orjson.dumps({"name": "Forged"}).decode())
        )
    report = verify(node)
    assert any("projection row node.profile" in f.what for f in report.failures)


def test_rewritten_history_is_caught_by_consistency(node, events: EventFactory, clock) -> None:  # type: ignore[no-untyped-def]
    """An operator who rewrites entries and re-signs a new checkpoint is caught by the old one."""
    from commonweal.node.kernel.service import Node

    filled(node, events, 20)
    with node.store.engine.begin() as conn:
        conn.execute(delete(log_entries).where(log_entries.c.idx >= 3))
    # rebuild the head and the projection as a dishonest operator would, then append anew
    from commonweal.core.merkle import root_of
    from commonweal.store.schema import tree_hashes

    with node.store.engine.begin() as conn:
        hashes = [
            bytes(h)
            for (h,) in conn.execute(select(log_entries.c.leaf_hash).order_by(log_entries.c.idx))
        ]
        conn.execute(update(log_head).values(size=3, root=root_of(hashes)))
        conn.execute(delete(tree_hashes))
        conn.execute(delete(projection_rows).where(projection_rows.c.tbl != "node.profile"))
    fresh = Node(node.store, node.identity, node.registry, clock=clock)
    other = EventFactory(node.identity.did, clock)
    for n in range(25):
        fresh.submit(other.raw(f"sock{n % 3}"))
    fresh.checkpoint()
    report = verify(fresh)
    assert any("checkpoints 22 and 28 are not consistent" in e.reason for e in report.evidence)
    assert any("checkpoint at size 12 does not match" in f.what for f in report.failures)
