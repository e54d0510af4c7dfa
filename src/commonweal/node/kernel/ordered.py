"""A state table's keys in a stable sorted order, kept beside the state for paged reads.

Listing a page of a table that holds a row per member must not sort the whole table
on every request. :func:`order_of` keeps each table's positions sorted and, when the
table has only grown since the last read (new keys are added at the end of a dict),
places just the new keys; any other change (a row removed) sorts it again. Call it
while holding ``node.reading()``, so the table is still. A row's position must not
change when its value does (an application's index, a voter's DID): a changed value
keeps its place in the dict and is not looked at again.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

Position = TypeVar("Position")
"""Where a row sorts: anything orderable, such as (an index, a key)."""


@dataclass
class Ordered(Generic[Position]):
    """The sorted positions of one table, as of ``seen`` rows ending with ``last``."""

    table: dict[Hashable, Any]
    positions: list[Position] = field(default_factory=list)
    seen: int = 0
    last: Hashable = None
    extra: dict[str, Any] = field(default_factory=dict)
    """What a reader keeps with the order (a count by status, and the log size it is of)."""


_KEPT: WeakKeyDictionary[object, dict[str, Ordered[Any]]] = WeakKeyDictionary()


def order_of(
    owner: object,
    name: str,
    table: dict[Hashable, Any],
    position: Callable[[Hashable, Any], Position],
) -> Ordered[Position]:
    """The kept order of ``table`` (named ``name``, held by ``owner``: the node)."""
    kept = _KEPT.setdefault(owner, {})
    order: Ordered[Position] | None = kept.get(name)
    if order is not None and order.table is table and _only_grown(order, table):
        for key, value in islice(table.items(), order.seen, None):
            place = position(key, value)
            if not order.positions or place > order.positions[-1]:  # type: ignore[operator]
                order.positions.append(place)
            else:
                insort(order.positions, place)  # type: ignore[call-overload]
    else:
        positions = sorted(position(key, value) for key, value in table.items())  # type: ignore[type-var]
        order = Ordered(table, positions)
        kept[name] = order
    order.seen, order.last = len(table), next(reversed(table), None)
    return order


def _only_grown(order: Ordered[Any], table: dict[Hashable, Any]) -> bool:
    """Whether ``table`` is what ``order`` saw plus keys added at its end."""
    if len(table) == order.seen:
        return next(reversed(table), None) == order.last
    if len(table) < order.seen or order.seen == 0:
        return len(table) > order.seen
    return next(islice(table, order.seen - 1, None)) == order.last


SCAN_BUDGET = 20
"""With a filter, a page looks at most this many times its ``limit`` rows: a page of a
rare kind may come back short, with a position to go on from."""


@dataclass(frozen=True)
class Slice(Generic[Position]):
    """One page of a kept order: its rows, and the position to go on from (None: the end)."""

    rows: list[tuple[Hashable, Any]]
    next: Position | None


def slice_of(
    order: Ordered[Position],
    key_of: Callable[[Position], Hashable],
    *,
    after: Position | None = None,
    limit: int,
    keep: Callable[[Any], bool] | None = None,
    descending: bool = False,
) -> Slice[Position]:
    """Up to ``limit`` rows of ``order``'s table past ``after`` (after it, or before it when
    ``descending``) that ``keep`` accepts; a binary search and at most
    ``limit * SCAN_BUDGET`` rows looked at, however large the table. Call it under
    ``node.reading()``. A row added meanwhile is listed by a later page if it sorts past
    the position the cursor names, so a client walking the pages sees each row once."""
    positions, table = order.positions, order.table
    picked: list[tuple[Hashable, Any]] = []
    budget = limit * SCAN_BUDGET
    if descending:
        index = bisect_left(positions, after) if after is not None else len(positions)  # type: ignore[call-overload]
        floor = max(0, index - budget)
        while index > floor and len(picked) < limit:
            index -= 1
            _take(picked, table, key_of(positions[index]), keep)
        more, last = index > 0, index
    else:
        index = bisect_right(positions, after) if after is not None else 0  # type: ignore[call-overload]
        stop = min(len(positions), index + budget)
        while index < stop and len(picked) < limit:
            _take(picked, table, key_of(positions[index]), keep)
            index += 1
        more, last = index < len(positions), index - 1
    return Slice(picked, positions[last] if more else None)


def _take(
    picked: list[tuple[Hashable, Any]],
    table: dict[Hashable, Any],
    key: Hashable,
    keep: Callable[[Any], bool] | None,
) -> None:
    record = table.get(key)
    if record is not None and (keep is None or keep(record)):
        picked.append((key, record))
