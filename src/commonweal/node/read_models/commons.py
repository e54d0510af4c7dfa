"""What the commons pages show: the registry, a resource with its week, rounds, sanctions,
a member's standing and the steward's console, gathered from the log's projection.

Reads only. Each function takes the state once (``node.reading()``), then names people
outside the lock. Times are compared in the normal form bookings use
(``YYYY-MM-DDTHH:MM:SSZ``), so strings compare as times. The rules in words come from
:mod:`commonweal.node.read_models.commons_words`; the week grid from
:mod:`commonweal.node.read_models.commons_week`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.commons import calendar
from commonweal.domain.commons.access import REFERRED, require_in_service, require_rights
from commonweal.domain.commons.actions import RULES_SET, SANCTION_DECIDE
from commonweal.domain.commons.records import (
    BOOKINGS,
    REPORTS,
    RESOURCES,
    ROUNDS,
    SANCTIONS,
    SCHEDULES,
    is_monitor,
    is_steward,
)
from commonweal.domain.commons.rules import BY_ROUND
from commonweal.domain.commons.sanctions import on_record
from commonweal.domain.errors import DomainError
from commonweal.domain.governance.records import ALTERNATIVES, PROPOSALS
from commonweal.domain.membership.records import ACTIVE, MEMBERS, ROLES
from commonweal.domain.state import State
from commonweal.domain.timestamps import later, utc_stamp
from commonweal.domain.treasury.records import UNITS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.commons_week import first_day, week_grid
from commonweal.node.read_models.commons_words import (
    ALLOCATION_SHORT,
    ALLOCATION_WORDS,
    CONDITION_WORDS,
    KIND_WORDS,
    PRINCIPLES,
    STATUS_WORDS,
    WHERE_IN_COMMONWEAL,
    changing_words,
    money,
    rules_in_words,
    step_words,
)
from commonweal.node.read_models.standing import name_of
from commonweal.node.services import commons, governance

DAY = 86_400
RECENT = 20
DEPOSIT_DAYS = 7
"""The console lists deposits owed for bookings starting within this many days (and all held)."""
MAX_DEPOSITS = 50


def when_words(text: str) -> str:
    """``2026-12-01T09:00:00Z`` as ``1 Dec 2026, 09:00 UTC`` (the pages' ``when`` filter)."""
    return parse_utc(text).strftime("%-d %b %Y, %H:%M UTC")


def names_of(node: Node, dids: Iterable[str]) -> dict[str, str | None]:
    """The public name of each DID (None where the member does not show one)."""
    return {did: name_of(node, did) for did in set(dids)}


def by_name(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """People with a public name first, alphabetically; then the rest by DID."""
    return sorted(people, key=lambda p: (p["name"] is None, (p["name"] or p["did"]).lower()))


def _now(node: Node) -> str:
    return utc_stamp(node.clock())


def _exponents(state: State) -> dict[str, int]:
    return {str(code): unit["exponent"] for code, unit in state.items(UNITS)}


def _deposit(deposit: Mapping[str, Any] | None, exponents: Mapping[str, int]) -> Any:
    """A booking's deposit with its amounts written for people."""
    if deposit is None:
        return None
    shown = {**deposit, "words": money(deposit["amount"], deposit["unit"], exponents)}
    shown["exponent"] = exponents.get(deposit["unit"], 2 if len(deposit["unit"]) == 3 else 0)
    if "retained" in deposit:
        shown["retained_words"] = money(deposit["retained"], deposit["unit"], exponents)
        shown["returned_words"] = money(deposit["returned"], deposit["unit"], exponents)
    return shown


def booking_refusal(
    state: State, record: Mapping[str, Any], did: str | None, now: str
) -> dict[str, str] | None:
    """Why ``did`` cannot book the resource now (``{code, message}``), or None if they can.

    The same checks, in the same order, as the booking rule; the rule still decides.
    """
    if record["rules"]["allocation"] != "first_come":
        if record["rules"]["allocation"] == "open":
            return {"code": "not_bookable", "message": "It is open to use: no booking needed."}
        return {
            "code": "not_bookable",
            "message": f"It is allocated by {record['rules']['allocation']}: "
            "enter its next round instead.",
        }
    if did is None:
        return {"code": "signed_out", "message": "Sign in to book it."}
    try:
        require_rights(state, record, did, now)
        require_in_service(record)
    except DomainError as refusal:
        return {"code": refusal.code, "message": refusal.message}
    held = calendar.held(state, record["id"], did, now)
    most = record["rules"]["limits"]["max_active"]
    if len(held) >= most:
        return {
            "code": "beyond_limits",
            "message": f"you already hold {len(held)} booking{'s' if len(held) != 1 else ''} of "
            f"it, the most one member may hold at a time; cancel one, or wait until it ends",
        }
    return None


def _rights(state: State, record: Mapping[str, Any], did: str | None, now: str) -> Any:
    """Whether ``did`` may use the resource at all (``{code, message}`` if not)."""
    if did is None:
        return {"code": "signed_out", "message": "Sign in to see whether you may use it."}
    try:
        require_rights(state, record, did, now)
    except DomainError as refusal:
        return {"code": refusal.code, "message": refusal.message}
    return None


def _free_now(state: State, record: Mapping[str, Any], now: str) -> int:
    end = utc_stamp(parse_utc(now) + timedelta(seconds=1))
    return len(calendar.free_units(state, record, now, end))


# -- the registry -------------------------------------------------------------------------


def registry_page(node: Node, viewer: str | None) -> dict[str, Any]:
    """Every resource by kind, with how it is shared and whether the viewer may use it;
    the rounds open for entry; and Ostrom's principles with where each lives."""
    now = _now(node)
    with node.reading() as state:
        exponents = _exponents(state)
        upcoming: dict[int, int] = {}
        for _id, b in state.items(BOOKINGS):
            if b["status"] == "confirmed" and b["end"] > now:
                upcoming[b["resource"]] = upcoming.get(b["resource"], 0) + 1
        summaries = []
        for _id, record in sorted(state.items(RESOURCES)):
            rules = record["rules"]
            summaries.append(
                {
                    "id": record["id"],
                    "kind": record["kind"],
                    "title": record["title"],
                    "description": record["description"],
                    "allocation": rules["allocation"],
                    "how": ALLOCATION_SHORT[rules["allocation"]],
                    "units": rules["units"],
                    "free_now": _free_now(state, record, now),
                    "condition": record["condition"],
                    "condition_words": CONDITION_WORDS[record["condition"]],
                    "deposit": (
                        money(rules["deposit"]["amount"], rules["deposit"]["unit"], exponents)
                        if rules["deposit"]
                        else None
                    ),
                    "upcoming": upcoming.get(record["id"], 0),
                    "refusal": _rights(state, record, viewer, now),
                    "role": _role(record, viewer),
                }
            )
        rounds = [dict(r) for _id, r in sorted(state.items(ROUNDS)) if r["status"] == "open"]
    titles = {s["id"]: s["title"] for s in summaries}
    groups = [
        {"kind": kind, "label": label, "resources": [s for s in summaries if s["kind"] == kind]}
        for kind, label in KIND_WORDS.items()
    ]
    return {
        "groups": [g for g in groups if g["resources"]],
        "count": len(summaries),
        "open_rounds": [_round_line(r, titles, viewer) for r in rounds],
        "principles": [
            {"n": n, "name": name, "where": WHERE_IN_COMMONWEAL[n]}
            for n, name in PRINCIPLES.items()
        ],
        "looks_after": [s for s in summaries if s["role"]],
    }


def _role(record: Mapping[str, Any], did: str | None) -> str | None:
    if did is None:
        return None
    if is_steward(record, did):
        return "steward"
    if is_monitor(record, did):
        return "monitor"
    return None


def _round_line(record: Mapping[str, Any], titles: Mapping[int, str], viewer: str | None) -> Any:
    return {
        "id": record["id"],
        "resource": record["resource"],
        "title": titles.get(record["resource"], ""),
        "method": record["method"],
        "start": record["start"],
        "end": record["end"],
        "closes": record["closes"],
        "entered": len(record["entries"]),
        "status": record["status"],
        "mine": viewer is not None and any(d == viewer for d, _i in record["entries"]),
    }


# -- one resource ---------------------------------------------------------------------------


def resource_page(
    node: Node,
    resource_id: int,
    viewer: str | None,
    *,
    week: str | None = None,
    unit: int = 1,
) -> dict[str, Any]:
    """A resource: its rules in words, its week of bookings (a grid for one unit and a list
    for all), its rounds, condition reports, proposals to change its rules, and what the
    viewer may do."""
    now = _now(node)
    first = first_day(week, node.clock())
    with node.reading() as state:
        record = state.get(RESOURCES, resource_id)
        if record is None:
            raise Rejected("not_found", f"there is no shared resource {resource_id}")
        record = dict(record)
        rules = record["rules"]
        unit = unit if 1 <= unit <= rules["units"] else 1
        exponents = _exponents(state)
        entries = _week_entries(state, resource_id, first)
        booked = {e[3]: dict(state.get(BOOKINGS, e[3])) for e in entries}
        reports = [
            dict(r) for _i, r in sorted(state.items(REPORTS)) if r["resource"] == resource_id
        ]
        rounds = [dict(r) for _i, r in sorted(state.items(ROUNDS)) if r["resource"] == resource_id]
        refusal = booking_refusal(state, record, viewer, now)
        rights = _rights(state, record, viewer, now)
        mine = (
            [
                dict(state.get(BOOKINGS, b))
                for _s, _e, b in calendar.held(state, resource_id, viewer, now)
            ]
            if viewer
            else []
        )
        proposals = _rule_proposals(state, resource_id)
        free_now = _free_now(state, record, now)
    people = [*rules["stewards"], *rules["monitors"], *(b["member"] for b in booked.values())]
    people += [r["author"] for r in reports]
    names = names_of(node, people)
    shown = {did: name or _short(did) for did, name in names.items()}
    grid = week_grid(entries, first, unit, parse_utc(now), names, viewer)
    listing = [
        {
            **booked[e[3]],
            "name": names.get(e[4]),
            "mine": e[4] == viewer,
            "deposit": _deposit(booked[e[3]]["deposit"], exponents),
        }
        for e in sorted(entries, key=lambda e: (e[0], e[2], e[3]))
    ]
    role = _role(record, viewer)
    return {
        "resource": record,
        "kind_words": KIND_WORDS[record["kind"]],
        "condition_words": CONDITION_WORDS[record["condition"]],
        "how": ALLOCATION_SHORT[rules["allocation"]],
        "free_now": free_now,
        "rules_words": rules_in_words(rules, shown, exponents),
        "changing": changing_words(record["rules_version"], when_words(record["rules_changed_at"])),
        "deposit": (
            money(rules["deposit"]["amount"], rules["deposit"]["unit"], exponents)
            if rules["deposit"]
            else None
        ),
        "deposit_text": (
            money(rules["deposit"]["amount"], rules["deposit"]["unit"], exponents).split()[0]
            if rules["deposit"]
            else ""
        ),
        "stewards": [{"did": d, "name": names.get(d)} for d in rules["stewards"]],
        "monitors": [{"did": d, "name": names.get(d)} for d in rules["monitors"]],
        "week": grid,
        "bookings": listing,
        "unit": unit,
        "units": list(range(1, rules["units"] + 1)),
        "rounds": [_round_line(r, {resource_id: record["title"]}, viewer) for r in rounds][::-1],
        "reports": [
            {**r, "name": names.get(r["author"]), "words": CONDITION_WORDS[r["condition"]]}
            for r in reports[-RECENT:][::-1]
        ],
        "refusal": refusal,
        "rights": rights,
        "mine": mine,
        "role": role,
        # Only stewards and monitors report on a resource out of service (they bring it back).
        "may_report": viewer is not None
        and (role is not None or (rights is None and record["condition"] != "out_of_service")),
        "proposals": proposals,
        "now": now,
    }


def _week_entries(state: State, resource_id: int, first: datetime) -> list[list[Any]]:
    """The confirmed bookings overlapping the week from ``first`` (the calendar's buckets)."""
    start, end = utc_stamp(first), utc_stamp(first + timedelta(days=7))
    seen: dict[int, list[Any]] = {}
    for week in calendar.weeks(start, end):
        for entry in state.get(SCHEDULES, calendar.bucket(resource_id, week), []):
            if entry[0] < end and start < entry[1]:
                seen[entry[3]] = list(entry)
    return list(seen.values())


def _rule_proposals(state: State, resource_id: int) -> list[dict[str, Any]]:
    """Proposals whose alternatives would set this resource's rules or decide its sanctions."""
    sanctions = {s["id"] for _i, s in state.items(SANCTIONS) if s["resource"] == resource_id}
    found = []
    for _id, proposal in sorted(state.items(PROPOSALS), reverse=True):
        for alternative_id in proposal["alternatives"]:
            actions = state.get(ALTERNATIVES, alternative_id)["actions"]
            if any(
                (a["type"] == RULES_SET and a.get("resource") == resource_id)
                or (a["type"] == SANCTION_DECIDE and a.get("sanction") in sanctions)
                for a in actions
            ):
                found.append(
                    {"id": proposal["id"], "title": proposal["title"], "phase": proposal["phase"]}
                )
                break
    return found


# -- rounds ---------------------------------------------------------------------------------


def round_page(node: Node, round_id: int, viewer: str | None) -> dict[str, Any]:
    """A round: its entrants in order of entry, and once drawn, every ticket in order with who
    won which unit and who was passed over, so anyone can re-draw it."""
    view = commons.round_view(node, round_id)  # the lottery's tickets, computed from the seed
    now = _now(node)
    with node.reading() as state:
        record = dict(state.get(RESOURCES, view["resource"]))
        may_enter = _rights(state, record, viewer, now)
    entered = {did: index for did, index in view["entries"]}
    won = {a["member"]: a["unit"] for a in view["allocation"] or []}
    names = names_of(node, entered)
    order: list[str] = list(view.get("tickets", {}))
    if view["method"] == "rotation" and view["allocation"] is not None:
        order = [a["member"] for a in view["allocation"]]
        order += [d for d, _i in view["entries"] if d not in won]
    last_winner = max((n for n, did in enumerate(order) if did in won), default=-1)
    draw = [
        {
            "rank": n + 1,
            "did": did,
            "name": names.get(did),
            "ticket": view.get("tickets", {}).get(did),
            "unit": won.get(did),
            "passed_over": did not in won and n < last_winner,
            "entry": entered[did],
        }
        for n, did in enumerate(order)
    ]
    is_open = view["status"] == "open" and now < view["closes"]
    return {
        "round": view,
        "resource": record,
        "entrants": [
            {"did": did, "name": names.get(did), "entry": index} for did, index in view["entries"]
        ],
        "draw": draw,
        "seed_text": "|".join([node.identity.did, f"commons-round:{round_id}", *sorted(entered)]),
        "is_open": is_open,
        "awaiting_draw": view["status"] == "open" and not is_open,
        "entered": viewer in entered if viewer else False,
        "refusal": may_enter if is_open else None,
        "my_unit": won.get(viewer) if viewer else None,
    }


# -- sanctions ------------------------------------------------------------------------------


def sanction_page(node: Node, sanction_id: int, viewer: str | None) -> dict[str, Any]:
    """A sanction: the breach, the rung of the ladder, its appeal and decision, and what the
    viewer may do (appeal it, decide it, or put it to the assembly)."""
    now = _now(node)
    with node.reading() as state:
        record = state.get(SANCTIONS, sanction_id)
        if record is None:
            raise Rejected("not_found", f"there is no sanction {sanction_id}")
        record = dict(record)
        resource = dict(state.get(RESOURCES, record["resource"]))
        active = viewer is not None and _active(state, viewer)
    names = names_of(node, [record["member"], record["reported_by"], *_decider(record)])
    return {
        "sanction": _sanction_line(record, resource, now, viewer),
        "resource": resource,
        "names": names,
        "proposing": proposing(node) if active else {"may_propose": False, "topic": ""},
    }


def _decider(record: Mapping[str, Any]) -> list[str]:
    return [record["decision"]["by"]] if record["decision"] else []


def _active(state: State, did: str) -> bool:
    record = state.get(MEMBERS, did)
    return bool(record and record["status"] == ACTIVE)


def _sanction_line(
    record: Mapping[str, Any], resource: Mapping[str, Any], now: str, viewer: str | None
) -> dict[str, Any]:
    """A sanction with its words, the appeal's deadline, and the viewer's part in it."""
    appeals = resource["rules"]["appeals"]
    deadline = later(record["at"], appeals["days"] * DAY)
    open_appeal = record["appeal"] is not None and record["decision"] is None
    is_member = viewer == record["member"]
    can_appeal = (
        is_member
        and record["status"] != REFERRED
        and record["appeal"] is None
        and now < utc_stamp(parse_utc(deadline))
    )
    decide_refusal = None
    can_decide = False
    hears = open_appeal and record["appeal"]["by"] == "stewards"
    if hears and viewer is not None and is_steward(resource, viewer):
        if viewer in (record["reported_by"], record["member"]):
            decide_refusal = (
                "You reported this breach or were sanctioned by it, so another steward "
                "decides the appeal."
            )
        else:
            can_decide = True
    ladder = resource["rules"]["sanctions"]["ladder"]
    step = ladder[record["step"]] if record["step"] < len(ladder) else {"kind": record["sanction"]}
    return {
        **record,
        "resource_title": resource["title"],
        "what": step_words(step),
        "status_words": STATUS_WORDS.get(record["status"], record["status"]),
        "appeal_deadline": deadline,
        "appeals_by": appeals["by"],
        "appeal_closed": now >= utc_stamp(parse_utc(deadline)),
        "can_appeal": can_appeal,
        "can_decide": can_decide,
        "decide_refusal": decide_refusal,
        "to_assembly": (open_appeal and record["appeal"]["by"] == "proposal")
        or (record["status"] == REFERRED and record["decision"] is None),
        "suspends_now": record["status"] != "overturned"
        and (
            record["status"] == REFERRED
            or (record["until"] is not None and now < utc_stamp(parse_utc(record["until"])))
        ),
    }


# -- a member's standing --------------------------------------------------------------------


def standing_page(node: Node, did: str) -> dict[str, Any]:
    """A member's rights to each resource, their bookings (to come and past), deposits,
    sanctions with how to appeal, and the rounds they entered or could enter."""
    now = _now(node)
    with node.reading() as state:
        exponents = _exponents(state)
        resources = {r["id"]: dict(r) for _i, r in state.items(RESOURCES)}
        rights = [
            {
                "resource": rid,
                "title": r["title"],
                "refusal": _rights(state, r, did, now),
            }
            for rid, r in sorted(resources.items())
        ]
        mine = sorted(
            (dict(b) for _i, b in state.items(BOOKINGS) if b["member"] == did),
            key=lambda b: (b["start"], b["id"]),
        )
        sanctions = [
            _sanction_line(s, resources[s["resource"]], now, did)
            for _i, s in sorted(state.items(SANCTIONS), reverse=True)
            if s["member"] == did
        ]
        rounds = [
            _round_line(r, {k: v["title"] for k, v in resources.items()}, did)
            for _i, r in sorted(state.items(ROUNDS), reverse=True)
            if r["status"] == "open" or any(d == did for d, _x in r["entries"])
        ]
    for b in mine:
        b["title"] = resources[b["resource"]]["title"]
        b["deposit"] = _deposit(b["deposit"], exponents)
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
    now = _now(node)
    with node.reading() as state:
        exponents = _exponents(state)
        resources = {r["id"]: dict(r) for _i, r in state.items(RESOURCES)}
        mine = {
            rid: r
            for rid, r in sorted(resources.items())
            if is_steward(r, did) or is_monitor(r, did)
        }
        stewarded = {rid for rid, r in mine.items() if is_steward(r, did)}
        sanctions = [
            _sanction_line(s, resources[s["resource"]], now, did)
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
        records = _breach_records(state, mine, now)
        reports = [
            dict(r) for _i, r in sorted(state.items(REPORTS), reverse=True) if r["resource"] in mine
        ][:RECENT]
        members = sorted(str(m) for m, record in state.items(MEMBERS) if record["status"] == ACTIVE)
    more_deposits = max(len(deposits) - MAX_DEPOSITS, 0)
    deposits = deposits[:MAX_DEPOSITS]
    for b in deposits:
        b["title"] = resources[b["resource"]]["title"]
        b["deposit"] = _deposit(b["deposit"], exponents)
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
        "may_register": "commons.register" in set(permissions),
        "now": now,
    }


def _breach_records(
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


def proposing(node: Node) -> dict[str, Any]:
    """Whether the constitution has the ``commons`` kind of proposal (rules changes, appeals
    and referrals go to the assembly through it), and the topic to file them under."""
    try:
        constitution = governance.constitution(node)["constitution"]
    except Rejected:
        return {"may_propose": False, "topic": "general"}
    return {
        "may_propose": "commons" in constitution["kinds"],
        "topic": "commons" if "commons" in constitution["topics"] else "general",
    }


def rules_form(node: Node) -> dict[str, Any]:
    """What the rules form offers: members to name as stewards and monitors, the roles a
    resource may be limited to, and the units a deposit may be asked in (with decimals)."""
    with node.reading() as state:
        members = sorted(str(m) for m, r in state.items(MEMBERS) if r["status"] == ACTIVE)
        roles = sorted(str(name) for name, _r in state.items(ROLES))
        exponents = _exponents(state)
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


def _short(did: str) -> str:
    return did[8:16] + "…" + did[-4:] if did.startswith("did:key:") and len(did) > 24 else did
