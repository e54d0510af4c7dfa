"""Builders for test data: a hand-moved clock and a factory of signed events."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson

from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey
from commonweal.core.rfc3339 import format_utc
from commonweal.core.work import stamp
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION

GENESIS = 2
"""Entries every new node starts with: ``node.created`` and its constitution's adoption."""

WITHOUT_WRITE_POLICY: dict[str, Any] = {
    k: v for k, v in DEFAULT_CONSTITUTION.items() if k != "writes"
}
"""The default constitution with no write policy, as every node created before the policy
existed: keys that are not members may attest without proof of work or hourly budget.
Tests of the log, proofs and storage use it to submit many anonymous attestations;
tests of the policy itself (tests/node/test_write_policy.py) use the default."""


@dataclass
class Clock:
    """A clock that only moves when told to."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta's keyword arguments."""
        self.now += timedelta(**delta)


@dataclass
class EventFactory:
    """Signs events for one node, keeping each author's ``seq``."""

    node_did: str
    clock: Clock
    keys: dict[str, SigningKey] = field(default_factory=dict)
    seqs: dict[str, int] = field(default_factory=dict)
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    def key(self, name: str) -> SigningKey:
        """The key of author ``name`` (seeded from the name, so stable in a test)."""
        if name not in self.keys:
            self.keys[name] = SigningKey(hashlib.sha256(name.encode()).digest())
        return self.keys[name]

    def did(self, name: str) -> str:
        """The did:key of author ``name``."""
        return did_key_from_public_key(self.key(name).public_key)

    def event(
        self,
        author: str = "alice",
        *,
        type: str = "notary.document.attested",
        body: dict[str, Any] | None = None,
        seq: int | None = None,
        at: str | None = None,
        node: str | None = None,
        work_bits: int = 0,
    ) -> dict[str, Any]:
        """A signed event; by default a fresh attestation with the author's next seq
        (with ``work_bits`` of proof of work in ``body.pow``, core.work)."""
        if seq is None:
            seq = self.seqs.get(author, 0) + 1
            self.seqs[author] = seq
        if body is None:
            n = next(self._counter)
            body = {
                "digest": "sha256:" + hashlib.sha256(f"doc {n}".encode()).hexdigest(),
                "title": f"Document {n}",
            }
        at = at or format_utc(self.clock())
        if work_bits:
            unsigned = {
                "type": type,
                "node": node or self.node_did,
                "author": self.did(author),
                "seq": seq,
                "at": at,
                "body": body,
            }
            body = stamp(unsigned, work_bits)["body"]
        return sign_event(
            self.key(author),
            type=type,
            node=node or self.node_did,
            seq=seq,
            at=at,
            body=body,
        )

    def raw(self, author: str = "alice", **kwargs: Any) -> bytes:
        """The JSON bytes of :meth:`event`."""
        return orjson.dumps(self.event(author, **kwargs))
