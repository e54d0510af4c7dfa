"""The demo community joins the network's alliance (``make demo``): its members pass a
``recognition`` proposal that recognises the alliance (their constitution reserves
recognition for a decision), voted with the first proposals of the governance
chapter; at the end of the story the node opens its precinct of the alliance's open
network vote, copying the call from the alliance's log as its sync would, so a member
can sign in on port 8000 and cast a ballot in the browser.

Without an alliance (``commonweal demo --single``, the tests' demo) nothing here runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from commonweal.core.events import parse_leaf
from commonweal.domain.federation import alliance, precincts
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.kernel.setup import open_store

VOTERS = ("amara", "bruno", "chen", "dalia", "emil")


@dataclass(frozen=True)
class Alliance:
    """The alliance the community joins: its recognition (identity, url, name) and the
    data directory whose log holds its calls."""

    recognition: dict[str, Any]
    data_dir: Path


class Actor(Protocol):
    """What the demo story offers (see ``demo.Story``)."""

    node: Node
    alliance: Alliance | None

    def act(self, name: str, event_type: str, body: dict[str, Any] | None = None) -> Receipt: ...


def propose(story: Actor) -> int | None:
    """Amara drafts and submits the proposal to recognise the alliance (None: no alliance)."""
    if story.alliance is None:
        return None
    recognition = story.alliance.recognition
    action = {
        "type": "federation.recognize",
        **recognition,
        "terms": {"alliance": True, "visitors": [], "witness": True, "mirror": True},
    }
    body = {
        "kind": "recognition",
        "topic": "general",
        "title": f"Join {recognition['name']}",
        "text": "Become a member node of the network's alliance: we vote in its network "
        "votes, counted here by precinct, and witness and mirror each other's logs.",
        "actions": [action],
    }
    proposal = story.act("amara", "governance.proposal.drafted", body).index
    story.act("amara", "governance.proposal.submitted", {"proposal": proposal})
    return proposal


def vote(story: Actor, proposal: int | None) -> None:
    """The members vote for it (the governance chapter closes it with its first votes)."""
    if proposal is None:
        return
    for name in VOTERS:
        ballot = {"proposal": proposal, "ballot": {"choice": "yes"}}
        story.act(name, "governance.ballot.cast", ballot)


def open_precincts(story: Actor) -> list[int]:
    """Open this node's precinct of each network vote the alliance has open."""
    if story.alliance is None:
        return []
    store = open_store(str(story.alliance.data_dir))
    try:
        calls = []
        for key, record in store.projection_table(alliance.NETWORK_VOTES).items():
            if record["phase"] != alliance.VOTING:
                continue
            vote_id = int(str(key))
            (raw,) = store.leaves(vote_id, vote_id + 1)
            calls.append((vote_id, record["voting_until"], parse_leaf(raw)))
    finally:
        store.engine.dispose()
    opened = []
    for vote_id, voting_until, leaf in sorted(calls, key=lambda call: call[0]):
        body = {
            "alliance": story.alliance.recognition["node"],
            "vote": vote_id,
            "call": dict(leaf.event.body),
            "voting_until": voting_until,
        }
        opened.append(story.node.submit_as_node(precincts.OPENED, body).index)
    return opened
