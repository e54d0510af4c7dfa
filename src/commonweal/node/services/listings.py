"""Lists that grow with the node, a page at a time: bookings, sanctions, gatherings, aid
posts and a member's credentials.

Each list keeps its rows' sorted positions beside the state (node/kernel/ordered.py), so
a page is a binary search and the page's own rows however many the node holds; a
filter looks at most at 20 times ``limit`` rows, so a page of a rare kind may come back
short with a ``next`` position. A position is a tuple of strings and integers that the
web edge turns into an opaque cursor. Lists of what is still to come (bookings not yet
ended, gatherings not yet over) start at the first row that could be: ``now`` less the
longest span any row has had, tracked as rows are added.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import timedelta
from itertools import islice
from typing import Any

from commonweal.domain.aid.matching import within
from commonweal.domain.aid.records import POSTS
from commonweal.domain.commons.records import BOOKINGS, SANCTIONS, seconds_between
from commonweal.domain.gatherings.records import GATHERINGS
from commonweal.domain.membership.records import CREDENTIALS
from commonweal.domain.timestamps import moment, utc_stamp
from commonweal.node.kernel.ordered import Ordered, Slice, order_of, slice_of
from commonweal.node.kernel.service import Node
from commonweal.node.services import aid, credentials, gatherings

Position = tuple[Any, ...]

MAX_PAGE = 500
"""The largest ``limit`` any of these lists accepts (100 by default)."""


def bookings(
    node: Node,
    *,
    resource: int | None = None,
    member: str | None = None,
    include_past: bool = False,
    after: Position | None = None,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], Position | None]:
    """Bookings by start time (then resource, unit, id), optionally of one resource or
    member; by default only those confirmed and not yet ended."""
    now = utc_stamp(node.clock())

    def keep(record: dict[str, Any]) -> bool:
        return (
            (resource is None or record["resource"] == resource)
            and (member is None or record["member"] == member)
            and (include_past or (record["status"] == "confirmed" and record["end"] > now))
        )

    with node.reading() as state:
        order = order_of(node, BOOKINGS, state.tables.get(BOOKINGS, {}), _booking_position)
        if not include_past:
            after = _not_before(after, _earliest_current(order, now))
        page = slice_of(order, _last, after=after, limit=limit, keep=keep)
        return [dict(record) for _key, record in page.rows], _more(page)


def sanctions(
    node: Node,
    *,
    resource: int | None = None,
    member: str | None = None,
    before: int | None = None,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], int | None]:
    """Sanctions, newest first, optionally of one resource or member."""

    def keep(record: dict[str, Any]) -> bool:
        return (resource is None or record["resource"] == resource) and (
            member is None or record["member"] == member
        )

    with node.reading() as state:
        order = order_of(node, SANCTIONS, state.tables.get(SANCTIONS, {}), _id_position)
        page = slice_of(order, _itself, after=before, limit=limit, keep=keep, descending=True)
        return [dict(record) for _key, record in page.rows], page.next


def gathering_list(
    node: Node, *, when: str = "upcoming", after: Position | None = None, limit: int = 100
) -> tuple[list[dict[str, Any]], Position | None]:
    """Gatherings by start time: those not yet over, those over (latest first), or all."""
    now = utc_stamp(node.clock())

    def keep(record: dict[str, Any]) -> bool:
        return when == "all" or (record["ends"] > now) == (when == "upcoming")

    with node.reading() as state:
        order = order_of(node, GATHERINGS, state.tables.get(GATHERINGS, {}), _gathering_position)
        if when == "upcoming":
            after = _not_before(after, _earliest_current(order, now, "starts", "ends"))
        page = slice_of(
            order, _last, after=after, limit=limit, keep=keep, descending=when == "past"
        )
        return [gatherings.summary(record) for _key, record in page.rows], _more(page)


def aid_posts(
    node: Node,
    *,
    kind: str | None = None,
    status: str | None = None,
    category: str | None = None,
    near: str | None = None,
    within_km: int | None = None,
    before: int | None = None,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], int | None]:
    """Aid posts, newest first, filtered by kind, status, category and distance."""
    aid.require_area(near)
    at = aid.now(node)

    def keep(record: dict[str, Any]) -> bool:
        return (
            (kind is None or record["kind"] == kind)
            and (category is None or record["category"] == category)
            and within(record, near or "", within_km)
            and (status is None or aid.view(record, at)["status"] == status)
        )

    with node.reading() as state:
        order = order_of(node, POSTS, state.tables.get(POSTS, {}), _id_position)
        page = slice_of(order, _itself, after=before, limit=limit, keep=keep, descending=True)
        return [aid.view(record, at) for _key, record in page.rows], page.next


def credentials_page(
    node: Node, did: str, *, after: int | None = None, limit: int = 100
) -> tuple[list[dict[str, Any]], int | None]:
    """The credentials the node issued to ``did`` (revoked ones too: their status says so),
    in the order they were owed, each signed as it is served."""
    with node.reading() as state:
        order = order_of(node, CREDENTIALS, state.tables.get(CREDENTIALS, {}), _subject_position)
        start = (did, -1 if after is None else after + 1)  # just past the row ``after``
        page = slice_of(order, _last, after=start, limit=limit + 1, keep=None)
        rows = [dict(row) for _key, row in page.rows if row["subject"] == did]
    more = len(rows) > limit
    signed = [credentials.credential(node, row) for row in rows[:limit]]
    return signed, (rows[limit - 1]["index"] if more else None)


# -- positions ---------------------------------------------------------------------------


def _booking_position(key: Hashable, record: dict[str, Any]) -> Position:
    return (record["start"], record["resource"], record["unit"], int(str(key)))


def _gathering_position(key: Hashable, record: dict[str, Any]) -> Position:
    return (record["starts"], int(str(key)))


def _subject_position(key: Hashable, row: dict[str, Any]) -> Position:
    return (row["subject"], int(row["index"]), key)


def _id_position(key: Hashable, _record: Any) -> int:
    return int(str(key))


def _last(position: Position) -> Hashable:
    """The table key a position ends with."""
    return position[-1]  # type: ignore[no-any-return]


def _itself(position: int) -> Hashable:
    return position


def _more(page: Slice[Position]) -> Position | None:
    return page.next


def _not_before(after: Position | None, earliest: Position) -> Position:
    return earliest if after is None or after < earliest else after


def _earliest_current(
    order: Ordered[Position], now: str, start: str = "start", end: str = "end"
) -> Position:
    """A position before every row whose span could reach past ``now``: rows that started
    no earlier than ``now`` less the longest span seen (kept with the order, extended as
    rows are added; a row's times never change once it is recorded)."""
    seen, longest = order.extra.get("spans_seen", 0), order.extra.get("longest", 0)
    for record in islice(order.table.values(), seen, None):
        longest = max(longest, seconds_between(record[start], record[end]))
    order.extra.update(spans_seen=len(order.table), longest=longest)
    return (utc_stamp(moment(now) - timedelta(seconds=longest + 1)),)
