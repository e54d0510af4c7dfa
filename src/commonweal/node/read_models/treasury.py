"""The treasury as its pages show it: what the node holds, the ledger told in words,
expenses with who may act on them and why not, and the forms' choices.

Reads only, over the projection. Amounts stay whole minor units (the pages format
them in the unit's decimals); accounts and people are named as a person would name
them ("Garden fund", "Amara Okafor"), each beside the account's real name.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.credit.limits import POLICIES
from commonweal.domain.membership.records import ACTIVE, MEMBERS
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
from commonweal.domain.treasury.records import BALANCES, BUDGETS, ENTRIES, EXPENSES, FUNDS, UNITS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.names import name_or_short, short_did
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
        return name_or_short(people, did)
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
        funds = funds_of(state)
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
        counts = status_counts(state)
        mine = _own_balances(state, viewer) if viewer else []
        policy = current_policy(state)
    for budget in budgets:
        budget["fund_title"] = funds.get(budget["fund"], {}).get("title", budget["fund"])
    return {
        "units": units,
        "unit_records": unit_records(node),
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
        funds = funds_of(state)
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
        "unit_records": unit_records(node),
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


def transfer_form(node: Node, viewer: str) -> dict[str, Any]:
    """The viewer's balances (with their limits) and where they may send money."""
    with node.reading() as state:
        funds = funds_of(state)
        mine = _own_balances(state, viewer)
        member = state.get(MEMBERS, viewer)
    return {
        "mine": mine,
        "funds": funds,
        "members": [m for m in active_members(node) if m["did"] != viewer],
        "active": bool(member and member["status"] == ACTIVE),
        "unit_records": unit_records(node),
    }


def income_form(node: Node) -> dict[str, Any]:
    """What the income form offers: the node and its funds, the units, kinds of income."""
    with node.reading() as state:
        funds = funds_of(state)
        units = [u for _c, u in sorted(state.items(UNITS)) if u["kind"] == "fiat"]
        units = units or [u for _c, u in sorted(state.items(UNITS))]
    return {
        "funds": funds,
        "units": units,
        "sources": INCOME_SOURCES,
        "unit_records": unit_records(node),
    }


def unit_records(node: Node) -> dict[str, dict[str, Any]]:
    with node.reading() as state:
        return {str(code): dict(unit) for code, unit in state.items(UNITS)}


def funds_of(state: State) -> dict[str, Any]:
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


def status_counts(state: State) -> dict[str, int]:
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


def active_members(node: Node) -> list[dict[str, Any]]:
    found = [
        {"did": entry["did"], "name": entry["name"] or short_did(entry["did"])}
        for entry in membership.directory(node)
        if entry["status"] == ACTIVE
    ]
    return sorted(found, key=lambda row: row["name"].lower())
