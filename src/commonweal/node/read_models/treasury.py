"""The treasury as its pages show it: what the node holds, the ledger told in words,
expenses with who may act on them and why not, and the forms' choices.

Reads only, over the projection. Amounts stay whole minor units (the pages format
them in the unit's decimals); accounts and people are named as a person would name
them ("Garden fund", "Amara Okafor"), each beside the account's real name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from commonweal.core.language import N_, _
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
from commonweal.domain.treasury.records import BUDGETS, EXPENSES, FUNDS, UNITS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.names import name_or_short, short_did
from commonweal.node.services import member_directory, membership
from commonweal.node.services.treasury import entries_page

LEDGER_PAGE = 50
MAX_LEDGER_PAGE = 500
RECENT = 8
INCOME_SOURCES = ("dues", "donation", "grant", "bank_transfer", "sale", "refund", "other")
# English, marked for the catalogues: the pages translate them where they are shown
# ({{ _(words) }}), and the functions below in the language being spoken.
STATUS_WORDS = {
    DRAFT: N_("Draft"),
    PENDING: N_("Waiting for approval"),
    APPROVED: N_("Approved, to be paid"),
    PAID: N_("Paid"),
    REJECTED: N_("Rejected"),
    CANCELED: N_("Cancelled"),
}
KIND_WORDS = {
    "transfer": N_("Transfer"),
    "expense": N_("Expense paid"),
    "decision": N_("Decided by the assembly"),
    "settlement": N_("Debt settled"),
    "demurrage": N_("Demurrage"),
    "aid": N_("Mutual aid settled"),
    "campaign": N_("Campaign"),
    "round": N_("Funding round"),
    "pool": N_("Conviction pool"),
    "deposit": N_("Deposit"),
}
INCOME_WORDS = {
    "dues": N_("Dues"),
    "donation": N_("Donation"),
    "grant": N_("Grant"),
    "bank_transfer": N_("Bank transfer"),
    "sale": N_("Sale"),
    "refund": N_("Refund"),
    "other": N_("Other"),
}
ACCOUNT_WORDS = {"node": N_("General treasury"), "external": N_("Outside the books")}


def names(node: Node, dids: Iterable[str | None] = ()) -> dict[str, str]:
    """The public names of those of ``dids`` who show one (one query, however many
    members the node has)."""
    return member_directory.names_of(node, (did for did in dids if did))


def people_in(entries: Iterable[dict[str, Any]]) -> set[str]:
    """The members whose accounts ledger ``entries`` post to."""
    return {
        did
        for entry in entries
        for posting in entry["postings"]
        if (did := member_of(posting["account"])) is not None
    }


def account_words(account: str, funds: dict[str, Any], people: dict[str, str]) -> str:
    """An account as a person names it: "General treasury", "Garden fund", "Amara Okafor"."""
    if account in ACCOUNT_WORDS:
        return _(ACCOUNT_WORDS[account])
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
        source = kind[7:]
        words = _(INCOME_WORDS[source]).lower() if source in INCOME_WORDS else source
        return _("Income: %(source)s", source=words.replace("_", " "))
    if kind in KIND_WORDS:
        return _(KIND_WORDS[kind])
    return kind.replace("_", " ").replace(":", ": ").capitalize()


def overview_page(node: Node, viewer: str | None) -> dict[str, Any]:
    """The treasury page: per unit what the node and each fund hold, the members' total and
    the world outside; recent movements; budgets against actual; the viewer's own balances."""
    latest = entries_page(node, before=None, limit=RECENT).entries
    people = names(node, people_in(latest))
    with node.reading() as state:
        funds = funds_of(state)
        units = []
        for code, unit in sorted(state.items(UNITS)):
            held = dict(balances_in(state, str(code)))
            accounts = [{"account": "node", "title": _(ACCOUNT_WORDS["node"])}] + [
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
        recent = [describe(entry, funds, people) for entry in latest]
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
    """Ledger entries, newest first, before the entry ``before``; ``older``: the entry the
    next page starts before (the pages' cursor), None on the last page.

    (The API pages oldest first for auditors reading it all; a person starts at today.)
    The page names only the people its entries and the chosen account concern.
    """
    with node.reading() as state:
        if unit is not None and state.get(UNITS, unit) is None:
            raise Rejected("not_found", "this node has declared no unit %(unit)s", unit=unit)
    page = entries_page(node, unit=unit, account=account, before=before, limit=limit)
    shown = people_in(page.entries)
    people = names(node, [*shown, member_of(account) if account else None])
    with node.reading() as state:
        funds = funds_of(state)
        entries = [describe(entry, funds, people) for entry in page.entries]
        choices = _account_choices(funds, people, shown | _member_set(account))
    return {
        "entries": entries,
        "older": page.next,
        "unit": unit,
        "account": account,
        "account_title": account_words(account, funds, people) if account else None,
        "accounts": choices,
        "unit_records": unit_records(node),
    }


def _member_set(account: str | None) -> set[str]:
    did = member_of(account) if account else None
    return {did} if did else set()


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
        "source_words": INCOME_WORDS,
        "unit_records": unit_records(node),
    }


def unit_records(node: Node) -> dict[str, dict[str, Any]]:
    with node.reading() as state:
        return {str(code): dict(unit) for code, unit in state.items(UNITS)}


def funds_of(state: State) -> dict[str, Any]:
    return {str(slug): fund for slug, fund in sorted(state.items(FUNDS))}


def _reference(entry: dict[str, Any]) -> dict[str, str] | None:
    """The page about what is behind an entry: its expense, its obligation."""
    ref = entry["ref"]
    if ref is None:
        return None
    if entry["kind"] == "expense":
        return {"href": f"/treasury/expenses/{ref}", "text": _("expense %(id)s", id=ref)}
    if entry["kind"] == "settlement":
        href = f"/credit/{entry['unit']}#obligation-{ref}"
        return {"href": href, "text": _("obligation %(id)s", id=ref)}
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
    funds: dict[str, Any], people: dict[str, str], members: set[str]
) -> list[dict[str, str]]:
    """Accounts to filter the ledger by: the node, each fund, outside, and the members this
    page shows (any other member's account: by its name, ``member:<did>``, in the URL)."""
    names_in_order = ["node", *(f"fund:{slug}" for slug in funds), "external"]
    choices = [{"account": a, "title": account_words(a, funds, people)} for a in names_in_order]
    members_titled = sorted(
        (
            {"account": f"member:{did}", "title": account_words(f"member:{did}", funds, people)}
            for did in members
        ),
        key=lambda row: (row["title"].lower(), row["account"]),
    )
    return choices + members_titled


def active_members(node: Node) -> list[dict[str, Any]]:
    found = [
        {"did": entry["did"], "name": entry["name"] or short_did(entry["did"])}
        for entry in membership.directory(node)
        if entry["status"] == ACTIVE
    ]
    return sorted(found, key=lambda row: row["name"].lower())
