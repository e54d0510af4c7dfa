"""Every places event type, assembled for the node's registry."""

from __future__ import annotations

from typing import Any

from commonweal.domain.places import rules
from commonweal.domain.registry import EventType

EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        rules.REGISTERED,
        "A steward registers a place: a hub, a building, land.",
        rules.parse_registration,
        rules.apply_registration,
    ),
    EventType(
        rules.UPDATED,
        "A steward describes a place anew.",
        rules.parse_update,
        rules.apply_update,
    ),
    EventType(
        rules.CLOSED_EVENT,
        "A steward records that a place is no longer held.",
        rules.parse_closing,
        rules.apply_closing,
    ),
)
