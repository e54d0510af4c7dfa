"""A node that takes censuses: open admission, a daily census, helpers to act in it,
and an independent count of the figures straight from the log's raw entries."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from commonweal.core.commitment import commitment, new_salt
from commonweal.core.events import parse_leaf
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.kernel.setup import init_node
from commonweal.node.services import membership
from tests.builders import WITHOUT_WRITE_POLICY, Clock, EventFactory

FOUNDERS = ("alice", "bob")
DAILY = {**WITHOUT_WRITE_POLICY, "census": {"every_seconds": 86_400}}


class Town:
    """The node, its event factory and clock, and the members' verbs."""

    def __init__(self, node: Node, events: EventFactory, clock: Clock) -> None:
        self.node, self.events, self.clock = node, events, clock

    def did(self, name: str) -> str:
        return self.events.did(name)

    def act(self, name: str, event_type: str, body: dict[str, Any] | None = None) -> Receipt:
        event = self.events.event(name, type=event_type, body=body or {})
        return self.node.submit(orjson.dumps(event))

    def join(self, name: str) -> Receipt:
        profile = {"display_name": name.title(), "contact": f"{name}@example.org"}
        salt = new_salt()
        body = {"commitment": commitment(profile, salt)}
        event = self.events.event(name, type="membership.application.submitted", body=body)
        return membership.apply(self.node, event, profile, salt)

    def attest(self, name: str) -> Receipt:
        return self.node.submit(self.events.raw(name))


def make_town(tmp_path: Path, clock: Clock, database_url: str | None = None) -> Iterator[Town]:
    """A census town (used as a fixture: ``yield from make_town(tmp_path, clock, url)``)."""
    factory = EventFactory("", clock)
    node = init_node(
        tmp_path / "node",
        database_url=database_url,
        name="Census Town",
        clock=clock,
        founders=[factory.did(name) for name in FOUNDERS],
        admission={"admission": "open", "recovery_delay_seconds": 3600},
        constitution=DAILY,
    )
    factory.node_did = node.identity.did
    yield Town(node, factory, clock)
    node.close()


def recount(node: Node, first: int, size: int) -> dict[str, int]:
    """Members, joined, left and active, counted from the raw leaves alone (not the state)."""
    admitted: dict[str, int] = {}
    ended: dict[str, int] = {}
    authors: set[str] = set()
    policy_open = False
    for entry in node.store.entries(0, size):
        event = parse_leaf(entry.leaf).event
        if event.type == "membership.policy.set":
            policy_open = event.body.get("admission") == "open"
        if event.type == "membership.founder.admitted":
            admitted[event.body["member"]] = entry.idx
        elif event.type == "membership.application.submitted" and policy_open:
            admitted[event.author] = entry.idx
        elif event.type == "membership.member.left":
            ended[event.author] = entry.idx
        elif event.type == "membership.member.expelled":
            ended[event.body["member"]] = entry.idx
        if entry.idx >= first:
            authors.add(event.author)
    return {
        "members": sum(1 for did in admitted if did not in ended),
        "joined": sum(1 for index in admitted.values() if first <= index < size),
        "left": sum(1 for index in ended.values() if first <= index < size),
        "active": len(
            {a for a in authors if a in admitted and (a not in ended or ended[a] >= first)}
        ),
    }


def independent_commitment(salt: str, did: str) -> bytes:
    """SHA-256 of the salt's bytes then the DID's: written out again, not imported."""
    return hashlib.sha256(bytes.fromhex(salt) + did.encode("utf-8")).digest()


def independent_root_from_proof(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2, written out again from the RFC (not core.merkle's code)."""
    fn, sn = index, size - 1
    r = hashlib.sha256(b"\x00" + leaf).digest()
    for p in path:
        if sn == 0:
            raise ValueError("proof too long")
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof too short")
    return r
