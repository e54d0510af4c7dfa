"""Builders for commons and gathering tests: resources, bookings, rounds, times from the clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from commonweal.domain.catalog import default_registry
from commonweal.domain.timestamps import utc_stamp
from commonweal.node.kernel.service import Receipt
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import commons
from tests.community import Community


def at(community: Community, **delta: float) -> str:
    """A booking time: the test clock's now moved by ``delta`` (to the second)."""
    return utc_stamp(community.clock.now + timedelta(**delta))


def register(
    community: Community,
    author: str = "alice",
    *,
    title: str = "Workshop",
    kind: str = "room",
    stewards: tuple[str, ...] = ("alice", "bob"),
    **rules: Any,
) -> int:
    """Register a resource whose stewards are ``stewards``; its id is the receipt's index."""
    body = {
        "kind": kind,
        "title": title,
        "rules": {"stewards": [community.did(s) for s in stewards], **rules},
    }
    return community.act(author, "commons.resource.registered", body).index


def booking_body(
    community: Community, resource: int, start_hours: float, hours: float, **extra: Any
) -> dict[str, Any]:
    """A booking of ``resource`` starting ``start_hours`` from now, lasting ``hours``."""
    start = at(community, hours=start_hours)
    end = at(community, hours=start_hours + hours)
    return {"resource": resource, "start": start, "end": end, **extra}


def book(
    community: Community, name: str, resource: int, start_hours: float, hours: float, **extra: Any
) -> Receipt:
    """``name`` books ``resource``; the booking's id is the receipt's index."""
    body = booking_body(community, resource, start_hours, hours, **extra)
    return community.act(name, "commons.booking.made", body)


def refused_booking(
    community: Community, name: str, resource: int, start_hours: float, hours: float, **extra: Any
) -> str:
    """The code of a refused booking."""
    body = booking_body(community, resource, start_hours, hours, **extra)
    return community.refused(name, "commons.booking.made", body)


def run_due(community: Community) -> list[str]:
    """Let the node allocate what is due; return the event types it logged."""
    receipts = commons.run_due(community.node)
    return [community.node.store.entry(r.index).type for r in receipts]  # type: ignore[union-attr]


def verified(community: Community) -> bool:
    """The projection check: replaying the whole log rebuilds exactly the live state."""
    report = verify_log(community.node.store, default_registry(), compare_with=community.node.store)
    assert report.ok, report.failures
    return True


def record(community: Community, table: str, key: Any) -> dict[str, Any]:
    """A row of a projection table."""
    row: dict[str, Any] = community.node.state.get(table, key)
    assert row is not None, f"no {key!r} in {table}"
    return row
