"""Launching a campaign, pledging to it, withdrawing a pledge, cancelling a campaign.

Goal, deadline and terms are fixed at launch (Kickstarter's rule: nobody can move
the goalposts under the pledgers). Members pledge until the deadline, checked
against the node's receipt time; a pledge may be withdrawn until then. A pledge
names the campaign's *home* node: a node takes pledges for its own campaigns, and
for another node's network threshold campaign that it carries (``network.py``,
``carried.py``).

A threshold campaign launched with ``network: true`` also counts the pledgers that
other nodes report (``report_seconds`` after the deadline are left for their
reports); old launch bodies without these terms are local campaigns, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.campaigns import carried, money
from commonweal.domain.campaigns.closing import settle_campaign
from commonweal.domain.campaigns.records import (
    ALL_OR_NOTHING,
    CAMPAIGNS,
    DOMINANT_ASSURANCE,
    HELD,
    KINDS,
    OPEN,
    THRESHOLD,
    WITHDRAWN,
    campaign,
    extra_people,
    new_pledge,
    pledges_table,
    require_taking_pledges,
    terms,
)
from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.fields import optional_text, required_text
from commonweal.domain.funding import fields
from commonweal.domain.funding.assurance import succeeds
from commonweal.domain.funding.postings import Posting, money_unit, to_ledger
from commonweal.domain.membership.records import did_member, require_active_member
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State
from commonweal.domain.timestamps import later, reached
from commonweal.domain.words import W_, WP_

LAUNCHED = "campaigns.campaign.launched"
PLEDGED = "campaigns.pledge.made"
PLEDGE_WITHDRAWN = "campaigns.pledge.withdrawn"
CANCELLED_EVENT = "campaigns.campaign.cancelled"
MAX_DAYS = 365
"""The furthest a deadline may be from the launch."""
REPORT_SECONDS = 3600
"""How long after the deadline a network campaign waits for other nodes' reports."""
REPORT_RANGE = (60, 86400)
LEDGER_KIND = "campaign"
"""The kind of the ledger entries campaigns write."""
_MONEY = {"unit", "goal"}
_ALLOWED = {
    ALL_OR_NOTHING: _MONEY,
    DOMINANT_ASSURANCE: _MONEY | {"price", "bonus"},
    THRESHOLD: {"threshold", "action"},
}
_OPTIONAL = {THRESHOLD: {"network", "report_seconds"}}


@dataclass(frozen=True, slots=True)
class Launch:
    """Body of ``campaigns.campaign.launched``."""

    kind: str
    title: str
    description: str
    deadline: str
    beneficiary: str | None
    unit: str | None
    goal: int | None
    price: int | None
    bonus: int
    threshold: int | None
    action: str
    network: bool = False
    report_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class Pledge:
    """Body of ``campaigns.pledge.made``: ``amount`` is None for a pledge of action."""

    campaign: int
    home: str
    amount: int | None


def parse_launch(body: Mapping[str, Any]) -> Launch:
    """``{"kind", "title", "description"?, "deadline", "beneficiary"?, …terms of the kind}``."""
    kind = body.get("kind")
    if kind not in KINDS:
        raise InvalidBody("kind must be one of %(kinds)s", kinds=", ".join(KINDS))
    common = {"kind", "title", "description", "deadline", "beneficiary"}
    optional = _OPTIONAL.get(kind, set())
    fields.only(body, common | _ALLOWED[kind] | optional, {"title", "deadline"} | _required(kind))
    network = fields.flag(body, "network")
    if "report_seconds" in body and not network:
        raise InvalidBody("report_seconds is a term of a network campaign (network: true)")
    beneficiary = body.get("beneficiary")
    if beneficiary is not None and not isinstance(beneficiary, str):
        raise InvalidBody("beneficiary must be a member's did:key or the node's DID")
    launch = Launch(
        kind=kind,
        title=required_text(body, "title", max_length=200),
        description=optional_text(body, "description", max_length=5000),
        deadline=fields.instant(body, "deadline"),
        beneficiary=beneficiary,
        unit=fields.unit(body) if kind != THRESHOLD else None,
        goal=fields.amount(body, "goal") if kind != THRESHOLD else None,
        price=fields.amount(body, "price") if kind == DOMINANT_ASSURANCE else None,
        bonus=fields.amount(body, "bonus") if kind == DOMINANT_ASSURANCE else 0,
        threshold=fields.amount(body, "threshold") if kind == THRESHOLD else None,
        action=required_text(body, "action", max_length=500) if kind == THRESHOLD else "",
        network=network,
        report_seconds=_report_seconds(body) if network else None,
    )
    if launch.price is not None and launch.goal is not None and launch.price > launch.goal:
        raise InvalidBody("price may not be more than the goal")
    return launch


def _required(kind: str) -> set[str]:
    return set(_ALLOWED[kind])


def _report_seconds(body: Mapping[str, Any]) -> int:
    value = body.get("report_seconds", REPORT_SECONDS)
    low, high = REPORT_RANGE
    if type(value) is not int or not low <= value <= high:
        raise InvalidBody(
            "report_seconds must be a whole number from %(low)s to %(high)s", low=low, high=high
        )
    return value


def apply_launch(state: State, ctx: Context, launch: Launch) -> None:
    """A member launches a campaign; its terms are fixed from now on. A campaign of money
    is in a unit the node has declared; a dominant assurance contract's author escrows
    its bonus reserve now (``money.bonus_reserve``)."""
    require_active_member(state, ctx.author, WP_("to do", "launch a campaign"))
    if launch.unit is not None:
        money_unit(state, launch.unit)
    if reached(ctx.received, launch.deadline):
        raise Conflict("the deadline has already passed", code="deadline_passed")
    if reached(launch.deadline, later(ctx.received, MAX_DAYS * 86400)):
        raise Conflict(
            "a deadline must fall within %(days)s days of the launch",
            code="deadline_too_far",
            days=MAX_DAYS,
        )
    beneficiary = launch.beneficiary or ctx.author
    if beneficiary != ctx.node_did:
        require_active_member(
            state,
            did_member({"beneficiary": beneficiary}, "beneficiary"),
            "receive a campaign's money",
        )
    record = {
        "id": ctx.index,
        "kind": launch.kind,
        "title": launch.title,
        "description": launch.description,
        "author": ctx.author,
        "beneficiary": beneficiary,
        "home": ctx.node_did,
        "unit": launch.unit,
        "goal": launch.goal,
        "price": launch.price,
        "bonus": launch.bonus,
        "threshold": launch.threshold,
        "action": launch.action,
        "network": launch.network,
        "report_seconds": launch.report_seconds,
        "launched_at": ctx.received,
        "deadline": launch.deadline,
        "status": OPEN,
        "total": 0,
        "pledgers": 0,
        "people": 0,
        "remote": {},
        "reports": {},
        "progress": {},
        "reached_at": None,
        "closed_at": None,
        "closed_index": None,
        "outcome": None,
        "reason": "",
    }
    state.put(CAMPAIGNS, ctx.index, record)
    to_ledger(state, ctx, money.launch_postings(record), kind=LEDGER_KIND, ref=ctx.index)


def parse_pledge(body: Mapping[str, Any]) -> Pledge:
    """``{"campaign": id, "home": <the campaign's node DID>, "amount"?: minor units}``."""
    fields.only(body, {"campaign", "home", "amount"}, {"campaign", "home"})
    home = body.get("home")
    if not isinstance(home, str) or not home.startswith("did:"):
        raise InvalidBody("home must be the DID of the campaign's node")
    return Pledge(fields.ref(body, "campaign"), home, fields.optional_amount(body, "amount"))


def apply_pledge(state: State, ctx: Context, pledge: Pledge) -> None:
    """A member pledges money (or, to a threshold pledge, their action) before the deadline;
    to another node's campaign only if this node carries it (``carried.pledge``)."""
    if pledge.home != ctx.node_did:
        carried.pledge(state, ctx, pledge.home, pledge.campaign, pledge.amount)
        return
    require_active_member(state, ctx.author, WP_("to do", "pledge"))
    record = _open_campaign(state, ctx, pledge.campaign, WP_("to do", "pledge"))
    table = pledges_table(pledge.campaign)
    row = state.get(table, ctx.author)
    standing = row is not None and row["status"] == HELD
    amount = _pledge_amount(record, pledge.amount, standing=standing)
    row = row or new_pledge(ctx.received)
    row = {
        **row,
        "pledged": row["pledged"] + amount,
        "held": row["held"] + amount,
        "status": HELD,
        "last_at": ctx.received,
    }
    state.put(table, ctx.author, row)
    postings = money.pledge_postings(record, ctx.author, amount)
    _book(state, ctx, record, amount, 0 if standing else 1, postings)


def _pledge_amount(record: dict[str, Any], amount: int | None, *, standing: bool) -> int:
    """The amount a pledge adds: checked against the kind's terms."""
    if record["kind"] == THRESHOLD:
        if amount is not None:
            raise InvalidBody("a threshold pledge is a pledge to act; it carries no amount")
        if standing:
            raise Conflict("you have already pledged to this campaign", code="already_pledged")
        return 0
    if amount is None:
        raise InvalidBody("a pledge to this campaign needs an amount")
    if record["kind"] == DOMINANT_ASSURANCE:
        if amount != record["price"]:
            raise Conflict(
                "each pledge to this campaign is exactly %(price)s %(unit)s",
                code="wrong_amount",
                price=record["price"],
                unit=record["unit"],
            )
        if standing:
            raise Conflict("you have already pledged to this campaign", code="already_pledged")
    return amount


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """Body of ``campaigns.pledge.withdrawn``: ``home`` None is this node."""

    campaign: int
    home: str | None


def parse_withdrawal(body: Mapping[str, Any]) -> Withdrawal:
    """``{"campaign": id, "home"?: <the campaign's node DID, when it is another node>}``."""
    fields.only(body, {"campaign", "home"}, {"campaign"})
    home = body.get("home")
    if home is not None and (not isinstance(home, str) or not home.startswith("did:")):
        raise InvalidBody("home must be the DID of the campaign's node")
    return Withdrawal(fields.ref(body, "campaign"), home)


def apply_withdrawal(state: State, ctx: Context, withdrawal: Withdrawal) -> None:
    """A pledger takes their pledge back before the deadline; the money returns at once."""
    campaign_id = withdrawal.campaign
    if withdrawal.home is not None and withdrawal.home != ctx.node_did:
        carried.withdraw(state, ctx, withdrawal.home, campaign_id)
        return
    record = _open_campaign(state, ctx, campaign_id, WP_("to do", "withdraw a pledge"))
    table = pledges_table(campaign_id)
    row = state.get(table, ctx.author)
    if row is None or row["status"] != HELD:
        raise Conflict("you have no pledge standing on this campaign", code="no_pledge")
    amount = row["held"]
    state.put(
        table,
        ctx.author,
        {
            **row,
            "held": 0,
            "withdrawn": row["withdrawn"] + amount,
            "status": WITHDRAWN,
            "last_at": ctx.received,
        },
    )
    _book(state, ctx, record, -amount, -1, money.withdrawal_postings(record, ctx.author, amount))


def parse_cancellation(body: Mapping[str, Any]) -> tuple[int, str]:
    """``{"campaign": id, "reason"?: text}``."""
    fields.only(body, {"campaign", "reason"}, {"campaign"})
    return fields.ref(body, "campaign"), optional_text(body, "reason", max_length=1000)


def apply_cancellation(state: State, ctx: Context, cancellation: tuple[int, str]) -> None:
    """Its author calls a campaign off before the deadline: it settles as a failure
    (every pledge refunded and, for a dominant assurance contract, every bonus paid)."""
    campaign_id, reason = cancellation
    record = _open_campaign(state, ctx, campaign_id, WP_("to do", "cancel it"))
    if record["author"] != ctx.author:
        raise NotPermitted("only the campaign's author may cancel it", code="not_author")
    settle_campaign(state, ctx, {**record, "reason": reason}, cancelled=True)


def _open_campaign(state: State, ctx: Context, campaign_id: int, doing: str) -> dict[str, Any]:
    record = campaign(state, campaign_id)
    require_taking_pledges(ctx, record, W_("campaign %(id)s", id=campaign_id), doing)
    return record


def _book(
    state: State,
    ctx: Context,
    record: dict[str, Any],
    amount: int,
    pledgers: int,
    postings: list[Posting],
) -> None:
    """A pledge made or withdrawn: the campaign's totals change, and its money moves."""
    _retotal(state, ctx, record, amount, pledgers)
    to_ledger(state, ctx, postings, kind=LEDGER_KIND, ref=record["id"])


def _retotal(
    state: State, ctx: Context, record: dict[str, Any], amount: int, pledgers: int
) -> None:
    total = record["total"] + amount
    count = record["pledgers"] + pledgers
    everyone = count + extra_people(state, record)  # the pledge table is updated already
    meets = succeeds(terms(record), total, everyone)
    reached_at = (record["reached_at"] or ctx.received) if meets else None
    state.put(
        CAMPAIGNS,
        record["id"],
        {
            **record,
            "total": total,
            "pledgers": count,
            "people": everyone,
            "reached_at": reached_at,
        },
    )


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(LAUNCHED, "A member launches a campaign.", parse_launch, apply_launch),
    EventType(PLEDGED, "A member pledges to a campaign.", parse_pledge, apply_pledge),
    EventType(
        PLEDGE_WITHDRAWN,
        "A pledger withdraws their pledge before the deadline.",
        parse_withdrawal,
        apply_withdrawal,
    ),
    EventType(
        CANCELLED_EVENT,
        "A campaign's author cancels it; every pledge is refunded.",
        parse_cancellation,
        apply_cancellation,
    ),
)
