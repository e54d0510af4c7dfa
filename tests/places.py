"""Builders for places tests: a valid registration body, changed member by member."""

from __future__ import annotations

from typing import Any

from tests.community import Community

REGISTERED = "places.place.registered"
UPDATED = "places.place.updated"
CLOSED = "places.place.closed"


def place_body(**changes: Any) -> dict[str, Any]:
    """A valid registration (a small owned hub in Lisbon); ``changes`` replace or add members,
    and a change to ``None`` removes the member."""
    body: dict[str, Any] = {
        "name": "Riverside hub",
        "kind": "hub",
        "description": "Twelve rooms and a workshop by the river.",
        "location": {"lat": "38.7223", "lon": "-9.1393"},
        "area_m2": 850,
        "capacity": {"beds": 12, "seats": 40},
        "tenure": "owned",
        "since": "2024-05-01",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def register_place(community: Community, author: str = "alice", **changes: Any) -> int:
    """Register a place; its id is the receipt's index."""
    return community.act(author, REGISTERED, place_body(**changes)).index
