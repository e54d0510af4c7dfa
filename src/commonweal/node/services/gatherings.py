"""Gatherings as the API and CLI show them: what is coming, who is going, who attended.

Every gathering action is a signed event for ``POST /v1/events``; these are reads.
RSVPs and check-ins are public in the log already, so they are shown by DID.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.gatherings.records import ATTENDANCE, GATHERINGS, RSVPS
from commonweal.domain.timestamps import utc_stamp
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node

WHEN = ("upcoming", "past", "all")


def gatherings(node: Node, *, when: str = "upcoming") -> list[dict[str, Any]]:
    """Gatherings by start time: those not yet over, those over, or all."""
    now = utc_stamp(node.clock())
    with node.reading() as state:
        found = [
            summary(record)
            for _id, record in state.items(GATHERINGS)
            if when == "all" or (record["ends"] > now) == (when == "upcoming")
        ]
    return sorted(found, key=lambda g: (g["starts"], g["id"]), reverse=when == "past")


def gathering_view(node: Node, gathering_id: int) -> dict[str, Any]:
    """A gathering with its RSVPs (in order of response) and its attendance."""
    with node.reading() as state:
        record = state.get(GATHERINGS, gathering_id)
        if record is None:
            raise Rejected(
                "not_found", "there is no gathering %(gathering_id)s", gathering_id=gathering_id
            )
        prefix = f"{gathering_id} "
        rsvps = [r for k, r in state.items(RSVPS) if str(k).startswith(prefix)]
        attendance = [a for k, a in state.items(ATTENDANCE) if str(k).startswith(prefix)]
    return {
        **summary(record),
        "description": record["description"],
        "scheduled_by": record["scheduled_by"],
        "scheduled_at": record["scheduled_at"],
        "waitlist": record["waiting"],
        "self_checkin": record["code_hash"] is not None,
        "code_revealed_at": record["code_revealed_at"],
        "rsvps": sorted(rsvps, key=lambda r: (r["at"], r["member"])),
        "attendance": sorted(attendance, key=lambda a: (a["at"], a["member"])),
    }


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """What a list of gatherings shows of one."""
    return {
        key: record[key]
        for key in (
            "id",
            "kind",
            "title",
            "place",
            "starts",
            "ends",
            "capacity",
            "rsvp_required",
            "organisers",
            "cancelled",
            "going",
            "attended",
        )
    } | {"waiting": len(record["waiting"])}
