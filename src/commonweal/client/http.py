"""A small client of the v1 wire API (docs/protocol.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from commonweal.core.commitment import commitment, new_salt
from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import sign_event
from commonweal.core.jcs import canonicalize
from commonweal.core.keys import SigningKey
from commonweal.core.multibase import encode_z
from commonweal.core.rfc3339 import format_utc
from commonweal.core.work import stamp

OPEN_TYPES = ("membership.application.submitted", "notary.document.attested")
"""The types a key that is not a member may author (domain.governance.writes)."""


def signed_read(
    key: SigningKey, purpose: str, node_did: str, at: datetime | None = None
) -> dict[str, str]:
    """A read only the key's owner may make (their aid inbox, their base credentials): their
    signature over ``{"purpose", "node", "did", "at"}`` (RFC 8785), valid five minutes."""
    did = did_key_from_public_key(key.public_key)
    when = format_utc(at or datetime.now(UTC))
    signed = canonicalize({"purpose": purpose, "node": node_did, "did": did, "at": when})
    return {"did": did, "at": when, "sig": encode_z(key.sign(signed))}


class NodeRefused(Exception):
    """The node answered with a problem document."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{status} {problem.get('code', '')}: {problem.get('detail', '')}")
        self.status = status
        self.problem = problem


class NodeClient:
    """Talks to one node at ``base_url``."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)

    def close(self) -> None:
        """Release the connection pool."""
        self.http.close()

    def __enter__(self) -> NodeClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def get_json(self, path: str, **params: Any) -> Any:
        """GET a JSON document."""
        return self._checked(self.http.get(path, params=params or None)).json()

    def post_json(self, path: str, document: dict[str, Any]) -> Any:
        """POST a JSON document; return the JSON answer."""
        return self._checked(self.http.post(path, json=document)).json()

    def get_bytes(self, path: str) -> bytes:
        """GET raw bytes (tiles, notes)."""
        return self._checked(self.http.get(path)).content

    def identity(self) -> dict[str, Any]:
        """The node's ``/.well-known/commonweal`` document."""
        result: dict[str, Any] = self.get_json("/.well-known/commonweal")
        return result

    def next_seq(self, author: str) -> int:
        """The ``seq`` the node expects next from ``author``."""
        return int(self.get_json(f"/v1/authors/{author}")["last_seq"]) + 1

    def submit(self, event: dict[str, Any]) -> dict[str, Any]:
        """POST one signed event; return its receipt."""
        result: dict[str, Any] = self._checked(self.http.post("/v1/events", json=event)).json()
        return result

    def sign_and_submit(
        self, key: SigningKey, event_type: str, body: dict[str, Any], *, seq: int | None = None
    ) -> dict[str, Any]:
        """Sign an event as ``key`` for this node (with the next ``seq``) and submit it."""
        return self.submit(self.signed(key, event_type, body, seq=seq))

    def signed(
        self, key: SigningKey, event_type: str, body: dict[str, Any], *, seq: int | None = None
    ) -> dict[str, Any]:
        """An event signed by ``key`` for this node, with the next ``seq``."""
        author = did_key_from_public_key(key.public_key)
        unsigned = {
            "type": event_type,
            "node": self.identity()["did"],
            "author": author,
            "seq": seq or self.next_seq(author),
            "at": format_utc(datetime.now(UTC)),
            "body": body,
        }
        bits = self.work_bits(event_type)
        if bits and "pow" not in body:
            unsigned = stamp(unsigned, bits)
        return sign_event(
            key,
            type=event_type,
            node=unsigned["node"],
            seq=unsigned["seq"],
            at=unsigned["at"],
            body=unsigned["body"],
        )

    def work_bits(self, event_type: str) -> int:
        """The proof of work the node's write policy asks of keys that are not members for
        ``event_type`` (docs/protocol.md, "Who may write"); 0 when none."""
        if event_type not in OPEN_TYPES:
            return 0
        response = self.http.get("/v1/constitution")
        if response.status_code != 200:
            return 0
        writes = response.json()["constitution"].get("writes") or {}
        return int(writes.get("types", {}).get(event_type, {}).get("work_bits", 0))

    def apply(self, key: SigningKey, profile: dict[str, Any]) -> dict[str, Any]:
        """Apply for membership: the event commits to ``profile``, which goes beside it."""
        salt = new_salt()
        event = self.signed(
            key, "membership.application.submitted", {"commitment": commitment(profile, salt)}
        )
        document = {"event": event, "profile": profile, "salt": salt}
        result: dict[str, Any] = self._checked(
            self.http.post("/v1/membership/applications", json=document)
        ).json()
        return result

    @staticmethod
    def _checked(response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = {"detail": response.text[:200]}
            raise NodeRefused(response.status_code, problem)
        return response
