"""Campaigns as the node runs it: closing them at their deadlines, and what they show.

``run_due`` (called every second by the serving process) logs the closing of
every campaign whose deadline has passed, with the outcome the pledges give.
The reads show each campaign with its pledges and exactly who is owed what.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.campaigns import closing, money
from commonweal.domain.campaigns.records import (
    CAMPAIGNS,
    HELD,
    OPEN,
    SUCCEEDED,
    campaign,
    held,
    pledges_table,
)
from commonweal.domain.errors import DomainError
from commonweal.domain.funding.assurance import Settlement, Terms, settle
from commonweal.domain.funding.postings import Posting
from commonweal.domain.state import State
from commonweal.node.aid import now
from commonweal.node.errors import Rejected
from commonweal.node.service import Node, Receipt

STATUSES = ("open", "succeeded", "failed", "cancelled")


def run_due(node: Node, *, limit: int = 100) -> list[Receipt]:
    """Close every campaign whose deadline has passed (up to ``limit``); return the receipts."""
    receipts = []
    for _attempt in range(limit):
        with node.reading() as state:
            pending = closing.due(state, now(node))
            if not pending:
                break
            body = closing.closing_body(state, pending[0])
        try:
            receipts.append(node.submit_as_node(closing.CLOSED, body))
        except Rejected:
            break
    return receipts


def campaigns(node: Node, *, status: str | None = None) -> list[dict[str, Any]]:
    """Every campaign, newest first (optionally of one status)."""
    with node.reading() as state:
        return [
            _summary(record)
            for _id, record in sorted(state.items(CAMPAIGNS), key=lambda item: -int(item[1]["id"]))
            if status is None or record["status"] == status
        ]


def campaign_view(node: Node, campaign_id: int) -> dict[str, Any]:
    """A campaign with its pledges, and who is owed what now or on each outcome."""
    with node.reading() as state:
        record = _record(state, campaign_id)
        pledges = [
            {"pledger": did, **row} for did, row in sorted(state.items(pledges_table(campaign_id)))
        ]
        view = {**_summary(record), "pledges": pledges}
        view["owed"] = _owed(state, record, node.identity.did)
    return view


def postings(node: Node, campaign_id: int) -> dict[str, Any]:
    """The postings the campaign's close made, or would make on success and on failure."""
    with node.reading() as state:
        record = _record(state, campaign_id)
        standing = held(state, campaign_id)
        if record["status"] != OPEN:
            settled = _settled(state, record)
            return {"final": True, "postings": [p.as_json() for p in settled]}
        did = node.identity.did
        success = settle(Terms(goal=0, bonus=record["bonus"]), standing)
        failure = settle(Terms(goal=None, bonus=record["bonus"]), standing)
        return {
            "final": False,
            "on_success": [p.as_json() for p in money.closing_postings(record, success, did)],
            "on_failure": [p.as_json() for p in money.closing_postings(record, failure, did)],
        }


def _settled(state: State, record: dict[str, Any]) -> list[Posting]:
    """The closing postings of a closed campaign, rebuilt from its pledge rows."""
    rows = sorted((str(d), r) for d, r in state.items(pledges_table(record["id"])))
    outcome = Settlement(
        succeeded=record["status"] == SUCCEEDED,
        collected=sum(r["collected"] for _d, r in rows),
        refunds={d: r["refunded"] for d, r in rows if r["refunded"]},
        bonuses={d: r["bonus"] for d, r in rows if r["bonus"]},
    )
    return money.closing_postings(record, outcome, record["home"])


def _owed(state: State, record: dict[str, Any], node_did: str) -> dict[str, Any]:
    """Who is owed what: pledges and any bonus reserve held in escrow now (the campaign's
    ledger account holds their sum), or what the close settled."""
    rows = {str(d): r for d, r in state.items(pledges_table(record["id"]))}
    if record["status"] == OPEN:
        return {
            "held_in_escrow": sum(r["held"] for r in rows.values()),
            "bonus_reserve": money.bonus_reserve(record),
            "if_it_fails": {
                d: {"refund": r["held"], "bonus": record["bonus"]}
                for d, r in sorted(rows.items())
                if r["status"] == HELD
            },
        }
    return {
        "beneficiary": money.beneficiary_account(record, node_did),
        "collected": record["outcome"]["collected"],
        "refunds": {d: r["refunded"] for d, r in sorted(rows.items()) if r["refunded"]},
        "bonuses": {d: r["bonus"] for d, r in sorted(rows.items()) if r["bonus"]},
    }


def _record(state: State, campaign_id: int) -> dict[str, Any]:
    try:
        return campaign(state, campaign_id)
    except DomainError:
        raise Rejected("not_found", f"there is no campaign {campaign_id}") from None


def _summary(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "goal_met": record["reached_at"] is not None}
