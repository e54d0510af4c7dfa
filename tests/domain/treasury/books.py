"""Rules without a node: events applied straight to a State, for fast property tests.

No signatures, no database: each event gets the next index and a receipt time
one minute after the last, and a refused event is rolled back as the node would.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from commonweal.core.rfc3339 import format_utc
from commonweal.domain.catalog import default_registry
from commonweal.domain.errors import DomainError
from commonweal.domain.governance.events import default_actions
from commonweal.domain.registry import Context, Registry
from commonweal.domain.state import State

NODE = "did:key:z6MkNodeNodeNodeNodeNodeNodeNodeNodeNodeNodeNode"


def did(name: str) -> str:
    """A did:key-shaped name for ``name`` (the rules only look at its shape)."""
    return "did:key:z6Mk" + hashlib.sha256(name.encode()).hexdigest()[:40]


@dataclass
class Books:
    """A State and the rules of every event type, applied one event at a time."""

    registry: Registry = field(default_factory=default_registry)
    state: State = field(default_factory=State)
    index: int = 0
    now: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))

    def context(self, author: str, event_type: str) -> Context:
        return Context(
            type=event_type,
            author=author,
            seq=0,
            at=format_utc(self.now),
            index=self.index,
            received=format_utc(self.now),
            node_did=NODE,
            node_key=NODE,
        )

    def apply(self, author: str, event_type: str, body: dict[str, Any]) -> str | None:
        """Apply one event; return the refusal code, or None if it was accepted."""
        kind = self.registry.get(event_type)
        ctx = self.context(author, event_type)
        savepoint = self.state.savepoint()
        try:
            kind.apply(self.state, ctx, kind.parse_body(body))
        except DomainError as error:
            self.state.rollback(savepoint)
            return error.code
        self._next()
        return None

    def execute(self, action: dict[str, Any]) -> str | None:
        """Run an action as the node does for a passed proposal."""
        catalog = default_actions()
        ctx = self.context(NODE, "governance.decision.executed")
        savepoint = self.state.savepoint()
        try:
            (parsed,) = catalog.parse_list([action])
            catalog.run(self.state, ctx, parsed)
        except DomainError as error:
            self.state.rollback(savepoint)
            return error.code
        self._next()
        return None

    def node(self, event_type: str, body: dict[str, Any]) -> None:
        """An event by the node that must be accepted."""
        refused = self.apply(NODE, event_type, body)
        assert refused is None, refused

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def _next(self) -> None:
        self.index += 1
        self.later(minutes=1)


def community_books(names: tuple[str, ...], treasurers: tuple[str, ...]) -> Books:
    """Books of a node with ``names`` as founding stewards, some of them treasurers."""
    books = Books()
    for name in names:
        books.node("membership.founder.admitted", {"member": did(name)})
    for name in treasurers:
        books.node("membership.role.granted", {"member": did(name), "role": "treasurer"})
    return books
