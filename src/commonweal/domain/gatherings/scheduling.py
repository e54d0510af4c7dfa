"""Scheduling and cancelling gatherings and assemblies.

Any member in good standing may call a gathering; an assembly (the members
meeting to deliberate) takes the ``gatherings.convene`` permission. The organiser
sets the capacity (0: no limit), whether a full gathering keeps a waitlist,
whether check-in needs a place from an RSVP, and the hash of a self check-in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import only, optional_text, required_text, sha256_digest, utc_time
from commonweal.domain.gatherings.records import (
    GATHERINGS,
    KINDS,
    gathering,
    parse_ref,
    require_not_cancelled,
    require_organiser,
)
from commonweal.domain.membership.records import require_active_member, require_permission
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.timestamps import reached
from commonweal.domain.words import WP_, Number

SCHEDULED = "gatherings.gathering.scheduled"
CANCELLED = "gatherings.gathering.cancelled"
MAX_CAPACITY = 100_000
MAX_ORGANISERS = 20


@dataclass(frozen=True, slots=True)
class Schedule:
    """Body of ``gatherings.gathering.scheduled``: ``{kind?, title, description?, place?,
    starts, ends, capacity?, waitlist?, rsvp_required?, checkin_code_hash?, organisers?}``."""

    kind: str
    title: str
    description: str
    place: str
    starts: str
    ends: str
    capacity: int
    waitlist: bool
    rsvp_required: bool
    code_hash: str | None
    organisers: list[str]


def parse_schedule(body: Mapping[str, Any]) -> Schedule:
    """A gathering's plan; it must end after it starts."""
    only(
        body,
        {
            "kind",
            "title",
            "description",
            "place",
            "starts",
            "ends",
            "capacity",
            "waitlist",
            "rsvp_required",
            "checkin_code_hash",
            "organisers",
        },
    )
    kind = body.get("kind", "gathering")
    if kind not in KINDS:
        raise InvalidBody("kind must be one of %(kinds)s", kinds=", ".join(KINDS))
    starts, ends = utc_time(body, "starts"), utc_time(body, "ends")
    if ends <= starts:
        raise InvalidBody("ends must come after starts")
    capacity = body.get("capacity", 0)
    if type(capacity) is not int or not 0 <= capacity <= MAX_CAPACITY:
        raise InvalidBody("capacity must be 0 (no limit) to %(most)s", most=Number(MAX_CAPACITY))
    flags = {name: body.get(name, default) for name, default in _FLAGS.items()}
    if not all(isinstance(flag, bool) for flag in flags.values()):
        raise InvalidBody("waitlist and rsvp_required must be true or false")
    organisers = body.get("organisers", [])
    if (
        not isinstance(organisers, list)
        or len(organisers) > MAX_ORGANISERS
        or not all(isinstance(o, str) and o.startswith("did:key:z6Mk") for o in organisers)
    ):
        raise InvalidBody(
            "organisers must be a list of at most %(most)s did:keys", most=MAX_ORGANISERS
        )
    return Schedule(
        kind=str(kind),
        title=required_text(body, "title", max_length=200),
        description=optional_text(body, "description", max_length=5000),
        place=optional_text(body, "place", max_length=300),
        starts=starts,
        ends=ends,
        capacity=capacity,
        waitlist=flags["waitlist"],
        rsvp_required=flags["rsvp_required"],
        code_hash=(
            sha256_digest(body, "checkin_code_hash") if "checkin_code_hash" in body else None
        ),
        organisers=sorted(set(organisers)),
    )


_FLAGS = {"waitlist": True, "rsvp_required": False}


def parse_cancellation(body: Mapping[str, Any]) -> tuple[int, str]:
    """``{"gathering": id, "reason"?: text}``."""
    only(body, {"gathering", "reason"})
    return parse_ref(body), optional_text(body, "reason", max_length=1000)


def apply_schedule(state: State, ctx: Context, plan: Schedule) -> None:
    """A member schedules a gathering (an assembly needs ``gatherings.convene``)."""
    require_active_member(state, ctx.author, WP_("to do", "schedule a gathering"))
    if plan.kind == "assembly":
        require_permission(state, ctx, "gatherings.convene")
    if reached(ctx.received, plan.ends):
        raise Conflict("%(when)s is in the past", code="in_the_past", when=plan.ends)
    for did in plan.organisers:
        require_active_member(state, did, WP_("to do", "organise a gathering"))
    state.put(
        GATHERINGS,
        ctx.index,
        {
            "id": ctx.index,
            "kind": plan.kind,
            "title": plan.title,
            "description": plan.description,
            "place": plan.place,
            "starts": plan.starts,
            "ends": plan.ends,
            "capacity": plan.capacity,
            "waitlist": plan.waitlist,
            "rsvp_required": plan.rsvp_required,
            "code_hash": plan.code_hash,
            "organisers": sorted({ctx.author, *plan.organisers}),
            "scheduled_by": ctx.author,
            "scheduled_at": ctx.received,
            "cancelled": None,
            "going": 0,
            "waiting": [],
            "claims": [],
            "attended": 0,
            "code_revealed_at": None,
        },
    )


def apply_cancellation(state: State, ctx: Context, cancellation: tuple[int, str]) -> None:
    """An organiser calls off a gathering that has not ended."""
    gathering_id, reason = cancellation
    record = gathering(state, gathering_id)
    require_organiser(record, ctx, WP_("to do", "cancel it"))
    require_not_cancelled(record)
    if reached(ctx.received, record["ends"]):
        raise Conflict("%(title)s is over", code="too_late", title=repr(record["title"]))
    state.put(
        GATHERINGS,
        gathering_id,
        {**record, "cancelled": {"at": ctx.received, "by": ctx.author, "reason": reason}},
    )
