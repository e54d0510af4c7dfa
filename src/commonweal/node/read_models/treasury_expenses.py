"""The expenses as their pages show them: the list by status, one expense with its history
in words and what the viewer may do with it, and the new-expense form's choices.

Reads only, over the projection; people and accounts are named as
:mod:`commonweal.node.read_models.treasury` names them.
"""

from __future__ import annotations

from typing import Any

from commonweal.core.language import N_, _, ngettext
from commonweal.domain.state import State
from commonweal.domain.treasury.expenses import (
    APPROVED,
    APPROVED_EVENT,
    CANCELED,
    CANCELLED_EVENT,
    DRAFT,
    PAID,
    PAID_EVENT,
    PENDING,
    REJECTED,
    REJECTED_EVENT,
    STATUSES,
    SUBMITTED,
)
from commonweal.domain.treasury.ledger import balance
from commonweal.domain.treasury.policy import current_policy
from commonweal.domain.treasury.records import BUDGETS, EXPENSES, UNITS
from commonweal.node.kernel.dry_run import DryRun, Verdict, ask_each
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import said
from commonweal.node.read_models.names import name_or_short
from commonweal.node.read_models.treasury import (
    STATUS_WORDS,
    active_members,
    funds_of,
    names,
    status_counts,
    unit_records,
)

STEP_WORDS = {
    "drafted": N_("Drafted"),
    "submitted": N_("Submitted for approval"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "cancelled": N_("Cancelled"),
    "paid": N_("Paid"),
}


def expenses_page(node: Node, *, status: str | None, fund: str | None) -> dict[str, Any]:
    """Expenses of one status (or all), newest first, with how many there are of each."""
    if status is not None and status not in STATUSES:
        raise Rejected(
            "invalid_request", "status must be one of %(statuses)s", statuses=", ".join(STATUSES)
        )
    with node.reading() as state:
        submitters = [expense["submitter"] for _id, expense in state.items(EXPENSES)]
    people = names(node, submitters)  # reads the state itself: never inside ``reading``
    with node.reading() as state:
        funds = funds_of(state)
        if fund is not None and fund not in funds:
            raise Rejected("not_found", "there is no fund %(fund)s", fund=repr(fund))
        found = [
            {
                **expense,
                "fund_title": funds.get(expense["fund"], {}).get("title", expense["fund"]),
                "submitter_name": name_or_short(people, expense["submitter"]),
            }
            for _id, expense in sorted(state.items(EXPENSES), reverse=True)
            if status in (None, expense["status"]) and fund in (None, expense["fund"])
        ]
        counts = status_counts(state)
        required = current_policy(state)["approvals_required"]
    return {
        "expenses": found,
        "counts": counts,
        "status": status,
        "fund": fund,
        "funds": funds,
        "required": required,
        "unit_records": unit_records(node),
    }


def expense_page(node: Node, expense_id: int, viewer: str | None) -> dict[str, Any]:
    """One expense: its items, receipts, history in words, the fund's balance, and what the
    viewer may do with it — and, for each thing they may not, why."""
    with node.reading() as state:
        shown: dict[str, Any] = dict(state.get(EXPENSES, expense_id) or {})
    people = names(
        node,
        [
            shown.get("submitter"),
            shown.get("payee"),
            *shown.get("approvals", []),
            *(step["by"] for step in shown.get("history", [])),
        ],
    )
    with node.dry_run() as rules:
        state = rules.state
        record: dict[str, Any] | None = state.get(EXPENSES, expense_id)
        if record is None:
            raise Rejected("not_found", "there is no expense %(expense_id)s", expense_id=expense_id)
        funds = funds_of(state)
        required = current_policy(state)["approvals_required"]
        held = balance(state, f"fund:{record['fund']}", record["unit"])
        may = expense_actions(rules, record, viewer, required=required, held=held)
        budget_line = _line_title(state, record["fund"], record["unit"], record["line"])
    history = []
    approvals = 0
    for step in record["history"]:
        approvals += step["action"] == "approved"
        history.append(
            {
                **step,
                "words": _(STEP_WORDS[step["action"]])
                if step["action"] in STEP_WORDS
                else step["action"].capitalize(),
                "name": name_or_short(people, step["by"]),
                "approval": approvals if step["action"] == "approved" else None,
            }
        )
    return {
        "expense": record,
        "history": history,
        "status_words": _(STATUS_WORDS[record["status"]]),
        "required": required,
        "fund_title": funds.get(record["fund"], {}).get("title", record["fund"]),
        "fund_balance": held,
        "line_title": budget_line,
        "submitter_name": name_or_short(people, record["submitter"]),
        "payee_name": name_or_short(people, record["payee"]),
        "approvers": [
            {"did": did, "name": name_or_short(people, did)} for did in record["approvals"]
        ],
        "may": may,
        "unit_records": unit_records(node),
    }


EXPENSE_ACTIONS = {
    "submit": SUBMITTED,
    "cancel": CANCELLED_EVENT,
    "approve": APPROVED_EVENT,
    "reject": REJECTED_EVENT,
    "pay": PAID_EVENT,
}
"""The page's buttons, and the event each sends."""
STILL_A_DRAFT = N_("It is still a draft: only its submitter can send it for approval.")
NOT_A_TREASURER = N_(
    "Treasurers — members whose role carries the treasury.spend permission — approve, "
    "reject and pay expenses; you do not hold it."
)


def expense_actions(
    rules: DryRun, expense: dict[str, Any], viewer: str | None, *, required: int, held: int
) -> dict[str, Any]:
    """What ``viewer`` may do with ``expense`` now — each button offered exactly when the
    node would accept its event (:mod:`commonweal.node.kernel.dry_run`) — and, for the
    treasurer's actions they may not take, why, in words chosen by the rule's refusal.

    Paying is asked for the most the fund can pay now (the form lets a treasurer pay
    less than approved), by bank transfer (the form's default)."""
    ref = {"expense": expense["id"]}
    most = max(1, min(expense["amount"], held))
    verdicts = ask_each(
        rules,
        viewer,
        {
            name: (event, {**ref, "amount": most} if name == "pay" else ref)
            for name, event in EXPENSE_ACTIONS.items()
        },
    )
    may: dict[str, Any] = {name: verdict.ok for name, verdict in verdicts.items()}
    may["why_not"] = _why_not(expense, viewer, verdicts, required)
    return may


def _why_not(
    expense: dict[str, Any], viewer: str | None, verdicts: dict[str, Verdict], required: int
) -> list[str]:
    """Why the treasurer's actions are missing, from the refusal of the one that matters
    now (approving while it waits, paying once approved)."""
    status = expense["status"]
    if viewer is None or status in (PAID, REJECTED, CANCELED):
        return []
    if status == DRAFT:
        if viewer == expense["submitter"]:
            return []
        return [_(STILL_A_DRAFT)]
    decisive = verdicts["approve"] if status == PENDING else verdicts["pay"]
    if decisive.code in ("forbidden", "not_a_member", "suspended"):
        return [_(NOT_A_TREASURER)]
    if decisive.code == "own_expense":
        if viewer == expense["submitter"]:
            own = _(
                "You submitted this expense, so you cannot approve or pay it: another "
                "treasurer must. Nobody approves or pays their own expense."
            )
        else:
            own = _(
                "You are to be paid by this expense, so you cannot approve or pay it: another "
                "treasurer must. Nobody approves or pays their own expense."
            )
        return [own]
    why = []
    if decisive.code == "already_approved":
        left = required - len(expense["approvals"])
        why.append(
            ngettext(
                "You have approved it; it needs %(num)s more treasurer's approval.",
                "You have approved it; it needs %(num)s more treasurers' approvals.",
                left,
            )
        )
    elif not decisive.ok and status == APPROVED:
        why.append(said.refusal_sentence(decisive.template or decisive.detail, decisive.params))
    if status == PENDING:
        why.append(_("It is paid once it is approved."))
    return why


def expense_form(node: Node) -> dict[str, Any]:
    """What the new-expense form offers: funds, units, budget lines, and payees."""
    with node.reading() as state:
        funds = funds_of(state)
        lines = [
            {
                "fund": budget["fund"],
                "unit": budget["unit"],
                "budget": budget["name"],
                "line": item["line"],
                "title": item["title"],
            }
            for _key, budget in sorted(state.items(BUDGETS))
            for item in budget["lines"]
        ]
        units = [u for _c, u in sorted(state.items(UNITS))]
    return {
        "funds": funds,
        "units": units,
        "lines": lines,
        "members": active_members(node),
        "unit_records": unit_records(node),
    }


def _line_title(state: State, fund: str, unit: str, line: str) -> str:
    if not line:
        return ""
    for _key, budget in sorted(state.items(BUDGETS)):
        if budget["fund"] == fund and budget["unit"] == unit:
            for item in budget["lines"]:
                if item["line"] == line:
                    return str(item["title"])
    return line
