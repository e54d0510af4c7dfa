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

from bisect import insort
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
