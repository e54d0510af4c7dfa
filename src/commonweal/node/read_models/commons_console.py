"""A member's standing in the commons and the stewards' console: rights, bookings,
deposits, sanctions and breaches on record, and the rules form's choices."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.commons.access import REFERRED
from commonweal.domain.commons.records import (
    BOOKINGS,
    REPORTS,
    RESOURCES,
    ROUNDS,
    SANCTIONS,
    is_monitor,
    is_steward,
)
from commonweal.domain.commons.rules import BY_ROUND
from commonweal.domain.commons.sanctions import on_record
from commonweal.domain.membership.records import ACTIVE, MEMBERS, ROLES
from commonweal.domain.state import State
from commonweal.domain.timestamps import utc_stamp
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.commons_parts import (
    RECENT,
    by_name,
    deposit_shown,
    exponents_of,
    names_of,
    now_stamp,
    round_line,
    use_refusal,
)
from commonweal.node.read_models.commons_sanctions import proposing, sanction_line
from commonweal.node.read_models.commons_words import (
    ALLOCATION_WORDS,
    CONDITION_WORDS,
    KIND_WORDS,
    step_words,
)

DEPOSIT_DAYS = 7
"""The console lists deposits owed for bookings starting within this many days (and all held)."""
MAX_DEPOSITS = 50
# -- a member's standing --------------------------------------------------------------------


def standing_page(node: Node, did: str) -> dict[str, Any]:
    """A member's rights to each resource, their bookings (to come and past), deposits,
    sanctions with how to appeal, and the rounds they entered or could enter."""
    now = now_stamp(node)
    with node.dry_run() as rules:
        state = rules.state
        exponents = exponents_of(state)
        resources = {r["id"]: dict(r) for _i, r in state.items(RESOURCES)}
        rights = [
            {
                "resource": rid,
                "title": r["title"],
                "refusal": use_refusal(state, r, did, now),
            }
            for rid, r in sorted(resources.items())
        ]
        mine = sorted(
            (dict(b) for _i, b in state.items(BOOKINGS) if b["member"] == did),
            key=lambda b: (b["start"], b["id"]),
        )
        sanctions = [
            sanction_line(rules, s, resources[s["resource"]], now, did)
            for _i, s in sorted(state.items(SANCTIONS), reverse=True)
            if s["member"] == did
        ]
        rounds = [
            round_line(r, {k: v["title"] for k, v in resources.items()}, did)
            for _i, r in sorted(state.items(ROUNDS), reverse=True)
            if r["status"] == "open" or any(d == did for d, _x in r["entries"])
        ]
    for b in mine:
        b["title"] = resources[b["resource"]]["title"]
        b["deposit"] = deposit_shown(b["deposit"], exponents)
    upcoming = [b for b in mine if b["status"] == "confirmed" and b["end"] > now]
    past = [b for b in mine if b not in upcoming][::-1][:RECENT]
    return {
        "rights": rights,
        "upcoming": upcoming,
        "past": past,
        "sanctions": sanctions,
        "rounds": rounds,
        "now": now,
    }


# -- the steward's console ------------------------------------------------------------------


def steward_page(node: Node, did: str, permissions: Iterable[str]) -> dict[str, Any]:
    """What a steward or monitor has to do: appeals to decide, deposits to record, the
    condition of what they look after, members with breaches on record and what their next
    breach would bring, and rounds to open. Holders of ``commons.register`` register more."""
    now = now_stamp(node)
    with node.dry_run() as rules:
        state = rules.state
        exponents = exponents_of(state)
        resources = {r["id"]: dict(r) for _i, r in state.items(RESOURCES)}
        mine = {
            rid: r
            for rid, r in sorted(resources.items())
            if is_steward(r, did) or is_monitor(r, did)
        }
        stewarded = {rid for rid, r in mine.items() if is_steward(r, did)}
        sanctions = [
            sanction_line(rules, s, resources[s["resource"]], now, did)
            for _i, s in sorted(state.items(SANCTIONS), reverse=True)
            if s["resource"] in mine
        ]
        soon = utc_stamp(parse_utc(now) + timedelta(days=DEPOSIT_DAYS))
        deposits = sorted(
            (
                dict(b)
                for _i, b in state.items(BOOKINGS)
                if b["resource"] in stewarded
                and b["deposit"] is not None
                and (
                    b["deposit"]["status"] == "held"
                    or (b["deposit"]["status"] == "owed" and b["start"] <= soon)
                )
            ),
            key=lambda b: (b["start"], b["id"]),
        )
        records = breach_records(state, mine, now)
        reports = [
            dict(r) for _i, r in sorted(state.items(REPORTS), reverse=True) if r["resource"] in mine
        ][:RECENT]
        members = sorted(str(m) for m, record in state.items(MEMBERS) if record["status"] == ACTIVE)
    more_deposits = max(len(deposits) - MAX_DEPOSITS, 0)
    deposits = deposits[:MAX_DEPOSITS]
    for b in deposits:
        b["title"] = resources[b["resource"]]["title"]
        b["deposit"] = deposit_shown(b["deposit"], exponents)
        b["returnable"] = b["status"] != "confirmed" or b["end"] <= now
    people = [*members, *(b["member"] for b in deposits), *(r["author"] for r in reports)]
    people += [s["member"] for s in sanctions] + [s["reported_by"] for s in sanctions]
    names = names_of(node, people)
    return {
        "resources": [
            {
                **r,
                "role": "steward" if rid in stewarded else "monitor",
                "condition_words": CONDITION_WORDS[r["condition"]],
                "by_round": r["rules"]["allocation"] in BY_ROUND,
            }
            for rid, r in mine.items()
        ],
        "appeals": [s for s in sanctions if s["appeal"] is not None and s["decision"] is None],
        "referrals": [s for s in sanctions if s["status"] == REFERRED and s["decision"] is None],
        "sanctions": sanctions,
        "deposits": deposits,
        "more_deposits": more_deposits,
        "deposit_days": DEPOSIT_DAYS,
        "records": records,
        "reports": [{**r, "words": CONDITION_WORDS[r["condition"]]} for r in reports],
        "members": by_name([{"did": m, "name": names.get(m)} for m in members if m != did]),
        "names": names,
        "titles": {rid: r["title"] for rid, r in resources.items()},
        # The registration form's body (the rules the registrar writes) is not known yet;
        # the rule's first check is this permission, so the form asks only that.
        "may_register": "commons.register" in set(permissions),
        "now": now,
    }


def breach_records(
    state: State, resources: Mapping[int, Mapping[str, Any]], now: str
) -> list[dict[str, Any]]:
    """Members with breaches still on record, per resource, and where their next breach (minor
    or serious) lands on the ladder."""
    found = []
    for rid, record in resources.items():
        rules = record["rules"]["sanctions"]
        ladder = rules["ladder"]
        members = sorted(
            {str(s["member"]) for _i, s in state.items(SANCTIONS) if s["resource"] == rid}
        )
        for member in members:
            prior = on_record(state, rid, member, now, rules["memory_days"])
            if not prior:
                continue
            found.append(
                {
                    "resource": rid,
                    "title": record["title"],
                    "member": member,
                    "count": len(prior),
                    "next": step_words(ladder[min(len(prior), len(ladder) - 1)]),
                    "next_serious": step_words(ladder[min(len(prior) + 1, len(ladder) - 1)]),
                }
            )
    return found


def rules_form(node: Node) -> dict[str, Any]:
    """What the rules form offers: members to name as stewards and monitors, the roles a
    resource may be limited to, and the units a deposit may be asked in (with decimals)."""
    with node.reading() as state:
        members = sorted(str(m) for m, r in state.items(MEMBERS) if r["status"] == ACTIVE)
        roles = sorted(str(name) for name, _r in state.items(ROLES))
        exponents = exponents_of(state)
    names = names_of(node, members)
    return {
        **proposing(node),
        "members": by_name([{"did": m, "name": names.get(m)} for m in members]),
        "roles": roles,
        "units": sorted(exponents.items()),  # a deposit is asked in a declared unit
        "kinds": list(KIND_WORDS),
        "allocations": ALLOCATION_WORDS,
    }


def steward_of_anything(node: Node, did: str) -> bool:
    """Whether ``did`` stewards or monitors any resource."""
    with node.reading() as state:
        return any(is_monitor(r, did) for _i, r in state.items(RESOURCES))
