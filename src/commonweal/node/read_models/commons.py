"""What the commons pages show: the registry, a resource with its week, and a round with
its draw, gathered from the log's projection. Sanctions are read in
:mod:`commonweal.node.read_models.commons_sanctions`; a member's standing and the stewards'
console in :mod:`commonweal.node.read_models.commons_console`; what they share in
:mod:`commonweal.node.read_models.commons_parts`.

Reads only. Each function takes the state once (``node.reading()``, or ``node.dry_run()``
where it asks the rules what the viewer may do), then names people outside the lock.
Times are compared in the normal form bookings use (``YYYY-MM-DDTHH:MM:SSZ``), so
strings compare as times. The rules in words come from
:mod:`commonweal.node.read_models.commons_words`; the week grid from
:mod:`commonweal.node.read_models.commons_week`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from commonweal.core.language import _, ngettext
from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.commons import calendar
from commonweal.domain.commons.access import require_in_service, require_rights
from commonweal.domain.commons.actions import RULES_SET, SANCTION_DECIDE
from commonweal.domain.commons.records import (
    BOOKINGS,
    REPORTS,
    RESOURCES,
    ROUNDS,
    SANCTIONS,
    SCHEDULES,
)
from commonweal.domain.commons.resources import CONDITION_REPORTED
from commonweal.domain.commons.rounds import ENTERED
from commonweal.domain.errors import DomainError
from commonweal.domain.governance.records import ALTERNATIVES, PROPOSALS
from commonweal.domain.state import State
from commonweal.domain.timestamps import utc_stamp
from commonweal.node.kernel.dry_run import ask_each
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import said
from commonweal.node.read_models.commons_parts import (
    RECENT,
    deposit_shown,
    exponents_of,
    free_now,
    names_of,
    now_stamp,
    role_of,
    round_line,
    use_refusal,
    when_words,
)
from commonweal.node.read_models.commons_week import first_day, week_grid
from commonweal.node.read_models.commons_words import (
    ALLOCATION_SHORT,
    CONDITION_WORDS,
    KIND_WORDS,
    PRINCIPLES,
    WHERE_IN_COMMONWEAL,
    amount_text,
    changing_words,
    money,
    rules_in_words,
)
from commonweal.node.read_models.names import short_did
from commonweal.node.services import commons

MAX_DEPOSITS = 50


def booking_refusal(
    state: State, record: Mapping[str, Any], did: str | None, now: str
) -> dict[str, str] | None:
    """Why ``did`` cannot book the resource now (``{code, message}``), or None if they can.

    Not a dry run (:mod:`commonweal.node.kernel.dry_run`): a booking names a slot the member has
    not chosen yet, so no single event asks "may they book it at all?". This calls the
    booking rule's own checks (rights, in service), in its order, and counts the
    bookings held against its limit; the slot's checks (overlap, hours, advance) are the
    rule's alone, and it still decides.
    """
    if record["rules"]["allocation"] != "first_come":
        if record["rules"]["allocation"] == "open":
            return {"code": "not_bookable", "message": _("It is open to use: no booking needed.")}
        return {
            "code": "not_bookable",
            "message": _("It is allocated by lottery: enter its next round instead.")
            if record["rules"]["allocation"] == "lottery"
            else _("It is allocated by rotation: enter its next round instead."),
        }
    if did is None:
        return {"code": "signed_out", "message": _("Sign in to book it.")}
    try:
        require_rights(state, record, did, now)
        require_in_service(record)
    except DomainError as refusal:
        return {"code": refusal.code, "message": said.refusal(refusal.template, refusal.params)}
    held = calendar.held(state, record["id"], did, now)
    most = record["rules"]["limits"]["max_active"]
    if len(held) >= most:
        return {
            "code": "beyond_limits",
            "message": ngettext(
                "you already hold %(num)s booking of it, the most one member may hold at a "
                "time; cancel one, or wait until it ends",
                "you already hold %(num)s bookings of it, the most one member may hold at a "
                "time; cancel one, or wait until it ends",
                len(held),
            ),
        }
    return None


# -- the registry -------------------------------------------------------------------------


def registry_page(node: Node, viewer: str | None) -> dict[str, Any]:
    """Every resource by kind, with how it is shared and whether the viewer may use it;
    the rounds open for entry; and Ostrom's principles with where each lives."""
    now = now_stamp(node)
    with node.reading() as state:
        exponents = exponents_of(state)
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
                    "free_now": free_now(state, record, now),
                    "condition": record["condition"],
                    "condition_words": CONDITION_WORDS[record["condition"]],
                    "deposit": (
                        money(rules["deposit"]["amount"], rules["deposit"]["unit"], exponents)
                        if rules["deposit"]
                        else None
                    ),
                    "upcoming": upcoming.get(record["id"], 0),
                    "refusal": use_refusal(state, record, viewer, now),
                    "role": role_of(record, viewer),
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
        "open_rounds": [round_line(r, titles, viewer) for r in rounds],
        "principles": [
            {"n": n, "name": name, "where": WHERE_IN_COMMONWEAL[n]}
            for n, name in PRINCIPLES.items()
        ],
        "looks_after": [s for s in summaries if s["role"]],
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
    now = now_stamp(node)
    first = first_day(week, node.clock())
    with node.dry_run() as asking:
        state = asking.state
        record = state.get(RESOURCES, resource_id)
        if record is None:
            raise Rejected(
                "not_found", "there is no shared resource %(resource_id)s", resource_id=resource_id
            )
        record = dict(record)
        rules = record["rules"]
        unit = unit if 1 <= unit <= rules["units"] else 1
        exponents = exponents_of(state)
        entries = _week_entries(state, resource_id, first)
        booked = {e[3]: dict(state.get(BOOKINGS, e[3])) for e in entries}
        reports = [
            dict(r) for _i, r in sorted(state.items(REPORTS)) if r["resource"] == resource_id
        ]
        rounds = [dict(r) for _i, r in sorted(state.items(ROUNDS)) if r["resource"] == resource_id]
        refusal = booking_refusal(state, record, viewer, now)
        rights = use_refusal(state, record, viewer, now)
        about = {"resource": resource_id}
        # Reporting the condition it is in now: what anyone who may report sends at least
        # (only stewards and monitors report it out of service, or back in).
        report = ask_each(
            asking,
            viewer,
            {"it": (CONDITION_REPORTED, {**about, "condition": record["condition"]})},
        )["it"]
        mine = (
            [
                dict(state.get(BOOKINGS, b))
                for _s, _e, b in calendar.held(state, resource_id, viewer, now)
            ]
            if viewer
            else []
        )
        proposals = _rule_proposals(state, resource_id)
        free = free_now(state, record, now)
    people = [*rules["stewards"], *rules["monitors"], *(b["member"] for b in booked.values())]
    people += [r["author"] for r in reports]
    names = names_of(node, people)
    shown = {did: name or short_did(did) for did, name in names.items()}
    grid = week_grid(entries, first, unit, parse_utc(now), names, viewer)
    listing = [
        {
            **booked[e[3]],
            "name": names.get(e[4]),
            "mine": e[4] == viewer,
            "deposit": deposit_shown(booked[e[3]]["deposit"], exponents),
        }
        for e in sorted(entries, key=lambda e: (e[0], e[2], e[3]))
    ]
    role = role_of(record, viewer)
    return {
        "resource": record,
        "kind_words": KIND_WORDS[record["kind"]],
        "condition_words": CONDITION_WORDS[record["condition"]],
        "how": ALLOCATION_SHORT[rules["allocation"]],
        "free_now": free,
        "rules_words": rules_in_words(rules, shown, exponents),
        "changing": changing_words(record["rules_version"], when_words(record["rules_changed_at"])),
        "deposit": (
            money(rules["deposit"]["amount"], rules["deposit"]["unit"], exponents)
            if rules["deposit"]
            else None
        ),
        "deposit_text": (
            amount_text(
                rules["deposit"]["amount"], rules["deposit"]["unit"], exponents, grouped=False
            )
            if rules["deposit"]
            else ""
        ),
        "stewards": [{"did": d, "name": names.get(d)} for d in rules["stewards"]],
        "monitors": [{"did": d, "name": names.get(d)} for d in rules["monitors"]],
        "week": grid,
        "bookings": listing,
        "unit": unit,
        "units": list(range(1, rules["units"] + 1)),
        "rounds": [round_line(r, {resource_id: record["title"]}, viewer) for r in rounds][::-1],
        "reports": [
            {**r, "name": names.get(r["author"]), "words": CONDITION_WORDS[r["condition"]]}
            for r in reports[-RECENT:][::-1]
        ],
        "refusal": refusal,
        "rights": rights,
        "mine": mine,
        "role": role,
        "may_report": report.ok,
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
    now = now_stamp(node)
    with node.dry_run() as rules:
        record = dict(rules.state.get(RESOURCES, view["resource"]))
        entry = rules.check(ENTERED, viewer, {"round": round_id}) if viewer else None
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
        # Why the viewer may not enter, as the rule says it (signed out: the page says so).
        "refusal": {
            "code": entry.code,
            "message": said.refusal(entry.template or entry.detail, entry.params),
        }
        if is_open and entry is not None and not entry.ok
        else None,
        "my_unit": won.get(viewer) if viewer else None,
    }
