"""A witness that refuses is asked again after 1 s, then 2, 4, … up to 5 minutes."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from commonweal.node.services.federation import witness


def waits(federation: Any, name: str) -> float:
    retry_at, delay = federation.witness_backoff[name]
    assert abs(retry_at - time.monotonic() - delay) < 1.0
    return float(delay)


def test_the_wait_doubles_from_one_second_to_five_minutes() -> None:
    federation: Any = SimpleNamespace(witness_backoff={})
    assert not witness._backing_off(federation, "w")
    delays = []
    for _ in range(12):
        witness._back_off(federation, "w")
        delays.append(waits(federation, "w"))
    assert delays[:4] == [1.0, 2.0, 4.0, 8.0]
    assert delays[-1] == witness.MAX_BACKOFF_SECONDS == 300.0
    assert witness._backing_off(federation, "w")
    assert not witness._backing_off(federation, "another witness")


def test_a_wait_that_has_passed_asks_again() -> None:
    federation: Any = SimpleNamespace(witness_backoff={"w": (time.monotonic() - 0.1, 1.0)})
    assert not witness._backing_off(federation, "w")
    witness._back_off(federation, "w")
    assert waits(federation, "w") == 2.0
