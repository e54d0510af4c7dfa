"""Every gatherings event type, assembled for the node's registry."""

from __future__ import annotations

from typing import Any

from commonweal.domain.gatherings import checkins, rsvps, scheduling
from commonweal.domain.registry import EventType

EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        scheduling.SCHEDULED,
        "A member schedules a gathering or an assembly.",
        scheduling.parse_schedule,
        scheduling.apply_schedule,
    ),
    EventType(
        scheduling.CANCELLED,
        "An organiser cancels a gathering.",
        scheduling.parse_cancellation,
        scheduling.apply_cancellation,
    ),
    EventType(rsvps.RSVP_GIVEN, "A member RSVPs.", rsvps.parse_rsvp, rsvps.apply_rsvp),
    EventType(
        checkins.CHECKED_IN,
        "An organiser checks an attendee in.",
        checkins.parse_checkin,
        checkins.apply_checkin,
    ),
    EventType(
        checkins.CLAIMED_EVENT,
        "An attendee checks in with the code shown at the venue.",
        checkins.parse_claim,
        checkins.apply_claim,
    ),
    EventType(
        checkins.CODE_REVEALED,
        "An organiser reveals the check-in code; claims are checked.",
        checkins.parse_reveal,
        checkins.apply_reveal,
    ),
)
