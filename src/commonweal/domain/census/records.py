"""The census's state tables, and the constitution section that sets its rhythm."""

from __future__ import annotations

from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.fields import only
from commonweal.domain.words import Number

CENSUSES = "census.entries"
"""epoch (int, from 1) → the census taken: its body and the index and time it was logged at."""
META = "census.meta"
"""``"latest"`` → the latest epoch taken; ``"pending"`` → a steward's request for a census
not yet taken: ``{"by", "index", "at", "note"}``."""
LAST_ACTIVE = "log.last_index"
"""Derived, not persisted: author DID → the index of the author's latest event.

The census counts active participants from it (an author whose latest event is at
or after the epoch's first index acted in the epoch). The node rebuilds it at start
with one query, like ``log.authors``.
"""
PLACES = "places.places"
"""The places registry's table (capability ``places``): place id → a record whose
``area_m2`` and ``capacity`` the census sums. Absent until places exist: zero."""

MIN_EVERY_SECONDS = 3600
MAX_EVERY_SECONDS = 366 * 86_400


def parse_census_section(value: Any) -> dict[str, Any]:
    """The constitution's ``census`` section: ``{"every_seconds": n}`` (an hour to a year).

    A constitution without it takes a census only when a steward asks for one.
    """
    if not isinstance(value, dict):
        raise InvalidBody('census must be {"every_seconds": <seconds between censuses>}')
    only(value, {"every_seconds"}, {"every_seconds"}, where="census")
    every = value["every_seconds"]
    if type(every) is not int or not MIN_EVERY_SECONDS <= every <= MAX_EVERY_SECONDS:
        raise InvalidBody(
            "census.every_seconds must be an integer from %(low)s to %(high)s",
            low=Number(MIN_EVERY_SECONDS),
            high=Number(MAX_EVERY_SECONDS),
        )
    return {"every_seconds": every}
