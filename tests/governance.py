"""Builders for governance tests: more members, proposals moved through their phases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from commonweal.node.services import governance
from tests.community import Community

VOUCH = "membership.vouch.given"


def admit(community: Community, *names: str) -> None:
    """Apply and get two founders' vouches for each of ``names``."""
    for name in names:
        community.apply(name)
        for founder in ("alice", "bob"):
            community.act(founder, VOUCH, {"applicant": community.did(name)})


def draft(
    community: Community,
    author: str = "alice",
    *,
    kind: str = "decision",
    title: str = "Plant an orchard",
    text: str = "Twelve fruit trees along the east fence.",
    topic: str = "general",
    actions: list[dict[str, Any]] | None = None,
) -> int:
    """Draft a proposal; its id is the receipt's index."""
    body = {"kind": kind, "topic": topic, "title": title, "text": text, "actions": actions or []}
    return community.act(author, "governance.proposal.drafted", body).index


def submit(community: Community, proposal: int, author: str = "alice") -> None:
    """Open the draft for discussion."""
    community.act(author, "governance.proposal.submitted", {"proposal": proposal})


def rules(community: Community, proposal: int) -> dict[str, Any]:
    """The proposal's rules as copied at submission."""
    record: dict[str, Any] = community.node.state.get("governance.proposals", proposal)
    return record["rules"]


def run_due(community: Community) -> list[str]:
    """Let the node log what is due; return the event types it logged."""
    receipts = governance.run_due(community.node)
    return [community.node.store.entry(r.index).type for r in receipts]  # type: ignore[union-attr]


def to_voting(community: Community, proposal: int) -> None:
    """Wait out the discussion; the node opens voting."""
    community.clock.advance(seconds=rules(community, proposal)["discussion_seconds"])
    assert "governance.voting.opened" in run_due(community)
    assert phase(community, proposal) == "voting"


def close(community: Community, proposal: int) -> dict[str, Any]:
    """Wait out the vote; the node closes it (and executes any decision). Return the result."""
    community.clock.advance(seconds=rules(community, proposal)["voting_seconds"])
    run_due(community)
    record = community.node.state.get("governance.proposals", proposal)
    assert record["phase"] == "closed"
    result: dict[str, Any] = record["outcome"]
    return result


def vote(community: Community, name: str, proposal: int, ballot: dict[str, Any]) -> None:
    """Cast (or change) a ballot."""
    community.act(name, "governance.ballot.cast", {"proposal": proposal, "ballot": ballot})


def delegate(community: Community, name: str, trustee: str | None, scope: str = "node") -> None:
    """Delegate ``name``'s vote in ``scope`` to ``trustee`` (None: explicitly no one)."""
    body = {"scope": scope, "trustee": community.did(trustee) if trustee else None}
    community.act(name, "governance.delegation.set", body)


def phase(community: Community, proposal: int) -> str:
    """The proposal's phase."""
    return str(community.node.state.get("governance.proposals", proposal)["phase"])


__all__ = ["timedelta"]
