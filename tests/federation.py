"""Builders for federation tests: nodes that may recognise each other directly, alliances,
recognition bodies, and events signed by one node's key for another node's log."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.kernel.setup import init_node
from tests.builders import Clock, EventFactory

DIRECT_RECOGNITION: dict[str, Any] = copy.deepcopy(DEFAULT_CONSTITUTION)
"""The default constitution without the ``recognition`` kind: stewards recognise directly."""
del DIRECT_RECOGNITION["kinds"]["recognition"]

NETWORK_KINDS: dict[str, Any] = {
    "network": {
        "title": "Network-wide decision",
        "method": "yes_no",
        "discussion_seconds": 0,
        "voting_seconds": 60,
        "quorum": "0",
        "threshold": {"more_than": "1/2"},
        "delegation": True,
    },
    "network-choice": {
        "title": "Network-wide choice",
        "method": "schulze",
        "options": {"status_quo": False},
        "discussion_seconds": 0,
        "voting_seconds": 60,
        "quorum": "0",
        "delegation": True,
    },
    "network-irv": {
        "title": "Network-wide ranking",
        "method": "instant_runoff",
        "discussion_seconds": 0,
        "voting_seconds": 60,
        "quorum": "0",
        "delegation": True,
    },
    "network-approval": {
        "title": "Network-wide approval",
        "method": "approval",
        "discussion_seconds": 0,
        "voting_seconds": 60,
        "quorum": "0",
        "delegation": True,
    },
}


def alliance_constitution(
    weighting: str = "per_capita", *, voting_seconds: int = 3600, report_seconds: int = 3600
) -> dict[str, Any]:
    """An alliance's constitution: direct recognition, network kinds and the charter."""
    constitution = copy.deepcopy(DIRECT_RECOGNITION)
    constitution["kinds"].update(copy.deepcopy(NETWORK_KINDS))
    constitution["alliance"] = {
        "weighting": weighting,
        "voting_seconds": voting_seconds,
        "report_seconds": report_seconds,
    }
    return constitution


@dataclass
class Place:
    """One node in a federation test, with its members' event factory."""

    node: Node
    events: EventFactory
    seqs: dict[str, int] = field(default_factory=dict)

    @property
    def did(self) -> str:
        return self.node.identity.did

    def act(self, name: str, event_type: str, body: dict[str, Any]) -> Receipt:
        """Sign and submit; a refused event does not use up the author's ``seq``."""
        key = self.events._name(name)  # type: ignore[attr-defined]
        seq = self.events.factory.seqs.get(key, 0)  # type: ignore[attr-defined]
        try:
            return self.node.submit(
                orjson.dumps(self.events.event(name, type=event_type, body=body))
            )
        except Rejected:
            self.events.factory.seqs[key] = seq  # type: ignore[attr-defined]
            raise

    def member(self, name: str) -> str:
        return self.events.did(name)

    def attest(self, name: str, count: int = 1) -> list[Receipt]:
        """``count`` attestations of fresh documents by ``name``."""
        return [self.node.submit(orjson.dumps(self.events.event(name))) for _ in range(count)]


def make_place(
    root: Path,
    name: str,
    clock: Clock,
    *,
    members: Sequence[str] = ("alice", "bob", "carol"),
    founders: Sequence[str] | None = None,
    constitution: dict[str, Any] | None = None,
    prefix: str | None = None,
    database_url: str | None = None,
) -> Place:
    """A node whose ``members`` are founders (stewards); names are prefixed per node."""
    prefix = prefix if prefix is not None else name.lower()
    factory = EventFactory("", clock)
    names = {m: f"{prefix}-{m}" if prefix else m for m in members}
    node = init_node(
        root / name,
        name=name,
        url=f"http://{name.lower()}.example",
        clock=clock,
        founders=list(founders or []) + [factory.did(n) for n in names.values()],
        admission={"admission": "open"},
        constitution=constitution or DIRECT_RECOGNITION,
        database_url=database_url,
    )
    factory.node_did = node.identity.did
    place = Place(node, factory)
    place.events = _Prefixed(factory, names)  # type: ignore[assignment]
    return place


class _Prefixed:
    """Names members ``alice`` but keys them per node, so nodes share no member."""

    def __init__(self, factory: EventFactory, names: dict[str, str]) -> None:
        self.factory = factory
        self.names = names

    def _name(self, name: str) -> str:
        return self.names.get(name, name)

    def did(self, name: str) -> str:
        return self.factory.did(self._name(name))

    def key(self, name: str) -> SigningKey:
        return self.factory.key(self._name(name))

    def event(self, name: str, **kwargs: Any) -> dict[str, Any]:
        return self.factory.event(self._name(name), **kwargs)


def recognition_body(other: Node, **terms: Any) -> dict[str, Any]:
    """The body recognising ``other``, with ``terms`` (defaults otherwise)."""
    profile = other.state.get("node.profile", "profile") or {}
    return {
        "node": other.identity.did,
        "key": other.identity.key_did,
        "origin": other.identity.origin,
        "vkey": other.identity.vkey,
        "witness": other.identity.witness.vkey,
        "url": profile.get("url") or "http://127.0.0.1:1",
        "name": profile.get("name", ""),
        "terms": terms,
    }


def as_node(signer: Node, target: Node, event_type: str, body: dict[str, Any]) -> Receipt:
    """An event signed by ``signer``'s node key, submitted to ``target`` (a member node
    acting in its alliance's log)."""
    author = signer.identity.key_did
    seq = target.state.get("log.authors", author, 0) + 1
    event = sign_event(
        signer.identity.key,
        type=event_type,
        node=target.identity.did,
        seq=seq,
        at=format_utc(target.clock()),
        body=body,
    )
    return target.submit(orjson.dumps(event))
