"""The treasury as the node shows it: units, accounts and balances, the ledger, its export,
expenses, and budgets against actual spending (all reads of the projection)."""

from __future__ import annotations

import bisect
import csv
import io
from typing import Any

from commonweal.domain.errors import DomainError
from commonweal.domain.state import State
from commonweal.domain.treasury.accounts import is_escrow, kind_of, parse_account
from commonweal.domain.treasury.budgets import budget_vs_actual
from commonweal.domain.treasury.expenses import STATUSES
from commonweal.domain.treasury.ledger import balance, balances_in, limits_of
from commonweal.domain.treasury.policy import current_policy
from commonweal.domain.treasury.records import BUDGETS, ENTRIES, EXPENSES, FUNDS, UNITS
from commonweal.domain.treasury.units import format_amount
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node

MAX_PAGE = 1000
CSV_COLUMNS = (
    "entry",
    "received",
    "unit",
    "account",
    "amount_minor",
    "amount",
    "kind",
    "type",
    "author",
    "ref",
    "line",
    "memo",
    "evidence",
)


def overview(node: Node) -> dict[str, Any]:
    """Units, funds, the policy, and per unit what the node and its funds hold, what members
    hold, what campaigns, rounds, pools and deposits hold in escrow, and ``external``."""
    with node.reading() as state:
        units = [unit for _code, unit in sorted(state.items(UNITS))]
        funds = [fund for _slug, fund in sorted(state.items(FUNDS))]
        totals = []
        for unit in units:
            held = balances_in(state, unit["code"])
            treasury = sum(v for a, v in held if kind_of(a) in ("node", "fund"))
            totals.append(
                {
                    "unit": unit["code"],
                    "treasury": _money(treasury, unit),
                    "members": _money(sum(v for a, v in held if kind_of(a) == "member"), unit),
                    "escrow": _money(sum(v for a, v in held if is_escrow(a)), unit),
                    "external": _money(balance(state, "external", unit["code"]), unit),
                    "books": sum(v for _a, v in held),
                }
            )
        return {"units": units, "funds": funds, "policy": current_policy(state), "totals": totals}


def accounts(node: Node, unit: str | None = None) -> list[dict[str, Any]]:
    """Every account with a balance (the node and every fund always), by unit."""
    with node.reading() as state:
        codes = [unit] if unit else [str(code) for code, _u in sorted(state.items(UNITS))]
        found = []
        for code in codes:
            record = _unit(state, code)
            held = dict(balances_in(state, code))
            names = {"node", *(f"fund:{slug}" for slug, _f in state.items(FUNDS)), *held}
            for account in sorted(names):
                found.append(_account_row(state, account, record, held.get(account, 0)))
        return found


def account(node: Node, name: str) -> dict[str, Any]:
    """One account's balance in every unit, with its limits."""
    try:
        parse_account(name)
    except DomainError as error:
        raise Rejected("invalid_request", error.message) from None
    with node.reading() as state:
        rows = [
            _account_row(state, name, unit, balance(state, name, str(code)))
            for code, unit in sorted(state.items(UNITS))
        ]
        return {"account": name, "kind": kind_of(name), "balances": rows}


def ledger(
    node: Node,
    *,
    unit: str | None = None,
    account: str | None = None,
    after: int | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    """Ledger entries in log order, from after ``after``; ``next`` is the cursor for more."""
    if not 1 <= limit <= MAX_PAGE:
        raise Rejected("invalid_request", f"limit must be from 1 to {MAX_PAGE}")
    with node.reading() as state:
        table = state.table(ENTRIES)
        keys: list[int] = sorted(int(key) for key in table)  # type: ignore[call-overload]
        start = 0 if after is None else bisect.bisect_right(keys, after)
        page = []
        for key in keys[start:]:
            entry = table[key]
            if _selected(entry, unit, account):
                page.append(entry)
                if len(page) > limit:
                    break
        more = len(page) > limit
        page = page[:limit]
        return {
            "entries": [_with_formatted(state, e) for e in page],
            "next": page[-1]["id"] if more and page else None,
        }


def export_json(node: Node, *, unit: str | None = None) -> dict[str, Any]:
    """The whole ledger (or one unit's), with the units' definitions, for auditors."""
    with node.reading() as state:
        units = [u for code, u in sorted(state.items(UNITS)) if unit in (None, code)]
        return {
            "node": node.identity.did,
            "size": node.size,
            "units": units,
            "entries": _entries(state, unit, None),
        }


def export_csv(node: Node, *, unit: str | None = None) -> str:
    """The ledger as CSV, one row per posting; every entry's rows sum to zero."""
    document = export_json(node, unit=unit)
    exponents = {u["code"]: u["exponent"] for u in document["units"]}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in document["entries"]:
        for posting in entry["postings"]:
            writer.writerow(
                (
                    entry["id"],
                    entry["received"],
                    entry["unit"],
                    posting["account"],
                    posting["amount"],
                    format_amount(posting["amount"], exponents[entry["unit"]]),
                    entry["kind"],
                    entry["type"],
                    entry["author"],
                    "" if entry["ref"] is None else entry["ref"],
                    entry["line"],
                    entry["memo"],
                    entry["evidence"],
                )
            )
    return out.getvalue()


def expenses(node: Node, *, status: str | None = None, fund: str | None = None) -> list[Any]:
    """Expenses, newest first, optionally of one status or fund."""
    if status is not None and status not in STATUSES:
        raise Rejected("invalid_request", f"status must be one of {', '.join(STATUSES)}")
    with node.reading() as state:
        return [
            expense
            for _id, expense in sorted(state.items(EXPENSES), reverse=True)
            if status in (None, expense["status"]) and fund in (None, expense["fund"])
        ]


def expense(node: Node, expense_id: int) -> dict[str, Any]:
    """One expense with its approvals and history."""
    with node.reading() as state:
        record: dict[str, Any] | None = state.get(EXPENSES, expense_id)
        if record is None:
            raise Rejected("not_found", f"there is no expense {expense_id}")
        required = current_policy(state)["approvals_required"]
        return {**record, "approvals_required": required}


def budgets(node: Node) -> list[dict[str, Any]]:
    """Every budget, with its totals against actual spending."""
    with node.reading() as state:
        return [
            budget_vs_actual(state, str(key[0]), str(key[1]))  # type: ignore[index]
            for key, _budget in sorted(state.items(BUDGETS))
        ]


def budget(node: Node, fund: str, name: str) -> dict[str, Any]:
    """One budget, line by line: budgeted, actual, remaining."""
    with node.reading() as state:
        try:
            return budget_vs_actual(state, fund, name)
        except DomainError as error:
            raise Rejected("not_found", error.message) from None


def _entries(state: State, unit: str | None, account: str | None) -> list[dict[str, Any]]:
    return [entry for _i, entry in sorted(state.items(ENTRIES)) if _selected(entry, unit, account)]


def _selected(entry: dict[str, Any], unit: str | None, account: str | None) -> bool:
    if unit is not None and entry["unit"] != unit:
        return False
    return account is None or any(p["account"] == account for p in entry["postings"])


def _with_formatted(state: State, entry: dict[str, Any]) -> dict[str, Any]:
    exponent = state.get(UNITS, entry["unit"])["exponent"]
    postings = [{**p, "formatted": format_amount(p["amount"], exponent)} for p in entry["postings"]]
    return {**entry, "postings": postings}


def _unit(state: State, code: str) -> dict[str, Any]:
    record: dict[str, Any] | None = state.get(UNITS, code)
    if record is None:
        raise Rejected("not_found", f"this node has declared no unit {code}")
    return record


def _account_row(state: State, account: str, unit: dict[str, Any], value: int) -> dict[str, Any]:
    limits = limits_of(state, account, unit["code"])
    row: dict[str, Any] = {"account": account, "kind": kind_of(account), "unit": unit["code"]}
    row.update(_money(value, unit))
    if account.startswith("fund:"):
        fund = state.get(FUNDS, account[5:])
        row["title"] = fund["title"] if fund else ""
    row["min"] = None if limits is None else limits[0]
    row["max"] = None if limits is None else limits[1]
    return row


def _money(value: int, unit: dict[str, Any]) -> dict[str, Any]:
    return {"balance": value, "formatted": format_amount(value, unit["exponent"])}
