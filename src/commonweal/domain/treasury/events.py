"""Every treasury event type, and the treasury's actions for passed proposals."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from commonweal.domain.governance.actions import Action
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State
from commonweal.domain.treasury import budgets, expenses, funds, income, policy, transfers, units

EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        units.DECLARED,
        "The node declares a unit of account (a currency, hours).",
        units.parse_declaration,
        units.apply_declaration,
    ),
    EventType(funds.OPENED, "The node opens a fund.", funds.parse_fund, funds.apply_opening),
    EventType(
        policy.SET,
        "The node sets how many treasurers approve an expense.",
        policy.parse_policy,
        policy.apply_policy,
    ),
    EventType(
        budgets.SET, "The node sets a fund's budget.", budgets.parse_budget, budgets.apply_budget
    ),
    EventType(
        income.RECORDED,
        "A treasurer records income from outside, with its evidence's digest.",
        income.parse_income,
        income.apply_income,
    ),
    EventType(
        transfers.SENT,
        "A member transfers from their own account.",
        transfers.parse_member_transfer,
        transfers.apply_member_transfer,
    ),
    EventType(
        expenses.DRAFTED, "A member drafts an expense.", expenses.parse_draft, expenses.apply_draft
    ),
    EventType(
        expenses.SUBMITTED,
        "An expense is submitted for approval.",
        expenses.parse_decision,
        expenses.apply_submission,
    ),
    EventType(
        expenses.APPROVED_EVENT,
        "A treasurer approves an expense.",
        expenses.parse_decision,
        expenses.apply_approval,
    ),
    EventType(
        expenses.REJECTED_EVENT,
        "A treasurer rejects an expense.",
        expenses.parse_decision,
        expenses.apply_rejection,
    ),
    EventType(
        expenses.CANCELLED_EVENT,
        "Its submitter cancels an expense.",
        expenses.parse_decision,
        expenses.apply_cancellation,
    ),
    EventType(
        expenses.PAID_EVENT,
        "A treasurer pays an approved expense.",
        expenses.parse_payment,
        expenses.apply_payment,
    ),
)


def _dataclass_action(
    name: str,
    summary: str,
    parse: Callable[[Mapping[str, Any]], Any],
    run: Callable[[State, Context, Any], None],
) -> Action:
    """An action whose parameters are an event body parsed into a dataclass.

    The normal form kept in the alternative is the dataclass's fields, in order;
    running it rebuilds the dataclass.
    """

    def parse_params(params: Mapping[str, Any]) -> dict[str, Any]:
        value = parse(params)
        return dataclasses.asdict(value)

    def apply(state: State, ctx: Context, params: dict[str, Any]) -> None:
        run(state, ctx, parse(params))

    return Action(name, summary, parse_params, apply)


TREASURY_ACTIONS: tuple[Action, ...] = (
    Action(
        transfers.TRANSFER_ACTION,
        "Move money from the node or a fund.",
        transfers.parse_decided_transfer,
        transfers.apply_decided_transfer,
    ),
    Action("treasury.fund.open", "Open a fund.", funds.parse_fund, funds.open_fund),
    Action("treasury.budget.set", "Set a fund's budget.", budgets.parse_budget, budgets.set_budget),
    _dataclass_action(
        "treasury.unit.declare",
        "Declare a unit of account.",
        units.parse_declaration,
        units.declare,
    ),
    Action(
        "treasury.policy.set",
        "Set how many treasurers approve an expense.",
        policy.parse_policy,
        policy.apply_policy,
    ),
)
