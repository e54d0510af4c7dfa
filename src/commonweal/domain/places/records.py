"""The places state table, the words places are described in, and the footprint they add up to.

A place is numbered by the leaf index of the event that registered it, like every
other record, so anyone can find where it came from. Its record keeps the location
in micro-degrees (``location.py``), its area in whole square metres, its capacity in
beds and seats, its tenure, the day it has been held since, the shared resources it
holds, what funded it, and whether it is still held (``closed`` is when it was let go).
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.errors import NotFound
from commonweal.domain.state import State

PLACES = "places.places"
"""place id → name, kind, location, area, capacity, tenure, since, resources, funding, closed."""

KINDS = ("hub", "building", "land", "garden", "workshop", "office", "other")
"""What a place is: a co-living hub, a building, a piece of land, …"""
OWNED, LEASED, SHARED, CO_OWNED = "owned", "leased", "shared", "co_owned"
TENURES = (OWNED, LEASED, SHARED, CO_OWNED)
"""How the node holds it: owned outright, leased, shared with others (used, not held), or
co-owned with others in shares (``shares``: the node's ``held`` parts ``of`` the whole)."""
CAPACITIES = ("beds", "seats")
PERMISSION = "commons.register"
"""Places are the commons' ground: whoever may register shared resources (stewards, by
default) may register places; so may the node itself, which is how a passed decision acts."""


def place(state: State, place_id: int) -> dict[str, Any]:
    """The place ``place_id``, or ``not_found``."""
    record: dict[str, Any] | None = state.get(PLACES, place_id)
    if record is None:
        raise NotFound("there is no place %(place)s", code="not_found", place=place_id)
    return record


def footprint(state: State) -> dict[str, Any]:
    """What the places still held add up to: a deterministic function of the log.

    ``{"places", "area_m2", "beds", "seats", "held_area_m2", "by_kind", "by_tenure"}``:
    ``area_m2`` is every held place's whole area; ``held_area_m2`` counts a co-owned
    place by the node's share (rounded down) and a shared one not at all, so it is the
    ground the node itself holds. ``by_kind`` and ``by_tenure`` count places and area.
    Closed places are not counted. The census reads this.
    """
    totals: dict[str, Any] = {
        "places": 0,
        "area_m2": 0,
        "held_area_m2": 0,
        "beds": 0,
        "seats": 0,
        "by_kind": {},
        "by_tenure": {},
    }
    for record in sorted((r for _k, r in state.items(PLACES)), key=lambda r: int(r["id"])):
        if record["closed"] is not None:
            continue
        area = record["area_m2"]
        totals["places"] += 1
        totals["area_m2"] += area
        totals["held_area_m2"] += held_area(record)
        totals["beds"] += record["capacity"]["beds"]
        totals["seats"] += record["capacity"]["seats"]
        for group, key in (("by_kind", record["kind"]), ("by_tenure", record["tenure"])):
            counted = totals[group].setdefault(key, {"places": 0, "area_m2": 0})
            counted["places"] += 1
            counted["area_m2"] += area
    return totals


def held_area(record: dict[str, Any]) -> int:
    """The square metres of ``record`` the node itself holds (its share, if co-owned)."""
    if record["tenure"] in (OWNED, LEASED):
        return int(record["area_m2"])
    if record["tenure"] == CO_OWNED:
        shares = record["shares"]
        return int(record["area_m2"] * shares["held"] // shares["of"])
    return 0
