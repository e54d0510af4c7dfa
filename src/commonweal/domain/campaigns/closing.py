"""A campaign closes at its deadline: the node collects the pledges or refunds them.

The closing event is authored by the node once the log's receipt times pass the
deadline, and its content is determined by the log: it states the outcome, the
total and the number of pledgers here (and, for a network campaign, the distinct
``people`` across the network, its reports included), and the rule recomputes them
from the pledges and refuses the event if any differs (so ``verify`` re-decides every
campaign). Collection and refunds are then recorded on every pledge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.campaigns import money
from commonweal.domain.campaigns.records import (
    BINDING,
    CAMPAIGNS,
    CANCELLED,
    COLLECTED,
    FAILED,
    OPEN,
    REFUNDED,
    RELEASED,
    STATUS_WORDS,
    SUCCEEDED,
    campaign,
    closes_at,
    extra_people,
    held,
    people,
    pledges_table,
    terms,
)
from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.funding import fields
from commonweal.domain.funding.assurance import Settlement, Terms, settle
from commonweal.domain.funding.postings import to_ledger
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.timestamps import reached

CLOSED = "campaigns.campaign.closed"


@dataclass(frozen=True, slots=True)
class Close:
    """Body of ``campaigns.campaign.closed``: what the node says the pledges add up to."""

    campaign: int
    outcome: str
    total: int
    pledgers: int
    """The pledges standing in this node's log."""
    people: int | None = None
    """A network campaign's distinct people (this node's pledgers and every reported
    member, each DID once): what its outcome follows; None for a local campaign."""


def parse_close(body: Mapping[str, Any]) -> Close:
    """``{"campaign", "outcome": "succeeded"|"failed", "total", "pledgers", "people"?}``
    (``people`` closes a network campaign, and only one)."""
    keys = {"campaign", "outcome", "total", "pledgers"}
    fields.only(body, keys | {"people"}, keys)
    outcome = body["outcome"]
    if outcome not in (SUCCEEDED, FAILED):
        raise InvalidBody("outcome must be succeeded or failed")
    return Close(
        fields.ref(body, "campaign"),
        outcome,
        fields.amount(body, "total", minimum=0),
        fields.amount(body, "pledgers", minimum=0),
        fields.amount(body, "people", minimum=0) if "people" in body else None,
    )


def closing_body(state: State, campaign_id: int) -> dict[str, Any]:
    """The body the node logs to close ``campaign_id`` (what :func:`apply_close` recomputes)."""
    record = campaign(state, campaign_id)
    outcome = settle(
        terms(record), held(state, campaign_id), extra_pledgers=extra_people(state, record)
    )
    body: dict[str, Any] = {
        "campaign": campaign_id,
        "outcome": SUCCEEDED if outcome.succeeded else FAILED,
        "total": record["total"],
        "pledgers": record["pledgers"],
    }
    if record.get("network"):
        body["people"] = people(state, record)
    return body


def apply_close(state: State, ctx: Context, close: Close) -> None:
    """The node closes a campaign at its deadline; its claim must match the pledges."""
    require_node_key(ctx, when="the deadline has passed")
    record = campaign(state, close.campaign)
    if record["status"] != OPEN:
        raise Conflict(
            "campaign %(campaign)s is already %(status)s",
            code="campaign_closed",
            campaign=close.campaign,
            status=STATUS_WORDS.get(record["status"], record["status"]),
        )
    if not reached(ctx.received, closes_at(record)):
        raise Conflict(
            "campaign %(campaign)s closes at %(closes)s",
            code="too_early",
            campaign=close.campaign,
            closes=closes_at(record),
        )
    expected = closing_body(state, close.campaign)
    claimed: dict[str, Any] = {
        "campaign": close.campaign,
        "outcome": close.outcome,
        "total": close.total,
        "pledgers": close.pledgers,
    }
    if close.people is not None:
        claimed["people"] = close.people
    if claimed != expected:
        raise Conflict(
            "the closing does not match the pledges: they give %(expected)s",
            code="outcome_mismatch",
            expected=expected,
        )
    settle_campaign(state, ctx, record, cancelled=False)


def settle_campaign(
    state: State, ctx: Context, record: dict[str, Any], *, cancelled: bool
) -> Settlement:
    """Record the outcome on the campaign and on every standing pledge; post the money."""
    standing = held(state, record["id"])
    outcome = settle(
        terms(record) if not cancelled else _never(record),
        standing,
        extra_pledgers=extra_people(state, record),
    )
    table = pledges_table(record["id"])
    money_kind = record["unit"] is not None
    for did in standing:
        row = state.get(table, did)
        if outcome.succeeded:
            row = {
                **row,
                "held": 0,
                "collected": row["collected"] + row["held"],
                "status": COLLECTED if money_kind else BINDING,
            }
        else:
            row = {
                **row,
                "held": 0,
                "refunded": row["refunded"] + row["held"],
                "bonus": outcome.bonuses.get(did, 0),
                "status": REFUNDED if money_kind else RELEASED,
            }
        state.put(table, did, row)
    status = CANCELLED if cancelled else SUCCEEDED if outcome.succeeded else FAILED
    state.put(
        CAMPAIGNS,
        record["id"],
        {
            **record,
            "status": status,
            "closed_at": ctx.received,
            "closed_index": ctx.index,
            "outcome": {
                "collected": outcome.collected,
                "refunded": sum(outcome.refunds.values()),
                "bonuses": outcome.bonus_total,
            },
        },
    )
    to_ledger(
        state,
        ctx,
        money.closing_postings(record, outcome, ctx.node_did),
        kind="campaign",
        ref=record["id"],
        memo=f"campaign {record['id']} {status}: {record['title']}"[:200],
    )
    return outcome


def _never(record: dict[str, Any]) -> Terms:
    """Terms no pledges can meet (a cancelled campaign settles as a failure)."""
    return Terms(goal=None, threshold=None, bonus=record["bonus"])


def due(state: State, now: str) -> list[int]:
    """Every open campaign due to close at ``now`` (:func:`closes_at`), oldest first."""
    return sorted(
        int(record["id"])
        for _id, record in state.items(CAMPAIGNS)
        if record["status"] == OPEN and reached(now, closes_at(record))
    )


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        CLOSED,
        "The node closes a campaign at its deadline: pledges collected or refunded.",
        parse_close,
        apply_close,
    ),
)
