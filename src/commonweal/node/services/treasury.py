"""The treasury as the node shows it: units, accounts and balances, the ledger, its export,
expenses, and budgets against actual spending (all reads of the projection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson

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
from commonweal.node.kernel.ordered import order_of, slice_of
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
        raise Rejected.saying("invalid_request", error) from None
    with node.reading() as state:
        rows = [
            _account_row(state, name, unit, balance(state, name, str(code)))
            for code, unit in sorted(state.items(UNITS))
        ]
        return {"account": name, "kind": kind_of(name), "balances": rows}


@dataclass(frozen=True)
class EntriesPage:
    """Ledger entries of one page, and the entry id the next page goes on from (None: the
    last page)."""

    entries: list[dict[str, Any]]
    next: int | None


def entries_page(
    node: Node,
    *,
    unit: str | None = None,
    account: str | None = None,
    after: int | None = None,
    before: int | None = None,
    limit: int = 100,
) -> EntriesPage:
    """Up to ``limit`` entries with ``unit`` and touching ``account``: in log order after
    the entry ``after``, or newest first before the entry ``before`` when ``before`` is
    given or ``after`` is not and ``newest_first``. Kept in order beside the state, so a
    page costs a binary search and its own rows (a filter looks at most at 20 times
    ``limit`` entries, so a page may come back short with a ``next``)."""
    with node.reading() as state:
        order = order_of(node, ENTRIES, state.tables.get(ENTRIES, {}), _entry_id)
        page = slice_of(
            order,
            _key,
            after=after if before is None else before,
            limit=limit,
            keep=None
            if unit is None and account is None
            else partial(_selected, unit=unit, account=account),
            descending=after is None,
        )
    return EntriesPage([entry for _id, entry in page.rows], page.next)


def _entry_id(key: Hashable, _entry: Any) -> int:
    return int(str(key))


def _key(position: int) -> Hashable:
    return position


def ledger(
    node: Node,
    *,
    unit: str | None = None,
    account: str | None = None,
    after: int | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    """Ledger entries in log order, from after ``after`` (-1 or None: the first); ``next``
    is the id of the last one listed when more follow."""
    if not 1 <= limit <= MAX_PAGE:
        raise Rejected("invalid_request", "limit must be from 1 to %(max_page)s", max_page=MAX_PAGE)
    with node.reading() as state:
        order = order_of(node, ENTRIES, state.tables.get(ENTRIES, {}), _entry_id)
        keep = (
            None
            if unit is None and account is None
            else partial(_selected, unit=unit, account=account)
        )
        page = slice_of(order, _key, after=after, limit=limit, keep=keep)
        return {
            "entries": [_with_formatted(state, entry) for _id, entry in page.rows],
            "next": page.next,
        }


def export_rows(
    node: Node, *, unit: str | None = None, chunk: int = 1000
) -> Iterator[list[dict[str, Any]]]:
    """The ledger (or one unit's entries) in log order, ``chunk`` entries at a time, the
    state held only while each chunk is read: an export that does not copy the ledger."""
    after: int | None = None
    while True:
        with node.reading() as state:
            order = order_of(node, ENTRIES, state.tables.get(ENTRIES, {}), _entry_id)
            page = slice_of(
                order,
                _key,
                after=after,
                limit=chunk,
                keep=None if unit is None else partial(_selected, unit=unit, account=None),
            )
            rows = [dict(entry) for _id, entry in page.rows]
        if rows:
            yield rows
        if page.next is None:
            return
        after = page.next


def export_json(node: Node, *, unit: str | None = None) -> Iterator[bytes]:
    """The whole ledger (or one unit's), with the units' definitions, for auditors: a JSON
    document written a chunk of entries at a time."""
    with node.reading() as state:
        units = [u for code, u in sorted(state.items(UNITS)) if unit in (None, code)]
        size = node.size
    head = {"node": node.identity.did, "size": size, "units": units}
    yield orjson.dumps(head)[:-1] + b',"entries":['
    first = True
    for rows in export_rows(node, unit=unit):
        for entry in rows:
            yield (b"" if first else b",") + orjson.dumps(entry)
            first = False
    yield b"]}"


def export_csv(node: Node, *, unit: str | None = None) -> Iterator[str]:
    """The ledger as CSV, one row per posting; every entry's rows sum to zero. Written a
    chunk of entries at a time."""
    with node.reading() as state:
        exponents = {str(code): u["exponent"] for code, u in state.items(UNITS)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rows in export_rows(node, unit=unit):
        for entry in rows:
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
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def expenses(node: Node, *, status: str | None = None, fund: str | None = None) -> list[Any]:
    """Expenses, newest first, optionally of one status or fund."""
    if status is not None and status not in STATUSES:
        raise Rejected(
            "invalid_request", "status must be one of %(statuses)s", statuses=", ".join(STATUSES)
        )
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
            raise Rejected("not_found", "there is no expense %(expense_id)s", expense_id=expense_id)
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
            raise Rejected.saying("not_found", error) from None


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
        raise Rejected("not_found", "this node has declared no unit %(unit)s", unit=code)
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
