"""An event checked before it is ordered: parsed, for this node, not from the future, of
a known type with a valid body (:func:`check_unsigned`); the signature is checked apart
(in worker processes, for batches) and the rules only when the sequencer orders it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from commonweal.core.commitment import commitment
from commonweal.core.events import MAX_EVENT_BYTES, Event, EventError, parse_event, parse_event_json
from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.errors import DomainError
from commonweal.domain.registry import EventType
from commonweal.node.kernel.errors import Rejected

if TYPE_CHECKING:
    from commonweal.node.kernel.service import Node


@dataclass(frozen=True, slots=True)
class Prepared:
    """An event whose shape, signature and body were checked; not yet ordered."""

    event: Event
    event_type: EventType[Any]
    body: Any


def bad_signature() -> Rejected:
    """The refusal of an event whose signature does not verify."""
    return Rejected("bad_signature", "sig is not the author's signature over this event")


def parse_raw(raw: bytes) -> Event:
    """An event from its submitted JSON bytes."""
    try:
        return parse_event_json(raw)
    except EventError as error:
        raise Rejected.from_error(error) from None


def parse_value(value: object) -> Event:
    """An event already decoded from a larger JSON document (a batch)."""
    try:
        event = parse_event(value)
    except EventError as error:
        raise Rejected.from_error(error) from None
    if len(event.canonical) > MAX_EVENT_BYTES:
        raise Rejected(
            "event_too_large",
            "an event may be at most %(max_event_bytes)s bytes",
            max_event_bytes=MAX_EVENT_BYTES,
        )
    return event


def check_unsigned(node: Node, event: Event) -> Prepared:
    """The checks besides the signature: node, time, type and body."""
    if event.node != node.identity.did:
        raise Rejected(
            "wrong_node",
            "this event is for %(node)s, but this node is %(did)s",
            node=event.node,
            did=node.identity.did,
        )
    if parse_utc(event.at) - node.clock() > node.config.max_future_skew:
        raise Rejected(
            "at_in_future",
            "at %(at)s is more than %(max_future_skew)s ahead of the node's clock",
            at=event.at,
            max_future_skew=node.config.max_future_skew,
        )
    try:
        event_type = node.registry.get(event.type)
        body = event_type.parse_body(event.body)
    except DomainError as error:
        raise Rejected.from_error(error) from None
    return Prepared(event=event, event_type=event_type, body=body)


def committed(private: Any, salt: object, refusal: str) -> tuple[str, str]:
    """The commitment (``core.commitment``) to ``private`` under ``salt``, and the salt: what
    an event keeping text off the log (a profile, a message) must carry. A salt that is not
    a string, or text that cannot be committed to, is refused with the code ``refusal``."""
    if not isinstance(salt, str):
        raise Rejected(refusal, "salt must be a string")
    try:
        return commitment(private, salt), salt
    except ValueError as error:
        raise Rejected.saying(refusal, error) from None
