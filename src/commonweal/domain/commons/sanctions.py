"""Breaches, graduated sanctions, appeals and referrals to the assembly.

A steward or monitor reports a breach of a resource's rules; the sanction follows
from the rules and the member's record, not from the reporter's choice. Each
breach still on record (not overturned, within ``memory_days``) moves the member
one step up the resource's ladder, a serious one two steps: by default a warning,
then a suspension of booking rights for some days, then a referral to the
assembly, which keeps the rights suspended until a proposal decides it.

The member may appeal a warning or a suspension within ``appeals.days``. An
appeal is heard by the stewards (any but the one who reported the breach) or by
a proposal, as the rules said when it was filed; a passed proposal may also
decide any open appeal or referral (the ``commons.sanction.decide`` action).
An overturned sanction lifts any suspension and no longer counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.commons.access import OVERTURNED, REFERRED
from commonweal.domain.commons.bookings import cancel
from commonweal.domain.commons.calendar import held
from commonweal.domain.commons.records import (
    BOOKINGS,
    SANCTIONS,
    booking,
    parse_ref,
    require_monitor,
    require_steward,
    resource,
    sanction,
)
from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.fields import only, optional_text, required_text
from commonweal.domain.membership.records import APPLICANT, did_member, member
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.timestamps import later, moment, reached
from commonweal.domain.words import WP_

BREACH_REPORTED = "commons.breach.reported"
APPEAL_FILED = "commons.appeal.filed"
APPEAL_DECIDED = "commons.appeal.decided"
SEVERITIES = ("minor", "serious")
OUTCOMES = ("upheld", "overturned")
DAY = 86_400


@dataclass(frozen=True, slots=True)
class Breach:
    """Body of ``commons.breach.reported``: ``{resource, member, rule, severity?, booking?,
    note?}``."""

    resource: int
    member: str
    rule: str
    severity: str
    booking: int | None
    note: str


@dataclass(frozen=True, slots=True)
class Decision:
    """Body of ``commons.appeal.decided`` and the ``commons.sanction.decide`` action:
    ``{sanction, outcome, reason?, days?}`` (``days``: how long an upheld referral suspends)."""

    sanction: int
    outcome: str
    reason: str
    days: int


def parse_breach(body: Mapping[str, Any]) -> Breach:
    """Which resource, whose breach, of which rule, how serious."""
    only(body, {"resource", "member", "rule", "severity", "booking", "note"})
    severity = body.get("severity", "minor")
    if severity not in SEVERITIES:
        raise InvalidBody(
            "severity must be one of %(severities)s", severities=", ".join(SEVERITIES)
        )
    return Breach(
        resource=parse_ref(body, "resource"),
        member=did_member(dict(body)),
        rule=required_text(body, "rule", max_length=500),
        severity=str(severity),
        booking=parse_ref(body, "booking") if "booking" in body else None,
        note=optional_text(body, "note", max_length=2000),
    )


def parse_appeal(body: Mapping[str, Any]) -> tuple[int, str]:
    """``{"sanction": id, "grounds": text}``."""
    only(body, {"sanction", "grounds"})
    return parse_ref(body, "sanction"), required_text(body, "grounds", max_length=5000)


def parse_decision(body: Mapping[str, Any]) -> Decision:
    """``{"sanction": id, "outcome": "upheld"|"overturned", "reason"?, "days"?}``."""
    only(body, {"sanction", "outcome", "reason", "days"})
    if body.get("outcome") not in OUTCOMES:
        raise InvalidBody("outcome must be one of %(outcomes)s", outcomes=", ".join(OUTCOMES))
    days = body.get("days", 0)
    if type(days) is not int or not 0 <= days <= 3660:
        raise InvalidBody("days must be an integer from 0 to 3,660")
    return Decision(
        sanction=parse_ref(body, "sanction"),
        outcome=str(body["outcome"]),
        reason=optional_text(body, "reason", max_length=2000),
        days=days,
    )


def apply_breach(state: State, ctx: Context, breach: Breach) -> None:
    """A steward or monitor reports a breach; the ladder decides the sanction."""
    record = resource(state, breach.resource)
    require_monitor(record, ctx, WP_("to do", "report a breach"))
    if breach.member == ctx.author:
        raise NotPermitted("you cannot report your own breach", code="self_sanction")
    target = member(state, breach.member)
    if target is None or target["status"] == APPLICANT:
        raise NotPermitted("%(did)s is not a member", code="not_a_member", did=breach.member)
    if breach.booking is not None:
        booked = booking(state, breach.booking)
        if (booked["resource"], booked["member"]) != (record["id"], breach.member):
            raise InvalidBody(
                "booking %(booking)s is not this member's booking of it", booking=breach.booking
            )
    rules = record["rules"]["sanctions"]
    prior = on_record(state, record["id"], breach.member, ctx.received, rules["memory_days"])
    extra = 1 if breach.severity == "serious" else 0
    step = min(len(prior) + extra, len(rules["ladder"]) - 1)
    rung = rules["ladder"][step]
    until = later(ctx.received, rung["days"] * DAY) if rung["kind"] == "suspension" else None
    state.put(
        SANCTIONS,
        ctx.index,
        {
            "id": ctx.index,
            "resource": record["id"],
            "member": breach.member,
            "reported_by": ctx.author,
            "at": ctx.received,
            "rule": breach.rule,
            "severity": breach.severity,
            "booking": breach.booking,
            "note": breach.note,
            "step": step,
            "sanction": rung["kind"],
            "until": until,
            "status": REFERRED if rung["kind"] == "referral" else "in_force",
            "appeal": None,
            "decision": None,
        },
    )
    if rung["kind"] != "warning":
        _cancel_future(state, ctx, record["id"], breach.member, until)


def apply_appeal(state: State, ctx: Context, appeal: tuple[int, str]) -> None:
    """The member sanctioned appeals a warning or suspension, once, in time."""
    sanction_id, grounds = appeal
    record = sanction(state, sanction_id)
    if ctx.author != record["member"]:
        raise NotPermitted("only the member sanctioned may appeal", code="not_sanctioned")
    if record["status"] == REFERRED:
        raise Conflict("a referral is already before the assembly", code="referred")
    if record["appeal"] is not None:
        raise Conflict(
            "sanction %(sanction)s was already appealed",
            code="already_appealed",
            sanction=sanction_id,
        )
    rules = resource(state, record["resource"])["rules"]["appeals"]
    deadline = later(record["at"], rules["days"] * DAY)
    if reached(ctx.received, deadline):
        raise Conflict("appeals closed at %(deadline)s", code="appeal_too_late", deadline=deadline)
    state.put(
        SANCTIONS,
        sanction_id,
        {**record, "appeal": {"filed_at": ctx.received, "grounds": grounds, "by": rules["by"]}},
    )


def apply_steward_decision(state: State, ctx: Context, decision: Decision) -> None:
    """A steward who did not report the breach decides an appeal the stewards hear."""
    record = sanction(state, decision.sanction)
    if record["appeal"] is None or record["decision"] is not None:
        raise Conflict(
            "sanction %(sanction)s has no open appeal", code="no_appeal", sanction=decision.sanction
        )
    if record["appeal"]["by"] != "stewards":
        raise NotPermitted("this appeal is decided by a proposal", code="by_proposal")
    require_steward(resource(state, record["resource"]), ctx, WP_("to do", "decide an appeal"))
    if ctx.author in (record["reported_by"], record["member"]):
        raise NotPermitted(
            "neither who reported the breach nor who was sanctioned may hear its appeal",
            code="not_impartial",
        )
    if decision.days:
        raise InvalidBody("days applies only to a referral the assembly upholds")
    decide(state, ctx, record, decision, via="stewards")


def decide_by_proposal(state: State, ctx: Context, decision: Decision) -> None:
    """A passed proposal decides an open appeal or a referral."""
    record = sanction(state, decision.sanction)
    pending_appeal = record["appeal"] is not None and record["decision"] is None
    if record["status"] != REFERRED and not pending_appeal:
        raise Conflict(
            "sanction %(sanction)s has no open appeal or referral",
            code="nothing_to_decide",
            sanction=decision.sanction,
        )
    if decision.days and record["status"] != REFERRED:
        raise InvalidBody("days applies only to a referral the assembly upholds")
    decide(state, ctx, record, decision, via="proposal")


def decide(
    state: State, ctx: Context, record: Mapping[str, Any], decision: Decision, *, via: str
) -> None:
    """Record the outcome: overturned lifts the sanction; an upheld referral suspends the
    member's rights for ``days`` from now (none: the rights return)."""
    until = record["until"]
    if record["status"] == REFERRED:
        upheld = decision.outcome == "upheld" and decision.days
        until = later(ctx.received, decision.days * DAY) if upheld else None
    state.put(
        SANCTIONS,
        record["id"],
        {
            **record,
            "status": decision.outcome,
            "until": until,
            "decision": {
                "at": ctx.received,
                "by": ctx.author,
                "via": via,
                "outcome": decision.outcome,
                "reason": decision.reason,
            },
        },
    )


def on_record(
    state: State, resource_id: int, did: str, now: str, memory_days: int
) -> list[dict[str, Any]]:
    """The member's sanctions for this resource that still count: not overturned, and
    imposed within the last ``memory_days``."""
    since = moment(later(now, -memory_days * DAY))
    return [
        record
        for _id, record in sorted(state.items(SANCTIONS))
        if record["resource"] == resource_id
        and record["member"] == did
        and record["status"] != OVERTURNED
        and moment(record["at"]) > since
    ]


def _cancel_future(
    state: State, ctx: Context, resource_id: int, did: str, until: str | None
) -> None:
    """Cancel the member's bookings of the resource that start during the suspension."""
    for start, _end, booking_id in held(state, resource_id, did, ctx.received):
        if moment(start) <= moment(ctx.received):
            continue
        if until is None or moment(start) < moment(until):
            reason = f"booking rights suspended by sanction {ctx.index}"
            cancel(state, ctx, state.get(BOOKINGS, booking_id), reason)
