"""Matching requests with offers: the same category, close enough, still open.

For a request, the open offers of its category by other members; for an offer,
the open requests. Posts without an area match at any distance (help given
online, or anywhere). Requests come most urgent first, then nearest, then oldest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from commonweal.domain.aid.geohash import distance_km
from commonweal.domain.aid.records import OFFER, OPEN, REQUEST, URGENCIES, expired


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate post and how far away it is (None when either has no area)."""

    post: dict[str, Any]
    distance_km: int | None


def distance(a: dict[str, Any], b: dict[str, Any]) -> int | None:
    """Whole kilometres between two posts' areas, or None if either names none."""
    if not a["area"] or not b["area"]:
        return None
    return distance_km(a["area"], b["area"])


def within(record: dict[str, Any], area: str, max_km: int | None) -> bool:
    """Whether a post is at most ``max_km`` from ``area`` (posts without an area always are)."""
    if max_km is None or not area or not record["area"]:
        return True
    return distance_km(area, record["area"]) <= max_km


def matches_for(
    record: dict[str, Any],
    candidates: Iterable[dict[str, Any]],
    *,
    now: str,
    max_km: int | None = None,
) -> list[Match]:
    """Open, unexpired posts of the other kind and the same category, nearest first."""
    wanted = OFFER if record["kind"] == REQUEST else REQUEST
    found = []
    for other in candidates:
        if (
            other["kind"] != wanted
            or other["status"] != OPEN
            or other["category"] != record["category"]
            or other["author"] == record["author"]
            or expired(other, now)
        ):
            continue
        away = distance(record, other)
        if max_km is not None and away is not None and away > max_km:
            continue
        found.append(Match(other, away))
    return sorted(found, key=_order)


def _order(match: Match) -> tuple[int, int, int]:
    urgency = match.post["urgency"]
    rank = -URGENCIES.index(urgency) if urgency in URGENCIES else 0
    away = match.distance_km if match.distance_km is not None else 1 << 30
    return rank, away, int(match.post["id"])
