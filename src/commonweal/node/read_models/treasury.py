"""The treasury as its pages show it: what the node holds, the ledger told in words,
expenses with who may act on them and why not, and the forms' choices.

Reads only, over the projection. Amounts stay whole minor units (the pages format
them in the unit's decimals); accounts and people are named as a person would name
them ("Garden fund", "Amara Okafor"), each beside the account's real name.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.credit.limits import POLICIES
from commonweal.domain.membership.records import ACTIVE, MEMBERS, permissions_of
from commonweal.domain.state import State
from commonweal.domain.treasury.accounts import kind_of, member_of
from commonweal.domain.treasury.budgets import budget_vs_actual
from commonweal.domain.treasury.expenses import (
    APPROVED,
    CANCELED,
    DRAFT,
    PAID,
    PENDING,
    REJECTED,
    STATUSES,
)
from commonweal.domain.treasury.ledger import balance, balances_in, limits_of
from commonweal.domain.treasury.policy import current_policy
from commonweal.domain.treasury.records import (
    BALANCES,
    BUDGETS,
    ENTRIES,
    EXPENSES,
    FUNDS,
    SPEND,
    UNITS,
)
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import membership

LEDGER_PAGE = 50
RECENT = 8
INCOME_SOURCES = ("dues", "donation", "grant", "bank_transfer", "sale", "refund", "other")
STATUS_WORDS = {
    DRAFT: "Draft",
    PENDING: "Waiting for approval",
    APPROVED: "Approved, to be paid",
    PAID: "Paid",
    REJECTED: "Rejected",
    CANCELED: "Cancelled",
}
STEP_WORDS = {
    "drafted": "Drafted",
    "submitted": "Submitted for approval",
    "approved": "Approved",
    "rejected": "Rejected",
    "cancelled": "Cancelled",
    "paid": "Paid",
}
KIND_WORDS = {
    "transfer": "Transfer",
    "expense": "Expense paid",
    "decision": "Decided by the assembly",
    "settlement": "Debt settled",
    "demurrage": "Demurrage",
    "aid": "Mutual aid settled",
    "campaign": "Campaign",
    "round": "Funding round",
    "pool": "Conviction pool",
    "deposit": "Deposit",
}
ACCOUNT_WORDS = {"node": "General treasury", "external": "Outside the books"}


def names(node: Node) -> dict[str, str]:
    """Every known member's public name (or nothing, for those who keep it private)."""
    return {entry["did"]: entry["name"] for entry in membership.directory(node) if entry["name"]}


def account_words(account: str, funds: dict[str, Any], people: dict[str, str]) -> str:
    """An account as a person names it: "General treasury", "Garden fund", "Amara Okafor"."""
    if account in ACCOUNT_WORDS:
        return ACCOUNT_WORDS[account]
    if kind_of(account) == "fund":
        fund = funds.get(account[5:])
        return str(fund["title"]) if fund else account
    did = member_of(account)
    if did is not None:
        return people.get(did) or _short(did)
    return account


def kind_words(kind: str) -> str:
    """What moved the money, in words: ``income:dues`` is "Income: dues"."""
    if kind.startswith("income:"):
        return "Income: " + kind[7:].replace("_", " ")
    return KIND_WORDS.get(kind, kind.replace("_", " ").replace(":", ": ").capitalize())


def overview_page(node: Node, viewer: str | None) -> dict[str, Any]:
    """The treasury page: per unit what the node and each fund hold, the members' total and
    the world outside; recent movements; budgets against actual; the viewer's own balances."""
    people = names(node)
    with node.reading() as state:
        funds = _funds(state)
        units = []
        for code, unit in sorted(state.items(UNITS)):
            held = dict(balances_in(state, str(code)))
            accounts = [{"account": "node", "title": ACCOUNT_WORDS["node"]}] + [
                {"account": f"fund:{slug}", "title": fund["title"], "about": fund["description"]}
                for slug, fund in funds.items()
            ]
            for row in accounts:
                row["balance"] = held.get(row["account"], 0)
            units.append(
                {
                    **unit,
                    "credit": state.get(POLICIES, code) is not None,
                    "accounts": accounts,
                    "treasury": sum(row["balance"] for row in accounts),
                    "members": sum(v for a, v in held.items() if kind_of(a) == "member"),
                    "external": held.get("external", 0),
                    "books": sum(held.values()),
                }
            )
        recent = [
            describe(entry, funds, people)
            for _i, entry in _newest(state, None, None, None, RECENT)[0]
        ]
        budgets = [
            budget_vs_actual(state, str(key[0]), str(key[1]))  # type: ignore[index]
            for key, _budget in sorted(state.items(BUDGETS))
        ]
        counts = _status_counts(state)
        mine = _own_balances(state, viewer) if viewer else []
        policy = current_policy(state)
    for budget in budgets:
        budget["fund_title"] = funds.get(budget["fund"], {}).get("title", budget["fund"])
    return {
        "units": units,
        "unit_records": _unit_records(node),
        "recent": recent,
        "budgets": budgets,
        "counts": counts,
        "mine": mine,
        "policy": policy,
    }


def ledger_page(
    node: Node,
    *,
    unit: str | None = None,
    account: str | None = None,
    before: int | None = None,
    limit: int = LEDGER_PAGE,
) -> dict[str, Any]:
    """Ledger entries, newest first, before the entry ``before``; cursors for older and newer.

    (The API pages oldest first for auditors reading it all; a person starts at today.)
    """
    people = names(node)
    with node.reading() as state:
        if unit is not None and state.get(UNITS, unit) is None:
            raise Rejected("not_found", f"this node has declared no unit {unit}")
        funds = _funds(state)
        page, older, newer = _newest(state, unit, account, before, limit)
        entries = [describe(entry, funds, people) for _i, entry in page]
        choices = _account_choices(state, funds, people)
    return {
        "entries": entries,
        "older": older,
        "newer": newer,
        "unit": unit,
        "account": account,
        "account_title": account_words(account, funds, people) if account else None,
        "accounts": choices,
        "unit_records": _unit_records(node),
    }


def describe(
    entry: dict[str, Any], funds: dict[str, Any], people: dict[str, str]
) -> dict[str, Any]:
    """A ledger entry in words: from whom to whom, how much, why, and what it points to."""
    postings = [
        {**p, "title": account_words(p["account"], funds, people)} for p in entry["postings"]
    ]
    out = [p for p in postings if p["amount"] < 0]
    into = [p for p in postings if p["amount"] > 0]
    return {
        **entry,
        "postings": postings,
        "kind_words": kind_words(entry["kind"]),
        "amount": sum(p["amount"] for p in into),
        "from": ", ".join(p["title"] for p in out),
        "to": ", ".join(p["title"] for p in into),
        "link": _reference(entry),
    }


def expenses_page(node: Node, *, status: str | None, fund: str | None) -> dict[str, Any]:
    """Expenses of one status (or all), newest first, with how many there are of each."""
    if status is not None and status not in STATUSES:
        raise Rejected("invalid_request", f"status must be one of {', '.join(STATUSES)}")
    people = names(node)
    with node.reading() as state:
        funds = _funds(state)
        if fund is not None and fund not in funds:
            raise Rejected("not_found", f"there is no fund {fund!r}")
        found = [
            {
                **expense,
                "fund_title": funds.get(expense["fund"], {}).get("title", expense["fund"]),
                "submitter_name": _name(people, expense["submitter"]),
            }
            for _id, expense in sorted(state.items(EXPENSES), reverse=True)
            if status in (None, expense["status"]) and fund in (None, expense["fund"])
        ]
        counts = _status_counts(state)
        required = current_policy(state)["approvals_required"]
    return {
        "expenses": found,
        "counts": counts,
        "status": status,
        "fund": fund,
        "funds": funds,
        "required": required,
        "unit_records": _unit_records(node),
    }


def expense_page(node: Node, expense_id: int, viewer: str | None) -> dict[str, Any]:
    """One expense: its items, receipts, history in words, the fund's balance, and what the
    viewer may do with it — and, for each thing they may not, why."""
    people = names(node)
    with node.reading() as state:
        record: dict[str, Any] | None = state.get(EXPENSES, expense_id)
        if record is None:
            raise Rejected("not_found", f"there is no expense {expense_id}")
        funds = _funds(state)
        required = current_policy(state)["approvals_required"]
        held = balance(state, f"fund:{record['fund']}", record["unit"])
        member = state.get(MEMBERS, viewer) if viewer else None
        rights = sorted(permissions_of(state, viewer)) if viewer else []
        budget_line = _line_title(state, record["fund"], record["unit"], record["line"])
    history = []
    approvals = 0
    for step in record["history"]:
        approvals += step["action"] == "approved"
        history.append(
            {
                **step,
                "words": STEP_WORDS.get(step["action"], step["action"].capitalize()),
                "name": _name(people, step["by"]),
                "approval": approvals if step["action"] == "approved" else None,
            }
        )
    active = bool(member and member["status"] == ACTIVE)
    return {
        "expense": record,
        "history": history,
        "status_words": STATUS_WORDS[record["status"]],
        "required": required,
        "fund_title": funds.get(record["fund"], {}).get("title", record["fund"]),
        "fund_balance": held,
        "line_title": budget_line,
        "submitter_name": _name(people, record["submitter"]),
        "payee_name": _name(people, record["payee"]),
        "approvers": [{"did": did, "name": _name(people, did)} for did in record["approvals"]],
        "may": expense_actions(
            record, viewer, active=active, permissions=rights, required=required
        ),
        "unit_records": _unit_records(node),
    }


def expense_actions(
    expense: dict[str, Any],
    viewer: str | None,
    *,
    active: bool,
    permissions: list[str],
    required: int,
) -> dict[str, Any]:
    """What ``viewer`` may do with ``expense`` now, and why each treasurer's action they
    may not take is missing (the rules of domain/treasury/expenses.py, said in advance)."""
    may: dict[str, Any] = {
        "submit": False,
        "cancel": False,
        "approve": False,
        "reject": False,
        "pay": False,
        "why_not": [],
    }
    status = expense["status"]
    if viewer is None or status in (PAID, REJECTED, CANCELED):
        return may
    why: list[str] = may["why_not"]
    submitter = viewer == expense["submitter"]
    if submitter:
        may["submit"] = status == DRAFT and active
        may["cancel"] = True
    if status == DRAFT:
        if not submitter:
            why.append("It is still a draft: only its submitter can send it for approval.")
        return may
    if not (active and SPEND in permissions):
        why.append(
            "Treasurers — members whose role carries the treasury.spend permission — approve, "
            "reject and pay expenses; you do not hold it."
        )
        return may
    if viewer in (expense["submitter"], expense["payee"]):
        own = "submitted" if submitter else "are to be paid by"
        why.append(
            f"You {own} this expense, so you cannot approve, reject or pay it: another "
            "treasurer must. Nobody decides on their own expense."
        )
        return may
    may["reject"] = True
    if status == PENDING:
        if viewer in expense["approvals"]:
            left = required - len(expense["approvals"])
            why.append(
                f"You have approved it; it needs {left} more "
                + ("treasurer's approval." if left == 1 else "treasurers' approvals.")
            )
        else:
            may["approve"] = True
        why.append("It is paid once it is approved.")
    if status == APPROVED:
        may["pay"] = True
    return may


def expense_form(node: Node) -> dict[str, Any]:
    """What the new-expense form offers: funds, units, budget lines, and payees."""
    with node.reading() as state:
        funds = _funds(state)
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
        "members": _active_members(node),
        "unit_records": _unit_records(node),
    }


def transfer_form(node: Node, viewer: str) -> dict[str, Any]:
    """The viewer's balances (with their limits) and where they may send money."""
    with node.reading() as state:
        funds = _funds(state)
        mine = _own_balances(state, viewer)
        member = state.get(MEMBERS, viewer)
    return {
        "mine": mine,
        "funds": funds,
        "members": [m for m in _active_members(node) if m["did"] != viewer],
        "active": bool(member and member["status"] == ACTIVE),
        "unit_records": _unit_records(node),
    }


def income_form(node: Node) -> dict[str, Any]:
    """What the income form offers: the node and its funds, the units, kinds of income."""
    with node.reading() as state:
        funds = _funds(state)
        units = [u for _c, u in sorted(state.items(UNITS)) if u["kind"] == "fiat"]
        units = units or [u for _c, u in sorted(state.items(UNITS))]
    return {
        "funds": funds,
        "units": units,
        "sources": INCOME_SOURCES,
        "unit_records": _unit_records(node),
    }


def _unit_records(node: Node) -> dict[str, dict[str, Any]]:
    with node.reading() as state:
        return {str(code): dict(unit) for code, unit in state.items(UNITS)}


def _funds(state: State) -> dict[str, Any]:
    return {str(slug): fund for slug, fund in sorted(state.items(FUNDS))}


def _newest(
    state: State, unit: str | None, account: str | None, before: int | None, limit: int
) -> tuple[list[tuple[int, dict[str, Any]]], int | None, int | None]:
    """A page of entries, newest first, strictly before ``before``; the ``before`` cursors of
    the older page and of the newer one (-1 meaning "the newest page")."""
    table = state.table(ENTRIES)
    ids = sorted((int(key) for key in table), reverse=True)  # type: ignore[call-overload]
    matching = [i for i in ids if _selected(table[i], unit, account)]
    start = (
        0
        if before is None
        else next((n for n, i in enumerate(matching) if i < before), len(matching))
    )
    page = [(i, table[i]) for i in matching[start : start + limit]]
    older = page[-1][0] if start + limit < len(matching) and page else None
    newer = None
    if start > 0:
        back = start - limit
        newer = matching[back - 1] if back > 0 else -1
    return page, older, newer


def _selected(entry: dict[str, Any], unit: str | None, account: str | None) -> bool:
    if unit is not None and entry["unit"] != unit:
        return False
    return account is None or any(p["account"] == account for p in entry["postings"])


def _reference(entry: dict[str, Any]) -> dict[str, str] | None:
    """The page about what is behind an entry: its expense, its obligation."""
    ref = entry["ref"]
    if ref is None:
        return None
    if entry["kind"] == "expense":
        return {"href": f"/treasury/expenses/{ref}", "text": f"expense {ref}"}
    if entry["kind"] == "settlement":
        return {"href": f"/credit/{entry['unit']}#obligation-{ref}", "text": f"obligation {ref}"}
    return None


def _status_counts(state: State) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for _id, expense in state.items(EXPENSES):
        counts[expense["status"]] += 1
    return counts


def _own_balances(state: State, did: str) -> list[dict[str, Any]]:
    account = f"member:{did}"
    rows = []
    for code, unit in sorted(state.items(UNITS)):
        limits = limits_of(state, account, str(code))
        low, high = limits if limits is not None else (0, None)
        value = balance(state, account, str(code))
        rows.append(
            {
                "unit": code,
                "kind": unit["kind"],
                "balance": value,
                "min": low,
                "max": high,
                "can_pay": max(value - low, 0),
                "credit": state.get(POLICIES, code) is not None,
            }
        )
    return rows


def _account_choices(
    state: State, funds: dict[str, Any], people: dict[str, str]
) -> list[dict[str, str]]:
    """Accounts to filter the ledger by: the node, each fund, outside, each member with a
    balance in some unit."""
    held = {str(key[0]) for key, _value in state.items(BALANCES)}  # type: ignore[index]
    members = sorted(account for account in held if kind_of(account) == "member")
    names_in_order = ["node", *(f"fund:{slug}" for slug in funds), "external"]
    choices = [{"account": a, "title": account_words(a, funds, people)} for a in names_in_order]
    members_titled = sorted(
        ({"account": a, "title": account_words(a, funds, people)} for a in members),
        key=lambda row: row["title"].lower(),
    )
    return choices + members_titled


def _active_members(node: Node) -> list[dict[str, Any]]:
    found = [
        {"did": entry["did"], "name": entry["name"] or _short(entry["did"])}
        for entry in membership.directory(node)
        if entry["status"] == ACTIVE
    ]
    return sorted(found, key=lambda row: row["name"].lower())


def _line_title(state: State, fund: str, unit: str, line: str) -> str:
    if not line:
        return ""
    for _key, budget in sorted(state.items(BUDGETS)):
        if budget["fund"] == fund and budget["unit"] == unit:
            for item in budget["lines"]:
                if item["line"] == line:
                    return str(item["title"])
    return line


def _name(people: dict[str, str], did: str) -> str:
    return people.get(did) or _short(did)


def _short(did: str) -> str:
    return did[8:16] + "…" + did[-4:] if did.startswith("did:key:") and len(did) > 24 else did
