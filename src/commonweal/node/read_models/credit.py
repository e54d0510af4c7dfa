"""Mutual credit as its pages show it: each unit's members' positions within their limits,
obligations with who may settle or forgive them, past clearings, and the clearing that
would run now told as the cycles of debt it sets off. Reads only."""

from __future__ import annotations

from typing import Any

from commonweal.domain.credit.limits import POLICIES
from commonweal.domain.credit.obligations import FORGIVEN, SETTLED
from commonweal.domain.credit.records import CLEARINGS, OBLIGATIONS, OPEN
from commonweal.domain.membership.records import ACTIVE, MEMBERS
from commonweal.domain.treasury.records import UNITS
from commonweal.node.kernel.dry_run import DryRun, ask_each
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.names import name_or_short
from commonweal.node.read_models.treasury import names
from commonweal.node.services import credit

CLOSED_SHOWN = 30
OPEN_SHOWN = 100
"""Open debts listed on a unit's page: the viewer's own always, then the newest others."""
CYCLES_SHOWN = 100
SETOFFS_SHOWN = 200


def credit_index(node: Node) -> dict[str, Any]:
    """Every unit run as mutual credit, with how many take part and how much is owed."""
    with node.reading() as state:
        units = []
        for code, policy in sorted(state.items(POLICIES)):
            owed = [
                record["open"]
                for _id, record in state.items(OBLIGATIONS)
                if record["unit"] == code and record["open"] > 0
            ]
            units.append(
                {
                    "unit": state.get(UNITS, code),
                    "policy": policy,
                    "open_obligations": len(owed),
                    "open_debt": sum(owed),
                }
            )
        records = {str(c): dict(u) for c, u in state.items(UNITS)}
    for row in units:
        positions = credit.positions(node, row["unit"]["code"])["positions"]
        row["members"] = len(positions)
        row["in_credit"] = sum(p["balance"] for p in positions if p["balance"] > 0)
    return {"units": units, "unit_records": records}


def unit_page(node: Node, unit: str, viewer: str | None) -> dict[str, Any]:
    """One mutual-credit unit: its policy, positions, the viewer's own, obligations and
    clearings, and how much a clearing would set off now."""
    listed = credit.positions(node, unit)["positions"]
    people = names(node, [*(row["member"] for row in listed), *_credit_people(node, unit)])
    with node.dry_run() as rules:
        state = rules.state
        record = state.get(UNITS, unit)
        policy = state.get(POLICIES, unit)
        if record is None:
            raise Rejected("not_found", "this node has declared no unit %(unit)s", unit=unit)
        if policy is None:
            raise Rejected(
                "not_found", "%(unit)s is not run as mutual credit on this node", unit=unit
            )
        obligations = [
            {**_named(row, people), **_actions(rules, row, viewer)}
            for _id, row in sorted(state.items(OBLIGATIONS), reverse=True)
            if row["unit"] == unit
        ]
        clearings = [
            {**row, "by_member": state.get(MEMBERS, row["by"]) is not None}
            for _id, row in sorted(state.items(CLEARINGS), reverse=True)
            if row["unit"] == unit
        ]
        member = state.get(MEMBERS, viewer) if viewer else None
        records = {str(c): dict(u) for c, u in state.items(UNITS)}
    positions = [{**row, "name": name_or_short(people, row["member"])} for row in listed]
    positions.sort(key=lambda row: row["name"].lower())
    preview = credit.clearing_preview(node, unit)
    active = bool(member and member["status"] == ACTIVE)
    return {
        "unit": record,
        "policy": policy,
        "role_limits": sorted(policy["limits"]["roles"].items()),
        "own_limits": len(policy["limits"]["members"]),
        "positions": positions,
        "mine": next((p for p in positions if p["member"] == viewer), None),
        "active": active,
        "members": [
            {"did": p["member"], "name": p["name"]}
            for p in positions
            if p["member"] != viewer and _is_active(node, p["member"])
        ],
        "open": _shown([o for o in obligations if o["status"] == OPEN], viewer, OPEN_SHOWN),
        "open_count": sum(1 for o in obligations if o["status"] == OPEN),
        "closed": [o for o in obligations if o["status"] != OPEN][:CLOSED_SHOWN],
        "clearings": [{**row, "by_name": name_or_short(people, row["by"])} for row in clearings],
        "preview": {k: preview[k] for k in ("debt_before", "debt_after", "cleared")},
        "unit_records": records,
    }


def clearing_page(node: Node, unit: str) -> dict[str, Any]:
    """The clearing that would be accepted now: the body to sign, every set-off with its
    obligation, and the same set-offs told as cycles of members."""
    people = names(node, _credit_people(node, unit))
    preview = credit.clearing_preview(node, unit)
    with node.reading() as state:
        if state.get(POLICIES, unit) is None:
            raise Rejected(
                "not_found", "%(unit)s is not run as mutual credit on this node", unit=unit
            )
        records = {str(c): dict(u) for c, u in state.items(UNITS)}
        involved = {
            item["obligation"]: state.get(OBLIGATIONS, item["obligation"])
            for item in preview["claim"]["setoffs"]
        }
        open_count = sum(
            1 for _id, row in state.items(OBLIGATIONS) if row["unit"] == unit and row["open"] > 0
        )
    setoffs = [
        {**_named(involved[item["obligation"]], people), "setoff": item["amount"]}
        for item in preview["claim"]["setoffs"]
    ]
    found = cycles(setoffs)
    for cycle in found[:CYCLES_SHOWN]:
        cycle["names"] = [name_or_short(people, did) for did in cycle["members"]]
    return {
        **preview,
        "unit": records[unit],
        "setoffs": setoffs[:SETOFFS_SHOWN],
        "setoff_count": len(setoffs),
        "cycles": found[:CYCLES_SHOWN],
        "cycle_count": len(found),
        "open_count": open_count,
        "unit_records": records,
    }


def cycles(setoffs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The set-offs of a clearing as cycles of debt: ``[{"members", "obligations", "amount"}]``.

    A clearing keeps every member's net position, so its set-offs form a circulation: at
    each member what is set off of their debts equals what is set off of their claims. It
    therefore splits into cycles; this walks them greedily (from the lowest obligation id
    left, always along a member's lowest obligation left), taking each cycle's smallest
    remaining set-off. Members are listed from the first debtor, each owing the next, the
    last owing the first.
    """
    left = {row["id"]: row["setoff"] for row in setoffs if row["setoff"] > 0}
    edges = {row["id"]: (row["debtor"], row["creditor"]) for row in setoffs}
    order = sorted(left)
    outgoing: dict[str, list[int]] = {}
    for oid in order:
        outgoing.setdefault(edges[oid][0], []).append(oid)
    cursor = dict.fromkeys(outgoing, 0)

    def next_from(member: str) -> int | None:
        owed = outgoing.get(member, [])
        at = cursor.get(member, 0)
        while at < len(owed) and left[owed[at]] == 0:
            at += 1
        cursor[member] = at
        return owed[at] if at < len(owed) else None

    found: list[dict[str, Any]] = []
    first = 0
    while True:
        while first < len(order) and left[order[first]] == 0:
            first += 1
        if first == len(order):
            return found
        path = [order[first]]
        seen = {edges[path[0]][0]: 0}
        at = edges[path[0]][1]
        while at not in seen:
            seen[at] = len(path)
            following = next_from(at)
            if following is None:  # not a circulation: nothing more to tell as cycles
                return found
            path.append(following)
            at = edges[following][1]
        loop = path[seen[at] :]
        amount = min(left[oid] for oid in loop)
        for oid in loop:
            left[oid] -= amount
        found.append(
            {"members": [edges[oid][0] for oid in loop], "obligations": loop, "amount": amount}
        )


def _shown(rows: list[dict[str, Any]], viewer: str | None, limit: int) -> list[dict[str, Any]]:
    """The viewer's own rows, then the others, at most ``limit`` in all (order kept)."""
    own = {id(r) for r in rows if viewer in (r["debtor"], r["creditor"])}
    room = max(limit - len(own), 0)
    others = [r for r in rows if id(r) not in own][:room]
    keep = own | {id(r) for r in others}
    return [r for r in rows if id(r) in keep]


def _credit_people(node: Node, unit: str) -> set[str]:
    """Everyone an obligation or a clearing in ``unit`` names."""
    with node.reading() as state:
        found = {
            did
            for _id, row in state.items(OBLIGATIONS)
            if row["unit"] == unit
            for did in (row["debtor"], row["creditor"])
        }
        found |= {row["by"] for _id, row in state.items(CLEARINGS) if row["unit"] == unit}
    return found


def _named(row: dict[str, Any], people: dict[str, str]) -> dict[str, Any]:
    return {
        **row,
        "debtor_name": name_or_short(people, row["debtor"]),
        "creditor_name": name_or_short(people, row["creditor"]),
    }


def _actions(rules: DryRun, row: dict[str, Any], viewer: str | None) -> dict[str, bool]:
    """Whether the viewer may settle or forgive the obligation, each asked of the rules
    (:mod:`commonweal.node.kernel.dry_run`): settling as the smallest payment the form may send
    (one minor unit), forgiving as the whole of what is open. Only its parties are asked:
    the rules refuse anyone else (``not_author``), and a page lists up to a hundred."""
    ref = {"obligation": row["id"]}
    party = viewer if viewer in (row["debtor"], row["creditor"]) else None
    asked = {"may_settle": (SETTLED, {**ref, "amount": 1}), "may_forgive": (FORGIVEN, ref)}
    return {name: verdict.ok for name, verdict in ask_each(rules, party, asked).items()}


def _is_active(node: Node, did: str) -> bool:
    record = node.state.get(MEMBERS, did)
    return bool(record and record["status"] == ACTIVE)
