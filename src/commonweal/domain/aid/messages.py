"""Messages between the two parties of a post, relayed by the node and kept off the log.

Neither party sees the other's contact details: each writes to the other through
the node. The text goes to the node beside a signed ``aid.message.relayed``
event that carries only a salted commitment to it (as membership profiles do),
so the log proves that a message passed, when and between whom, and nothing of
what it said. The node keeps the text in a private table while the post is being
worked out and erases it once the post is settled or withdrawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.aid.records import LIVE, MESSAGES, POSTS, post, require_party, require_status
from commonweal.domain.errors import Conflict, NotPermitted
from commonweal.domain.fields import sha256_digest
from commonweal.domain.funding import fields
from commonweal.domain.membership.records import did_member, require_active_member
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State
from commonweal.domain.words import WP_

RELAYED = "aid.message.relayed"


@dataclass(frozen=True, slots=True)
class Relay:
    """Body of ``aid.message.relayed``."""

    post: int
    to: str
    commitment: str


def parse_relay(body: Mapping[str, Any]) -> Relay:
    """``{"post": id, "to": did, "commitment": "sha256:…"}``."""
    fields.only(body, {"post", "to", "commitment"}, {"post", "to", "commitment"})
    return Relay(
        fields.ref(body, "post"), did_member(dict(body), "to"), sha256_digest(body, "commitment")
    )


def apply_relay(state: State, ctx: Context, relay: Relay) -> None:
    """One party of a post that is being worked out writes to the other."""
    require_active_member(state, ctx.author, WP_("to do", "send a message"))
    record = post(state, relay.post)
    require_party(record, ctx, WP_("to do", "write about it"))
    require_status(record, *LIVE, doing=WP_("to do", "send a message about it"))
    other = record["claimer"] if ctx.author == record["author"] else record["author"]
    if relay.to != other:
        raise NotPermitted("messages about a post go to its other party only", code="not_party")
    if state.get(MESSAGES, relay.commitment) is not None:
        raise Conflict("this message was already relayed", code="already_relayed")
    state.put(
        MESSAGES,
        relay.commitment,
        {"post": relay.post, "from": ctx.author, "to": relay.to, "at": ctx.received},
    )
    state.put(POSTS, relay.post, {**record, "messages": record["messages"] + 1})


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        RELAYED,
        "The node relays a message between the parties of an aid post (text kept off the log).",
        parse_relay,
        apply_relay,
    ),
)
