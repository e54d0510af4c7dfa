"""Witness cosignature lag and mirror lag on /metrics, with real nodes witnessing each other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.network import (
    LiveNode,
    cosigned_size,
    latest_checkpoint_size,
    mirror_size,
    recognize,
    start_node,
    stop_all,
    wait_for,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[LiveNode, LiveNode]]:
    harbour = start_node(tmp_path, "harbour")
    riverside = start_node(tmp_path, "riverside")
    try:
        yield harbour, riverside
    finally:
        stop_all([harbour, riverside])


def metrics(node: LiveNode) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(node.text("/metrics")):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_witness_and_mirror_lag_follow_the_federation(pair: tuple[LiveNode, LiveNode]) -> None:
    harbour, riverside = pair
    recognize(harbour, riverside)
    recognize(riverside, harbour)
    harbour.attest(3)
    wait_for(
        lambda: cosigned_size(harbour, riverside) == latest_checkpoint_size(harbour) > 2,
        what="riverside cosigns harbour's newest checkpoint",
    )
    wait_for(
        lambda: mirror_size(riverside, harbour) == latest_checkpoint_size(harbour),
        what="riverside mirrors harbour",
    )
    witness = riverside.identity["witness"].split("+", 1)[0]

    def settled() -> bool:
        found = metrics(harbour)
        cosigned = found.get(("commonweal_witness_cosigned_size", (("witness", witness),)))
        return cosigned == latest_checkpoint_size(harbour) and (
            found[("commonweal_witness_lag_entries", ())] == 0
        )

    wait_for(settled, what="harbour's metrics show no cosignature lag")
    assert metrics(harbour)[("commonweal_witness_lag_seconds", ())] == 0
    mirrored = latest_checkpoint_size(harbour)
    wait_for(
        lambda: (
            metrics(riverside).get(
                ("commonweal_mirror_verified_size", (("origin", harbour.origin),))
            )
            == mirrored
        ),
        what="riverside's metrics show its mirror of harbour's latest checkpoint",
    )
    assert metrics(riverside)[("commonweal_mirror_lag_entries", (("origin", harbour.origin),))] == 0

    # The witness goes away: harbour's new checkpoints wait for a cosignature.
    riverside.stop()
    harbour.attest(4)
    signed = wait_for(
        lambda: latest_checkpoint_size(harbour) >= mirrored + 4 and latest_checkpoint_size(harbour),
        what="harbour signs a checkpoint of the new entries",
    )
    lagging = wait_for(
        lambda: (found := metrics(harbour))[("commonweal_witness_lag_seconds", ())] >= 1 and found,
        what="the cosignature lag grows",
    )
    assert lagging[("commonweal_witness_lag_entries", ())] >= signed - mirrored >= 4
    assert lagging[("commonweal_witness_cosigned_size", (("witness", witness),))] == mirrored
