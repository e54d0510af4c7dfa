"""The client side of mutual-aid messages: sealing a message to relay, reading the inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from commonweal.client.http import NodeClient, signed_read
from commonweal.core.commitment import commitment, new_salt
from commonweal.core.keys import SigningKey

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
    return signed_read(key, INBOX_PURPOSE, node_did, at)


def read_inbox(client: NodeClient, key: SigningKey) -> list[dict[str, Any]]:
    """Every message one has sent or received about aid posts still being worked out."""
    request = inbox_request(key, client.identity()["did"])
    messages: list[dict[str, Any]] = client.post_json("/v1/aid/inbox", request)["messages"]
    return messages
