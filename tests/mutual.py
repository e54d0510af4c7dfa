"""Builders for aid, campaign and funding tests: members, posts, campaigns, rounds, pools."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from commonweal.core.rfc3339 import format_utc
from commonweal.domain.catalog import default_registry
from commonweal.node import campaigns, rounds
from commonweal.node.verify import verify_log
from tests.community import Community


def later(community: Community, **delta: float) -> str:
    """An RFC 3339 time ``delta`` after the community's clock."""
    return format_utc(community.clock() + timedelta(**delta))


def post(community: Community, name: str, kind: str = "request", **body: Any) -> int:
    """Post an aid request or offer; return its id."""
    fields = {"title": f"A {kind} by {name}", "category": "food", **body}
    return community.act(name, f"aid.{kind}.posted", fields).index


def launch(community: Community, name: str = "alice", **body: Any) -> int:
    """Launch a campaign (an all-or-nothing one of 1,000 EUR by default); return its id."""
    terms = {
        "kind": "all_or_nothing",
        "title": "Crowdfund the land",
        "deadline": later(community, days=30),
        "unit": "EUR",
        "goal": 1000,
        **body,
    }
    terms = {key: value for key, value in terms.items() if value is not None}
    return community.act(name, "campaigns.campaign.launched", terms).index


def pledge(community: Community, name: str, campaign: int, amount: int | None = None) -> None:
    """Pledge to a campaign of this node."""
    body: dict[str, Any] = {"campaign": campaign, "home": community.node.identity.did}
    if amount is not None:
        body["amount"] = amount
    community.act(name, "campaigns.pledge.made", body)


def run_due(community: Community) -> list[str]:
    """Let the node log whatever campaign and funding events are due; their types."""
    receipts = campaigns.run_due(community.node) + rounds.run_due(community.node)
    return [community.node.store.entry(r.index).type for r in receipts]  # type: ignore[union-attr]


def replays(community: Community) -> bool:
    """The projection built event by event equals the one rebuilt from the whole log."""
    node = community.node
    return verify_log(node.store, default_registry(), compare_with=node.store).ok
