"""Every commons event type, assembled for the node's registry."""

from __future__ import annotations

from typing import Any

from commonweal.domain.commons import bookings, deposits, resources, rounds, sanctions
from commonweal.domain.registry import EventType

EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        resources.REGISTERED,
        "A shared resource is registered with its rules.",
        resources.parse_registration,
        resources.apply_registration,
    ),
    EventType(
        resources.UPDATED,
        "A steward describes a resource anew.",
        resources.parse_description,
        resources.apply_description,
    ),
    EventType(
        resources.CONDITION_REPORTED,
        "Someone reports the condition of a resource.",
        resources.parse_condition,
        resources.apply_condition,
    ),
    EventType(
        bookings.BOOKED,
        "A member books a resource.",
        bookings.parse_request,
        bookings.apply_request,
    ),
    EventType(
        bookings.CANCELLED,
        "A booking is cancelled.",
        bookings.parse_cancellation,
        bookings.apply_cancellation,
    ),
    EventType(
        rounds.OPENED,
        "A steward opens an allocation round.",
        rounds.parse_opening,
        rounds.apply_opening,
    ),
    EventType(
        rounds.ENTERED,
        "A member enters an allocation round.",
        rounds.parse_entry,
        rounds.apply_entry,
    ),
    EventType(
        rounds.ALLOCATED,
        "The node allocates a closed round.",
        rounds.parse_allocation,
        rounds.apply_allocation,
    ),
    EventType(
        sanctions.BREACH_REPORTED,
        "A steward or monitor reports a breach of a resource's rules.",
        sanctions.parse_breach,
        sanctions.apply_breach,
    ),
    EventType(
        sanctions.APPEAL_FILED,
        "A member appeals a sanction.",
        sanctions.parse_appeal,
        sanctions.apply_appeal,
    ),
    EventType(
        sanctions.APPEAL_DECIDED,
        "Stewards decide an appeal.",
        sanctions.parse_decision,
        sanctions.apply_steward_decision,
    ),
    EventType(
        deposits.RECEIVED,
        "A steward records a deposit received.",
        deposits.parse_receipt,
        deposits.apply_receipt,
    ),
    EventType(
        deposits.RETURNED,
        "A steward records a deposit returned.",
        deposits.parse_return,
        deposits.apply_return,
    ),
)
