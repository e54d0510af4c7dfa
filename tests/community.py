"""A small community: a node with three founding stewards, and helpers to act in it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from commonweal.core.commitment import commitment, new_salt
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.kernel.setup import init_node
from commonweal.node.services import membership
from tests.builders import Clock, EventFactory

FOUNDERS = ("alice", "bob", "carol")


@dataclass
class Community:
    """The node, an event factory, and verbs named like the members' actions."""

    node: Node
    events: EventFactory
    clock: Clock

    def did(self, name: str) -> str:
        return self.events.did(name)

    def act(self, name: str, event_type: str, body: dict[str, Any] | None = None) -> Receipt:
        return self.node.submit(
            orjson.dumps(self.events.event(name, type=event_type, body=body or {}))
        )

    def refused(self, name: str, event_type: str, body: dict[str, Any] | None = None) -> str:
        """Submit, expect a refusal, return its code (and check the author's seq is not used)."""
        seq_before = self.events.seqs.get(name, 0)
        with pytest.raises(Rejected) as refusal:
            self.act(name, event_type, body)
        self.events.seqs[name] = seq_before
        return refusal.value.code

    def apply(self, name: str, **profile: Any) -> Receipt:
        profile = profile or {"display_name": name.title(), "contact": f"{name}@example.org"}
        salt = new_salt()
        body = {"commitment": commitment(profile, salt)}
        event = self.events.event(name, type="membership.application.submitted", body=body)
        return membership.apply(self.node, event, profile, salt)

    def status(self, name: str) -> str | None:
        record = self.node.state.get("membership.members", self.did(name))
        return record["status"] if record else None


@pytest.fixture
def community(tmp_path: Path, database_url: str | None, clock: Clock) -> Iterator[Community]:
    factory = EventFactory("", clock)
    node = init_node(
        tmp_path / "node",
        name="Test Commons",
        database_url=database_url,
        clock=clock,
        founders=[factory.did(name) for name in FOUNDERS],
        admission={"admission": "vouch", "vouches_required": 2, "recovery_delay_seconds": 3600},
    )
    factory.node_did = node.identity.did
    yield Community(node, factory, clock)
    node.close()
