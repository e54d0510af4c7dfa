"""Builders for secret-ballot tests: a voter's whole path through a node, as the CLI takes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from commonweal.client import secret_ballot
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.node.kernel.service import Receipt
from commonweal.node.kernel.setup import init_node
from commonweal.node.services import secret_ballots
from tests.builders import Clock, EventFactory
from tests.community import FOUNDERS, Community


def run_due(community: Community) -> list[str]:
    """The node's secret-ballot work then its governance transitions; the types logged."""
    from tests.governance import run_due as governance_due

    receipts = secret_ballots.run_due(community.node)
    types = [community.node.store.entry(r.index).type for r in receipts]  # type: ignore[union-attr]
    return types + governance_due(community)


def open_secret(community: Community) -> None:
    """Let the node publish the keys of every secret vote now open."""
    secret_ballots.run_due(community.node)


def token(community: Community, name: str, proposal: int) -> dict[str, str]:
    """``name`` asks for a token, the node signs it, ``name`` unblinds it."""
    view = secret_ballots.vote_view(community.node, proposal)
    pending, body = secret_ballot.start_token(view)
    community.act(name, "governance.ballot.token.requested", body)
    blind = secret_ballots.issue(community.node, proposal, community.did(name))
    return secret_ballot.finish_token(view, pending, blind)


def sealed_event(
    community: Community, proposal: int, ballot: dict[str, Any], token: dict[str, str]
) -> dict[str, Any]:
    """A sealed ballot event with ``token``, signed by a one-time key."""
    view = secret_ballots.vote_view(community.node, proposal)
    body = secret_ballot.seal(view, ballot, token)
    return secret_ballot.sealed_event(view, body, format_utc(community.clock()))


def cast(community: Community, event: dict[str, Any]) -> Receipt:
    """Submit a sealed ballot event."""
    return community.node.submit(orjson.dumps(event))


def vote(community: Community, name: str, proposal: int, ballot: dict[str, Any]) -> Receipt:
    """``name`` votes in secret: token, seal, cast with a one-time key."""
    return cast(
        community, sealed_event(community, proposal, ballot, token(community, name, proposal))
    )


def close(community: Community, proposal: int) -> dict[str, Any]:
    """Wait out the vote; the node decrypts its share, then closes. Return the result."""
    from tests.governance import rules

    community.clock.advance(seconds=rules(community, proposal)["voting_seconds"])
    run_due(community)
    run_due(community)
    record = community.node.state.get("governance.proposals", proposal)
    assert record["phase"] == "closed", record["phase"]
    result: dict[str, Any] = record["outcome"]
    return result


HOUR = 3600
VOTERS = ("alice", "bob", "carol", "dana", "erin", "fay", "gus")


def kind(method: str, ballot: str, **options: Any) -> dict[str, Any]:
    return {
        "title": method,
        "proposers": "members",
        "electorate": "members",
        "discussion_seconds": HOUR,
        "voting_seconds": HOUR,
        "quorum": "0",
        "method": method,
        "options": options,
        "delegation": method != "consent",
        "actions": [],
        "ballot": ballot,
    }


METHODS: dict[str, dict[str, Any]] = {
    "yes_no": {},
    "consent": {},
    "plurality": {},
    "approval": {},
    "score": {"max_score": 5},
    "star": {"max_score": 5},
    "quadratic": {"credits": 25},
    "instant_runoff": {},
    "schulze": {"status_quo": False},
    "ranked_pairs": {"status_quo": False},
    "stv": {"seats": 2},
}

KINDS = {
    f"{name.replace('_', '-')}-{ballot}": kind(name, ballot, **options)
    for name, options in METHODS.items()
    for ballot in ("public", "secret")
}

CONSTITUTION = {**DEFAULT_CONSTITUTION, "kinds": {**DEFAULT_CONSTITUTION["kinds"], **KINDS}}


def secret_town(tmp_path: Path, clock: Clock) -> Iterator[Community]:
    """A node whose constitution has a public and a secret kind for every method."""
    from tests.governance import admit

    factory = EventFactory("", clock)
    node = init_node(
        tmp_path / "node",
        name="Town",
        clock=clock,
        founders=[factory.did(name) for name in FOUNDERS],
        admission={"admission": "vouch", "vouches_required": 2},
        constitution=CONSTITUTION,
    )
    factory.node_did = node.identity.did
    community = Community(node, factory, clock)
    admit(community, *VOTERS[3:])
    yield community
    node.close()
