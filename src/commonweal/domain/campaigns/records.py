"""The campaign state tables and the readers every campaign rule shares.

A campaign is numbered by the leaf index of the event that launched it. Its
pledges live in a table of their own (``campaigns.pledges.<id>``), one row per
pledger, which always says exactly where that pledger's money is:

    pledged = held + withdrawn + refunded + collected

(``held`` waits in escrow for the deadline; ``withdrawn`` went back to the pledger
when they took their pledge back; ``refunded`` went back to them when the campaign
failed or was cancelled; ``collected`` went to the beneficiary), plus any ``bonus``
a failed dominant assurance contract owes them.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.errors import Conflict
from commonweal.domain.funding.assurance import Terms
from commonweal.domain.registry import Context
from commonweal.domain.state import State, existing
from commonweal.domain.timestamps import later, reached
from commonweal.domain.words import WP_

CAMPAIGNS = "campaigns.campaigns"
"""campaign id → kind, terms, deadline, totals, status and outcome."""
PLEDGES_PREFIX = "campaigns.pledges."
"""``campaigns.pledges.<id>``: pledger did → where their pledge stands."""

ALL_OR_NOTHING = "all_or_nothing"
DOMINANT_ASSURANCE = "dominant_assurance"
THRESHOLD = "threshold"
KINDS = (ALL_OR_NOTHING, DOMINANT_ASSURANCE, THRESHOLD)

OPEN, SUCCEEDED, FAILED, CANCELLED = "open", "succeeded", "failed", "cancelled"
HELD, WITHDRAWN, COLLECTED, REFUNDED = "held", "withdrawn", "collected", "refunded"
BINDING, RELEASED = "binding", "released"
STATUS_WORDS = {
    OPEN: WP_("campaign", "open"),
    SUCCEEDED: WP_("campaign", "succeeded"),
    FAILED: WP_("campaign", "failed"),
    CANCELLED: WP_("campaign", "cancelled"),
}
"""Each campaign status's name as a refusal says it, in the reader's language."""
"""A pledge to act once its threshold pledge succeeded, or once it failed."""


def require_taking_pledges(ctx: Context, record: dict[str, Any], named: str, doing: str) -> None:
    """Refuse ``doing`` once the campaign (``named`` in the refusal) is no longer open or
    its deadline has passed; a carried copy's record has the same status and deadline."""
    if record["status"] != OPEN:
        raise Conflict(
            "%(named)s is %(status)s: you cannot %(doing)s now",
            code="campaign_closed",
            named=named,
            status=STATUS_WORDS.get(record["status"], record["status"]),
            doing=doing,
        )
    if reached(ctx.received, record["deadline"]):
        raise Conflict(
            "%(named)s closed for pledges at %(deadline)s",
            code="deadline_passed",
            named=named,
            deadline=record["deadline"],
        )


def pledges_table(campaign_id: int) -> str:
    """The state table of one campaign's pledges."""
    return f"{PLEDGES_PREFIX}{campaign_id}"


def campaign(state: State, campaign_id: int) -> dict[str, Any]:
    """The campaign ``campaign_id``, or ``not_found``."""
    return existing(state, CAMPAIGNS, campaign_id, "campaign")


def terms(record: dict[str, Any]) -> Terms:
    """The success condition and bonus of a campaign record."""
    return Terms(goal=record["goal"], threshold=record["threshold"], bonus=record["bonus"])


def held(state: State, campaign_id: int) -> dict[str, int]:
    """Every pledge still standing, pledger → amount held (0 for a pledge of action)."""
    return {
        str(did): pledge["held"]
        for did, pledge in sorted(state.items(pledges_table(campaign_id)))
        if pledge["status"] == HELD
    }


def reported_members(record: dict[str, Any]) -> set[str]:
    """Everyone the other nodes' final reports name as pledgers (``network.py``)."""
    reports = record.get("reports") or {}
    return {str(did) for report in reports.values() for did in report["members"]}


def extra_people(state: State, record: dict[str, Any]) -> int:
    """The people other nodes report who have no pledge standing here: each person once,
    however many nodes (this one included) they pledged at."""
    reported = reported_members(record)
    if not reported:  # a local campaign, or no report yet: no need to read every pledge
        return 0
    return len(reported - set(held(state, record["id"])))


def people(state: State, record: dict[str, Any]) -> int:
    """The distinct people pledged across the network: this node's standing pledgers
    together with every member list reported, each DID counted once."""
    return len(held(state, record["id"])) + extra_people(state, record)


def closes_at(record: dict[str, Any]) -> str:
    """When the node closes a campaign: at its deadline, or for a network campaign once
    the other nodes have had ``report_seconds`` after it to report their pledgers."""
    if record.get("network"):
        return later(record["deadline"], int(record["report_seconds"]))
    return str(record["deadline"])


def new_pledge(received: str) -> dict[str, Any]:
    """A pledger's row before their first pledge."""
    return {
        "pledged": 0,
        "held": 0,
        "withdrawn": 0,
        "refunded": 0,
        "collected": 0,
        "bonus": 0,
        "status": WITHDRAWN,
        "first_at": received,
        "last_at": received,
    }
