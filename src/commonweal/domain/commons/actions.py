"""What a passed proposal can do to the commons: change a resource's rules, decide a sanction.

Registered in ``governance.events.default_actions`` and allowed in the ``commons`` kind
of the default constitution, so the rules of a shared resource are changed by those
who share it (Ostrom's collective-choice arrangements) and the assembly hears
referrals and any open appeal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.commons import resources, sanctions
from commonweal.domain.commons.records import parse_ref
from commonweal.domain.commons.rules import parse_rules
from commonweal.domain.errors import InvalidBody
from commonweal.domain.governance.actions import Action
from commonweal.domain.registry import Context
from commonweal.domain.state import State

RULES_SET = "commons.rules.set"
SANCTION_DECIDE = "commons.sanction.decide"


def _parse_rules_change(params: Mapping[str, Any]) -> dict[str, Any]:
    if set(params) != {"resource", "rules"}:
        raise InvalidBody('%(type)s takes {"resource": id, "rules": {...}}', type=RULES_SET)
    return {"resource": parse_ref(params, "resource"), "rules": parse_rules(params["rules"])}


def _set_rules(state: State, ctx: Context, params: dict[str, Any]) -> None:
    resources.set_rules(state, ctx, params["resource"], params["rules"])


def _parse_decision(params: Mapping[str, Any]) -> dict[str, Any]:
    decision = sanctions.parse_decision(params)
    return {
        "sanction": decision.sanction,
        "outcome": decision.outcome,
        "reason": decision.reason,
        "days": decision.days,
    }


def _decide(state: State, ctx: Context, params: dict[str, Any]) -> None:
    sanctions.decide_by_proposal(state, ctx, sanctions.Decision(**params))


COMMONS_ACTIONS: tuple[Action, ...] = (
    Action(RULES_SET, "Set a shared resource's rules.", _parse_rules_change, _set_rules),
    Action(SANCTION_DECIDE, "Decide an appeal or a referral.", _parse_decision, _decide),
)


def describe(action: Mapping[str, Any]) -> str | None:
    """A plain-language line for a commons action (None for any other action)."""
    if action.get("type") == RULES_SET:
        return f"set new rules for shared resource {action['resource']}"
    if action.get("type") == SANCTION_DECIDE:
        return f"decide sanction {action['sanction']}: {action['outcome']}"
    return None
