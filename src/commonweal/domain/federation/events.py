"""Every federation event type and governance action, for the registry and the catalogue."""

from __future__ import annotations

from typing import Any

from commonweal.domain.federation import alliance, precincts, recognition, requests, visitors
from commonweal.domain.governance.actions import Action
from commonweal.domain.registry import EventType

EVENT_TYPES: tuple[EventType[Any], ...] = (
    *recognition.EVENT_TYPES,
    *visitors.EVENT_TYPES,
    *precincts.EVENT_TYPES,
    *alliance.EVENT_TYPES,
    *requests.EVENT_TYPES,
)
ACTIONS: tuple[Action, ...] = recognition.ACTIONS
