"""Campaigns as the node runs it: closing them at their deadlines, and what they show.

``run_due`` (called every second by the serving process) logs the closing of
every campaign whose deadline has passed, with the outcome the pledges give
(a network campaign's once its reporting time is over too), and of every copy of
another node's campaign carried here whose deadline has passed.
The reads show each campaign with its pledges and exactly who is owed what.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.campaigns import carried, closing, money, network
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
from commonweal.domain.federation.standing import RECOGNITIONS
from commonweal.domain.funding.assurance import Settlement, Terms, settle
from commonweal.domain.funding.postings import Posting
from commonweal.domain.state import State
from commonweal.node.kernel.due import Refusals, StepKey, attempt
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.services.aid import now

STATUSES = ("open", "succeeded", "failed", "cancelled")


def run_due(node: Node, *, limit: int = 100, refusals: Refusals | None = None) -> list[Receipt]:
    """Close every campaign whose deadline has passed (up to ``limit``); return the receipts.

    A refused close is tried again later (``refusals``, node/kernel/due.py) and does not
    hold up the other campaigns."""
    refusals = refusals or Refusals()
    receipts = []
    for _attempt in range(limit):
        with node.reading() as state:
            pending = [
                c
                for c in closing.due(state, now(node))
                if not refusals.waiting((closing.CLOSED, c))
            ]
            copies = [
                c
                for c in network.carried_due(state, now(node))
                if not refusals.waiting((network.CARRIED_CLOSED, tuple(c)))
            ]
            if pending:
                key: StepKey = (closing.CLOSED, pending[0])
                step = (closing.CLOSED, closing.closing_body(state, pending[0]))
            elif copies:
                home, campaign_id = copies[0]
                key = (network.CARRIED_CLOSED, tuple(copies[0]))
                record = carried.copy_of(state, home, campaign_id)
                members = network.carried_members(state, record)
                body = {
                    "home": home,
                    "campaign": campaign_id,
                    "pledgers": len(members),
                    "members": members,
                }
                step = (network.CARRIED_CLOSED, body)
            else:
                break
        receipt = attempt(node, refusals, key, step[1])
        if receipt is not None:
            receipts.append(receipt)
    return receipts


def campaigns(
    node: Node, *, status: str | None = None, network_only: bool = False
) -> list[dict[str, Any]]:
    """Every campaign, newest first (optionally of one status, or network ones only).

    A listing leaves out the member lists of network reports (up to a thousand DIDs a
    node): ``campaign_view`` has them."""
    with node.reading() as state:
        return [
            _listed(_summary(record))
            for _id, record in sorted(state.items(CAMPAIGNS), key=lambda item: -int(item[1]["id"]))
            if (status is None or record["status"] == status)
            and (not network_only or record.get("network"))
        ]


def recognitions(node: Node) -> list[dict[str, Any]]:
    """The nodes this node has recognised (in force or not): names and URLs for views."""
    with node.reading() as state:
        return [{"node": str(did), **r} for did, r in state.items(RECOGNITIONS)]


def carried_campaigns(node: Node) -> list[dict[str, Any]]:
    """Other nodes' network campaigns this node carries, newest first, with where they
    are at home (name, URL and the campaign's page there, while recognised)."""
    with node.reading() as state:
        homes = {str(did): r for did, r in state.items(RECOGNITIONS)}
        found = sorted(state.items(carried.CARRIED), key=lambda item: -int(item[1]["id"]))
        return [_carried_summary(record, homes.get(record["home"])) for _key, record in found]


def carried_view(node: Node, home: str, campaign_id: int) -> dict[str, Any]:
    """A carried campaign with the pledges made here to it."""
    with node.reading() as state:
        record = carried.find(state, home, campaign_id)
        if record is None:
            raise Rejected(
                "not_found",
                "this node does not carry campaign %(campaign_id)s of %(home)s",
                campaign_id=campaign_id,
                home=home,
            )
        pledges = [
            {"pledger": did, **row}
            for did, row in sorted(state.items(carried.pledges_table(record["id"])))
        ]
        summary = _carried_summary(record, state.get(RECOGNITIONS, home))
    return {**summary, "pledges": pledges}


def _carried_summary(record: dict[str, Any], home: dict[str, Any] | None) -> dict[str, Any]:
    url = home["url"] if home else None
    return {
        **record,
        "home_name": home.get("name", "") if home else "",
        "home_url": url,
        "home_page": f"{url}/campaigns/{record['campaign']}" if url else None,
        "home_recognized": bool(home and home["status"] == "recognized"),
    }


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
        raise Rejected(
            "not_found", "there is no campaign %(campaign_id)s", campaign_id=campaign_id
        ) from None


def _listed(summary: dict[str, Any]) -> dict[str, Any]:
    reports = summary.get("reports")
    if not reports:
        return summary
    brief = {node: {k: v for k, v in r.items() if k != "members"} for node, r in reports.items()}
    return {**summary, "reports": brief}


def _summary(record: dict[str, Any]) -> dict[str, Any]:
    summary = {**record, "goal_met": record["reached_at"] is not None}
    if record.get("network"):
        # pledgers here + each node's report, less the people counted once (``people``)
        pledges = record["pledgers"] + sum(record["remote"].values())
        summary["duplicates"] = pledges - record.get("people", pledges)
    return summary
