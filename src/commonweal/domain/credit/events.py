"""Every mutual-credit event type, and the credit policy as an action of passed proposals."""

from __future__ import annotations

from typing import Any

from commonweal.domain.credit import clearing, demurrage, limits, obligations
from commonweal.domain.governance.actions import Action
from commonweal.domain.registry import EventType

EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        limits.POLICY_SET,
        "The node sets a unit's credit limits and demurrage.",
        limits.parse_policy,
        limits.apply_policy,
    ),
    EventType(
        obligations.RECORDED,
        "A member records what they owe another member.",
        obligations.parse_obligation,
        obligations.apply_obligation,
    ),
    EventType(
        obligations.SETTLED,
        "The debtor pays an obligation.",
        obligations.parse_reduction,
        obligations.apply_settlement,
    ),
    EventType(
        obligations.FORGIVEN,
        "The creditor forgives an obligation.",
        obligations.parse_reduction,
        obligations.apply_forgiveness,
    ),
    EventType(
        clearing.COMPLETED,
        "Cycles of obligations are set off.",
        clearing.parse_claim,
        clearing.apply_clearing,
    ),
    EventType(
        demurrage.CHARGED,
        "The node charges demurrage on positive balances.",
        demurrage.parse_charge,
        demurrage.apply_charge,
    ),
)

CREDIT_ACTIONS: tuple[Action, ...] = (
    Action(
        "credit.policy.set",
        "Set a unit's credit limits and demurrage.",
        limits.parse_policy,
        limits.set_policy,
    ),
)
