"""Commons benchmarks: bookings through a node, the rule as a calendar fills, a big lottery.

Bookings are signed in advance by 200 members and submitted in batches of 500
through ``Node.submit_batch`` (SQLite, ``synchronous=FULL``): the rule, the
schedule rewrite and the projection write are all in the figure. The rule alone
is timed over in-memory state with schedules of growing length, and a lottery of
10,000 entrants for 500 units is drawn as the node draws it when a round closes.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.catalog import default_registry
from commonweal.domain.commons import calendar, rounds
from commonweal.domain.fields import utc_stamp
from commonweal.domain.registry import Context
from commonweal.domain.state import State

START = datetime(2030, 1, 1, tzinfo=UTC)
NODE_KEY = "did:key:z6MkbenchNodeForCommonsBenchmarksOnly"


def booking_rate(workdir: Path, count: int) -> float:
    """Bookings/s through a node: 200 members, 10 units, one-hour slots over the year ahead."""
    from commonweal.node.kernel.setup import init_node

    clock = _FixedClock(START)
    keys = [SigningKey.generate() for _ in range(200)]
    dids = [did_key_from_public_key(k.public_key) for k in keys]
    node = init_node(workdir / "commons", name="Bench", clock=clock, founders=dids[:1])
    try:
        for did in dids[1:]:
            node.submit_as_node("membership.founder.admitted", {"member": did})
        rules = {"stewards": dids[:1], "units": 10, "limits": _BIG}
        body = {"kind": "room", "title": "Hall", "rules": rules}
        room = node.submit_as_node("commons.resource.registered", body).index
        seqs = {did: node.state.get("log.authors", did, 0) for did in dids}
        raws = []
        for n in range(count):
            who = n % len(keys)
            seqs[dids[who]] += 1
            start = START + timedelta(hours=1 + n // 10)
            booking = {
                "resource": room,
                "start": utc_stamp(start),
                "end": utc_stamp(start + timedelta(hours=1)),
            }
            event = sign_event(
                keys[who],
                type="commons.booking.made",
                node=node.identity.did,
                seq=seqs[dids[who]],
                at=format_utc(START),
                body=booking,
            )
            raws.append(orjson.dumps(event))
        started = time.perf_counter()
        for i in range(0, len(raws), 500):
            node.submit_batch(raws[i : i + 500])
        return count / (time.perf_counter() - started)
    finally:
        node.close()


def rule_microseconds(schedule_length: int, samples: int = 200) -> float:
    """The booking rule alone, in µs, against a schedule of ``schedule_length`` future bookings."""
    registry = default_registry()
    state = State()
    member = "did:key:z6MkbenchMember"
    _apply(state, registry, NODE_KEY, "membership.founder.admitted", {"member": member}, 0)
    rules = {"stewards": [member], "units": 1, "limits": _BIG}
    body = {"kind": "room", "title": "Hall", "rules": rules}
    _apply(state, registry, NODE_KEY, "commons.resource.registered", body, 1)
    for n in range(schedule_length):  # other members' bookings, one an hour
        start = START + timedelta(hours=n + 1)
        booking = {
            "id": n + 10,
            "resource": 1,
            "member": f"did:key:z6MkbenchOther{n % 50}",
            "unit": 1,
            "start": utc_stamp(start),
            "end": utc_stamp(start + timedelta(minutes=30)),
        }
        calendar.add(state, booking, format_utc(START))
    kind = registry.get("commons.booking.made")
    started = time.perf_counter()
    for n in range(-samples, samples):  # the first half warms up (caches, imports)
        if n == 0:
            started = time.perf_counter()
        start = START + timedelta(hours=schedule_length + samples + n + 1, minutes=30)
        booking = {
            "resource": 1,
            "start": utc_stamp(start),
            "end": utc_stamp(start + timedelta(hours=1)),
        }
        savepoint = state.savepoint()
        index = 10**6 + samples + n
        ctx = Context(kind.name, member, 1, "", index, format_utc(START), NODE_KEY, NODE_KEY)
        kind.apply(state, ctx, kind.parse_body(booking))
        state.rollback(savepoint)
    return (time.perf_counter() - started) / samples * 1e6


def lottery_seconds(entrants: int, units: int) -> float:
    """Drawing a closed round of ``entrants`` for ``units`` units, as ``run_due`` does."""
    registry = default_registry()
    state = State()
    dids = [f"did:key:z6MkbenchEntrant{n:06d}" for n in range(entrants)]
    for n, did in enumerate(dids):
        _apply(state, registry, NODE_KEY, "membership.founder.admitted", {"member": did}, n)
    rules = {"stewards": dids[:1], "units": units, "allocation": "lottery", "limits": _BIG}
    body = {"kind": "land", "title": "Beds", "rules": rules}
    resource = _apply(state, registry, NODE_KEY, "commons.resource.registered", body, entrants)
    opening = {
        "resource": resource,
        "start": utc_stamp(START + timedelta(days=2)),
        "end": utc_stamp(START + timedelta(days=100)),
        "closes": utc_stamp(START + timedelta(days=1)),
    }
    round_id = _apply(state, registry, dids[0], "commons.round.opened", opening, entrants + 1)
    for n, did in enumerate(dids):
        _apply(state, registry, did, "commons.round.entered", {"round": round_id}, entrants + 2 + n)
    closed = format_utc(START + timedelta(days=1))
    started = time.perf_counter()
    drawn = rounds.allocate(state, round_id, "did:key:z6MkbenchNode", closed)
    seconds = time.perf_counter() - started
    assert len(drawn) == units
    return seconds


_BIG = {"max_hours": 1000, "max_active": 100, "advance_days": 730}


class _FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _apply(
    state: State, registry: Any, author: str, event_type: str, body: dict[str, Any], index: int
) -> int:
    kind = registry.get(event_type)
    received = format_utc(START)
    ctx = Context(event_type, author, 1, received, index, received, NODE_KEY, NODE_KEY)
    kind.apply(state, ctx, kind.parse_body(body))
    return index
