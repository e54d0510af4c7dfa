"""The ``json`` group: what strict I-JSON reading (core.strict_json: duplicate member
names refused, integers beyond 64 bits kept whole) adds to reading an event (issue 13).

Typical signed events (the attestations of ``bench.workload``, about 420 bytes) are
read with plain ``orjson.loads``, with ``strict_json.loads``, and parsed whole by
``parse_event_json`` (shape, canonical bytes; no signature check). Target: the strict
reader adds at most 10 µs per event.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import orjson

from commonweal.core import strict_json
from commonweal.core.events import parse_event_json


def per_event_micros(raws: list[bytes], read: Callable[[bytes], object], rounds: int = 3) -> float:
    """The best of ``rounds`` passes over ``raws``, in µs per event."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for raw in raws:
            read(raw)
        best = min(best, time.perf_counter() - start)
    return best / len(raws) * 1e6


def reading_costs(raws: list[bytes]) -> tuple[float, float, float]:
    """µs per event: orjson alone, the strict reader, and parse_event_json (strict inside)."""
    return (
        per_event_micros(raws, orjson.loads),
        per_event_micros(raws, strict_json.loads),
        per_event_micros(raws, parse_event_json),
    )
