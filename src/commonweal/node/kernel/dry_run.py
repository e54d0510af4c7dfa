"""Would the node accept this event now? The rules asked in advance, with nothing written.

A page offers an action only if the rule would take it: it asks, for the viewer and
the body the action would send, whether ``treasury.expense.approved`` (say) would be
accepted, instead of saying the rule again in its own words. :class:`DryRun` answers
that by running exactly what a submission runs — the event's shape, the node and its
clock, the type's body schema, the author's next ``seq``, the constitution's write
policy and the type's rule — against the current state, on a savepoint of the state's
journal that it always rolls back. It never signs, never logs, never uses up a
``seq``: the state, the log head and every author's ``seq`` are as they were.

It runs under the sequencer's lock (:meth:`Node.dry_run`), so no group is half applied
while it asks; keep what runs in the block short. The event it checks is unsigned (a
placeholder stands for ``sig``): only the signature is not checked. Proof of work, for
the few types that ask it of anonymous keys, is checked over the event as the check
builds it — with the author's next ``seq`` and ``at`` as given (the node's clock if
not), so check the ``at`` you will sign.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from commonweal.core.events import MAX_LEAF_BYTES, EventError, leaf_bytes
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.state import State
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.replay import AUTHORS, apply_event

if TYPE_CHECKING:
    from commonweal.node.kernel.service import Node

PLACEHOLDER_SIG = "z" + "1" * 88
"""Stands for ``sig`` in the unsigned event checked: the longest a signature is written,
so an event that fits with it fits signed."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the node would answer: accepted (``ok``), or the refusal's code and message."""

    ok: bool
    code: str = ""
    detail: str = ""
    template: str = ""
    """The refusal's message as a template with ``params`` (docs/languages.md), or ""."""
    params: Mapping[str, object] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.ok

    @classmethod
    def refused(cls, rejected: Rejected) -> Verdict:
        """The verdict for a refusal the node would give."""
        return cls(False, rejected.code, rejected.message, rejected.template, rejected.params)

    def as_json(self) -> dict[str, Any]:
        """``{"ok", "code", "detail"}`` (both empty when it would be accepted)."""
        return {"ok": self.ok, "code": self.code, "detail": self.detail}


ACCEPTED = Verdict(True)


class DryRun:
    """The node's state held still, and :meth:`check` to ask the rules about an event.

    Made by :meth:`Node.dry_run` with the sequencer's lock held; use it only inside
    that block. Read :attr:`state` freely; never change it.
    """

    def __init__(self, node: Node) -> None:
        self.node = node
        self.state: State = node.state

    def check(
        self,
        event_type: str,
        author: str,
        body: Mapping[str, Any],
        *,
        at: str | None = None,
    ) -> Verdict:
        """Whether ``author`` submitting ``event_type`` with ``body`` now would be logged."""
        node = self.node
        refused = node.writes_refused.copy()
        if refused:
            rejected = next(iter(refused.values()))
            return Verdict.refused(rejected)
        now = max(node.clock(), node.last_received)
        try:
            prepared = node.check_unsigned_value(
                {
                    "type": event_type,
                    "node": node.identity.did,
                    "author": author,
                    "seq": self.state.get(AUTHORS, author, 0) + 1,
                    "at": at if at is not None else format_utc(now),
                    "body": dict(body),
                    "sig": PLACEHOLDER_SIG,
                }
            )
            received = format_utc(now)
            if len(leaf_bytes(prepared.event.canonical, received)) > MAX_LEAF_BYTES:
                raise Rejected(
                    "event_too_large",
                    "the leaf would exceed %(max_leaf_bytes)s bytes",
                    max_leaf_bytes=MAX_LEAF_BYTES,
                )
            return self._apply_and_undo(prepared, received)
        except Rejected as rejected:
            return Verdict.refused(rejected)
        except EventError as error:
            return Verdict(
                False,
                error.code,
                error.message,
                getattr(error, "template", error.message),
                getattr(error, "params", {}),
            )

    def _apply_and_undo(self, prepared: Any, received: str) -> Verdict:
        """Run the rules on a savepoint; undo whatever they recorded, whatever happens."""
        savepoint = self.state.savepoint()
        try:
            apply_event(
                self.state,
                prepared.event,
                prepared.event_type,
                prepared.body,
                index=self.node.range.size,
                received=received,
                node_did=self.node.identity.did,
                node_key=self.node.identity.key_did,
            )
        finally:
            self.state.rollback(savepoint)
        return ACCEPTED


SIGNED_OUT = Verdict(False, "signed_out", "sign in first")
"""The verdict on anything a visitor who has not signed in asks: they have no key to sign."""


def ask_each(
    rules: DryRun, viewer: str | None, actions: Mapping[str, tuple[str, Mapping[str, Any]]]
) -> dict[str, Verdict]:
    """For each of a page's actions (name → the event type and body it would send), the
    verdict on ``viewer`` sending it now."""
    if viewer is None:
        return dict.fromkeys(actions, SIGNED_OUT)
    return {
        name: rules.check(event_type, viewer, body) for name, (event_type, body) in actions.items()
    }
