"""The client side of mutual-aid messages: sealing a message to relay, reading the inbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from commonweal.client.http import NodeClient
from commonweal.core.commitment import commitment, new_salt
from commonweal.core.did import did_key_from_public_key
from commonweal.core.jcs import canonicalize
from commonweal.core.keys import SigningKey
from commonweal.core.multibase import encode_z
from commonweal.core.rfc3339 import format_utc

INBOX_PURPOSE = "commonweal/aid-inbox"


def send_message(
    client: NodeClient, key: SigningKey, post: int, to: str, text: str
) -> dict[str, Any]:
    """Send ``text`` to the other party of a post: the log gets only a commitment to it."""
    message = {"text": text}
    salt = new_salt()
    body = {"post": post, "to": to, "commitment": commitment(message, salt)}
    event = client.signed(key, "aid.message.relayed", body)
    receipt: dict[str, Any] = client.post_json(
        "/v1/aid/messages", {"event": event, "message": message, "salt": salt}
    )
    return receipt


def inbox_request(key: SigningKey, node_did: str, at: datetime | None = None) -> dict[str, str]:
    """A request to read one's messages, signed by one's own key (valid for five minutes)."""
    did = did_key_from_public_key(key.public_key)
    when = format_utc(at or datetime.now(UTC))
    signed = canonicalize({"purpose": INBOX_PURPOSE, "node": node_did, "did": did, "at": when})
    return {"did": did, "at": when, "sig": encode_z(key.sign(signed))}


def read_inbox(client: NodeClient, key: SigningKey) -> list[dict[str, Any]]:
    """Every message one has sent or received about aid posts still being worked out."""
    request = inbox_request(key, client.identity()["did"])
    messages: list[dict[str, Any]] = client.post_json("/v1/aid/inbox", request)["messages"]
    return messages
