"""Allocation rounds: rotation and lottery, decided by the node from the log alone.

A steward opens a round for a period (a season of garden plots, a month of the
cargo bike); members with rights enter until it closes. Then the node logs
``commons.round.allocated`` carrying the allocation, and the rule recomputes it and
refuses any other, so ``verify`` re-draws every lot ever drawn:

- **lottery**: entrants are ordered by ``SHA-256(seed | did)``, where the seed is
  ``SHA-256(node | round | every entrant, sorted)``: public, and fixed only when
  entries close, so no one knows their ticket while they can still enter
  (the approach of ``governance.counters.lot``, with the entrants in the seed);
- **rotation**: those never served come first, then those served longest ago, then
  by order of entry.

Units go to the entrants in that order, lowest unit first, while units are free.
Entrants who lost their rights by the close (a sanction, a lapsed membership) are
passed over.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.commons.access import has_rights, require_rights
from commonweal.domain.commons.bookings import confirm
from commonweal.domain.commons.calendar import free_units
from commonweal.domain.commons.records import (
    ROUNDS,
    SERVED,
    parse_ref,
    require_steward,
    resource,
)
from commonweal.domain.commons.rules import BY_ROUND
from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import only, optional_text, utc_time
from commonweal.domain.membership.records import did_member
from commonweal.domain.registry import Context, require_node_key
from commonweal.domain.state import State, existing
from commonweal.domain.timestamps import reached
from commonweal.domain.words import WP_

OPENED = "commons.round.opened"
ENTERED = "commons.round.entered"
ALLOCATED = "commons.round.allocated"
OPEN = "open"


@dataclass(frozen=True, slots=True)
class RoundOpening:
    """Body of ``commons.round.opened``: ``{resource, start, end, closes, note?}``."""

    resource: int
    start: str
    end: str
    closes: str
    note: str


def parse_opening(body: Mapping[str, Any]) -> RoundOpening:
    """A round for ``[start, end)`` whose entries close at ``closes`` (no later than ``start``)."""
    only(body, {"resource", "start", "end", "closes", "note"})
    start, end, closes = (utc_time(body, name) for name in ("start", "end", "closes"))
    if end <= start:
        raise InvalidBody("end must come after start")
    if closes > start:
        raise InvalidBody("entries must close no later than the period starts")
    return RoundOpening(
        parse_ref(body, "resource"), start, end, closes, optional_text(body, "note", max_length=500)
    )


def parse_entry(body: Mapping[str, Any]) -> int:
    """``{"round": id}``."""
    only(body, {"round"})
    return parse_ref(body, "round")


def parse_allocation(body: Mapping[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    """``{"round": id, "allocation": [{"member": did, "unit": n}, ...]}``."""
    only(body, {"round", "allocation"})
    allocation = body.get("allocation")
    if not isinstance(allocation, list):
        raise InvalidBody("allocation must be a list of {member, unit}")
    parsed = []
    for item in allocation:
        if not isinstance(item, dict) or set(item) != {"member", "unit"}:
            raise InvalidBody("each allocation is {member, unit}")
        if type(item["unit"]) is not int:
            raise InvalidBody("unit must be a unit number")
        parsed.append({"member": did_member(item), "unit": item["unit"]})
    return parse_ref(body, "round"), parsed


def apply_opening(state: State, ctx: Context, opening: RoundOpening) -> None:
    """A steward opens a round of a resource allocated by rotation or lottery."""
    record = resource(state, opening.resource)
    require_steward(record, ctx, WP_("to do", "open an allocation round"))
    if record["rules"]["allocation"] not in BY_ROUND:
        raise Conflict(
            "%(title)s is allocated %(allocation)s, not by rounds",
            code="not_by_round",
            title=repr(record["title"]),
            allocation=record["rules"]["allocation"],
        )
    if reached(ctx.received, opening.closes):
        raise Conflict("%(when)s is in the past", code="in_the_past", when=opening.closes)
    state.put(
        ROUNDS,
        ctx.index,
        {
            "id": ctx.index,
            "resource": record["id"],
            "method": record["rules"]["allocation"],
            "start": opening.start,
            "end": opening.end,
            "closes": opening.closes,
            "note": opening.note,
            "opened_by": ctx.author,
            "opened_at": ctx.received,
            "entries": [],
            "status": OPEN,
            "seed": None,
            "allocation": None,
            "allocated_at": None,
        },
    )


def apply_entry(state: State, ctx: Context, round_id: int) -> None:
    """A member with rights to the resource enters an open round, once."""
    record = round_of(state, round_id)
    if record["status"] != OPEN or reached(ctx.received, record["closes"]):
        raise Conflict(
            "entries to round %(round)s closed at %(closes)s",
            code="round_closed",
            round=round_id,
            closes=record["closes"],
        )
    require_rights(state, resource(state, record["resource"]), ctx.author, ctx.received)
    if any(did == ctx.author for did, _index in record["entries"]):
        raise Conflict("you have already entered this round", code="already_entered")
    entries = [*record["entries"], [ctx.author, ctx.index]]
    state.put(ROUNDS, round_id, {**record, "entries": entries})


def apply_allocation(state: State, ctx: Context, claim: tuple[int, list[dict[str, Any]]]) -> None:
    """The node allocates a closed round; the allocation must be exactly the recomputed one."""
    require_node_key(ctx, when="the log says it is due")
    round_id, claimed = claim
    record = round_of(state, round_id)
    if record["status"] != OPEN:
        raise Conflict(
            "round %(round)s is already allocated", code="already_allocated", round=round_id
        )
    if not reached(ctx.received, record["closes"]):
        raise Conflict(
            "round %(round)s closes at %(closes)s",
            code="too_early",
            round=round_id,
            closes=record["closes"],
        )
    computed = allocate(state, round_id, ctx.node_did, ctx.received)
    if claimed != computed:
        raise Conflict(
            "the allocation does not match the recomputed draw of round %(round)s",
            code="allocation_mismatch",
            round=round_id,
        )
    shared = resource(state, record["resource"])
    entries = {did: index for did, index in record["entries"]}
    period = (record["start"], record["end"])
    for won in computed:  # free units go to winners lowest first: none can overlap
        did = won["member"]
        confirm(state, ctx, shared, entries[did], did, won["unit"], period, round_id)
        state.put(SERVED, f"{shared['id']} {won['member']}", round_id)
    state.put(
        ROUNDS,
        round_id,
        {
            **record,
            "status": "allocated",
            "seed": seed(ctx.node_did, round_id, entries)
            if record["method"] == "lottery"
            else None,
            "allocation": computed,
            "allocated_at": ctx.received,
        },
    )


def allocate(state: State, round_id: int, node_did: str, now: str) -> list[dict[str, Any]]:
    """Who gets which unit when the round closes at ``now`` (see the module's docstring)."""
    record = round_of(state, round_id)
    shared = resource(state, record["resource"])
    eligible = [
        (did, index) for did, index in record["entries"] if has_rights(state, shared, did, now)
    ]
    if record["method"] == "lottery":
        order = draw(node_did, round_id, [did for did, _index in record["entries"]])
        allowed = {did for did, _index in eligible}
        ranked = [did for did in order if did in allowed]
    else:
        served = {did: state.get(SERVED, f"{shared['id']} {did}", -1) for did, _i in eligible}
        ranked = [did for did, index in sorted(eligible, key=lambda e: (served[e[0]], e[1]))]
    units = free_units(state, shared, record["start"], record["end"])
    return [{"member": did, "unit": unit} for did, unit in zip(ranked, units, strict=False)]


def seed(node_did: str, round_id: int, entrants: Iterable[str]) -> str:
    """The lottery's seed: public data fixed only when entries close."""
    text = "|".join([node_did, f"commons-round:{round_id}", *sorted(entrants)])
    return hashlib.sha256(text.encode()).hexdigest()


def draw(node_did: str, round_id: int, entrants: Iterable[str]) -> list[str]:
    """Entrants in the order of their lottery tickets, ``SHA-256(seed | did)``."""
    everyone = sorted(set(entrants))
    drawn = seed(node_did, round_id, everyone)
    return sorted(everyone, key=lambda did: hashlib.sha256(f"{drawn}|{did}".encode()).digest())


def due(state: State, now: str) -> list[int]:
    """The open rounds whose entries have closed at ``now``, oldest first."""
    return [
        int(record["id"])
        for _id, record in sorted(state.items(ROUNDS))
        if record["status"] == OPEN and reached(now, record["closes"])
    ]


def round_of(state: State, round_id: int) -> dict[str, Any]:
    """The round ``round_id``, or ``not_found``."""
    return existing(state, ROUNDS, round_id, "allocation round")
