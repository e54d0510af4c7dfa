"""Bookings never overlap, whatever the requests and however they race.

Three levels: the rule alone over random request sequences (Hypothesis), a real
node with threads firing the same slot at once (exactly one wins), and a real node
with threads firing random requests, checked by brute force and by replaying the log.
"""

from __future__ import annotations

import tempfile
import threading
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonweal.domain.catalog import default_registry
from commonweal.domain.errors import DomainError
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.timestamps import utc_stamp
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.setup import init_node
from commonweal.node.kernel.verify import verify_log
from tests.builders import Clock, EventFactory
from tests.commons import at, booking_body, register
from tests.community import Community

NODE_KEY = "did:key:z6MkNode"
NOW = "2026-11-23T12:00:00Z"
MEMBERS = [f"did:key:z6MkMember{n}" for n in range(5)]
REGISTRY = default_registry()
BIG_LIMITS = {"max_hours": 1000, "max_active": 100, "advance_days": 365}

request = st.tuples(
    st.integers(0, len(MEMBERS) - 1),  # who
    st.integers(0, 96),  # start, in quarter hours from BASE (the calendar's weeks turn at +48)
    st.one_of(st.integers(1, 16), st.integers(16, 4 * 24 * 10)),  # length, in quarter hours
    st.one_of(st.none(), st.integers(1, 3)),  # a unit asked for
    st.booleans(),  # cancel one of one's own bookings instead
)


BASE = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
NEAR_WEEK_TURN = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""Wednesday noon: the calendar's weeks (counted from Thursday 1970-01-01) turn 12 hours on."""


def quarter(n: int) -> str:
    """``n`` quarter hours after Wednesday noon."""
    return utc_stamp(NEAR_WEEK_TURN + timedelta(minutes=15 * n))


class Pure:
    """The commons rules over an in-memory state, without a node: fast enough for Hypothesis."""

    def __init__(self, units: int) -> None:
        self.state = State()
        self.index = 0
        for did in MEMBERS:
            self.apply(NODE_KEY, "membership.founder.admitted", {"member": did})
        rules = {"stewards": [MEMBERS[0]], "units": units, "limits": BIG_LIMITS}
        self.resource = self.apply(
            NODE_KEY, "commons.resource.registered", {"kind": "room", "title": "R", "rules": rules}
        )

    def apply(self, author: str, event_type: str, body: dict[str, Any]) -> int:
        kind = REGISTRY.get(event_type)
        ctx = Context(event_type, author, 1, NOW, self.index, NOW, NODE_KEY, NODE_KEY)
        savepoint = self.state.savepoint()
        try:
            kind.apply(self.state, ctx, kind.parse_body(body))
        except DomainError:
            self.state.rollback(savepoint)
            raise
        self.index += 1
        return ctx.index


def overlapping(bookings: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Brute force: every pair of confirmed bookings of one unit whose intervals meet."""
    live = [b for b in bookings if b["status"] == "confirmed"]
    return [
        (a["id"], b["id"])
        for a, b in combinations(live, 2)
        if a["unit"] == b["unit"] and a["start"] < b["end"] and b["start"] < a["end"]
    ]


@settings(max_examples=300, deadline=None)
@given(units=st.integers(1, 3), requests=st.lists(request, max_size=40))
def test_the_rule_never_lets_bookings_overlap(units: int, requests: list[Any]) -> None:
    pure = Pure(units)
    for who, start, length, unit, cancel in requests:
        mine = [
            b["id"]
            for _k, b in pure.state.items("commons.bookings")
            if b["member"] == MEMBERS[who] and b["status"] == "confirmed"
        ]
        if cancel and mine:
            pure.apply(MEMBERS[who], "commons.booking.cancelled", {"booking": mine[0]})
            continue
        body = {"resource": pure.resource, "start": quarter(start), "end": quarter(start + length)}
        if unit is not None:
            body["unit"] = unit
        live = [b for _k, b in pure.state.items("commons.bookings") if b["status"] == "confirmed"]
        wanted = [unit] if unit is not None else list(range(1, units + 1))
        free = [
            u
            for u in wanted
            if u <= units
            and not any(
                b["unit"] == u and b["start"] < body["end"] and body["start"] < b["end"]
                for b in live
            )
        ]
        try:
            pure.apply(MEMBERS[who], "commons.booking.made", body)
        except DomainError as refusal:
            # refused only when no unit asked for was free (or the unit does not exist)
            assert not free, (refusal.code, body)
            assert refusal.code in ("overlap", "invalid_body")
        else:
            assert free, body
    assert overlapping([b for _k, b in pure.state.items("commons.bookings")]) == []


def test_of_many_simultaneous_requests_for_one_slot_exactly_one_wins(
    community: Community,
) -> None:
    community.act("alice", "membership.policy.set", {"admission": "open"})
    racers = [f"racer{n}" for n in range(12)]
    for name in racers:
        community.apply(name)
    room = register(community)
    body = booking_body(community, room, 2, 2)
    signed = [
        orjson.dumps(community.events.event(n, type="commons.booking.made", body=body))
        for n in racers
    ]
    outcomes = race(community, signed)
    assert sorted(outcomes.values(), key=str).count("won") == 1
    assert all(o in ("won", "overlap") for o in outcomes.values())
    winners = [b for _k, b in community.node.state.items("commons.bookings")]
    assert len(winners) == 1
    assert verify_log(community.node.store, REGISTRY, compare_with=community.node.store).ok


def race(community: Community, signed: list[bytes]) -> dict[int, str]:
    """Submit every event from its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(signed))
    outcomes: dict[int, str] = {}

    def submit(n: int) -> None:
        barrier.wait()
        try:
            community.node.submit(signed[n])
            outcomes[n] = "won"
        except Rejected as refusal:
            outcomes[n] = refusal.code

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(len(signed))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    units=st.integers(1, 2),
    requests=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 24), st.integers(1, 8)), min_size=2, max_size=24
    ),
)
def test_racing_random_requests_at_a_node_never_overlap_and_replay_agrees(
    units: int, requests: list[tuple[int, int, int]]
) -> None:
    clock = Clock(BASE)
    factory = EventFactory("", clock)
    names = [f"m{n}" for n in range(6)]
    with tempfile.TemporaryDirectory() as folder:
        node = init_node(
            Path(folder) / "node",
            name="Race",
            clock=clock,
            founders=[factory.did(n) for n in names],
        )
        try:
            factory.node_did = node.identity.did
            community = Community(node, factory, clock)
            rules: dict[str, Any] = {"units": units, "limits": BIG_LIMITS}
            room = register(community, "m0", stewards=("m0",), **rules)
            by_author: dict[str, list[dict[str, Any]]] = {}
            for who, start, length in requests:
                by_author.setdefault(names[who], []).append(
                    {
                        "resource": room,
                        "start": at(community, minutes=15 * start),
                        "end": at(community, minutes=15 * (start + length)),
                    }
                )
            codes = race_authors(community, by_author)
            assert set(codes) <= {"won", "overlap"}
            bookings = [b for _k, b in node.state.items("commons.bookings")]
            assert overlapping(bookings) == []
            assert codes.count("won") == len(bookings) >= 1
            report = verify_log(node.store, REGISTRY, compare_with=node.store)
            assert report.ok, report.failures
        finally:
            node.close()


def race_authors(community: Community, bookings: dict[str, list[dict[str, Any]]]) -> list[str]:
    """One thread per author making their bookings in order, all starting together."""
    barrier = threading.Barrier(len(bookings))
    codes: list[str] = []
    lock = threading.Lock()

    def run(name: str) -> None:
        barrier.wait()
        for body in bookings[name]:
            try:
                community.act(name, "commons.booking.made", body)
                code = "won"
            except Rejected as refusal:
                community.events.seqs[name] -= 1  # a refused event uses no seq
                code = refusal.code
            with lock:
                codes.append(code)

    threads = [threading.Thread(target=run, args=(name,)) for name in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes
