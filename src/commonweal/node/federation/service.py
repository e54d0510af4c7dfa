"""The node's federation service: what every federation module works through.

A :class:`Federation` holds the node, its federation tables, a pool of HTTP
connections to peers, and the few things kept only in memory (outstanding
presentation challenges, each witness's last known size of this log). The web
app makes one per node and hands it to the routes and the sync thread.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import datetime
from typing import Any

import httpx

from commonweal.client.peers import PeerClient
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.federation.standing import RECOGNITIONS, RECOGNIZED
from commonweal.node.service import Node
from commonweal.store.federation_store import FederationStore

log = logging.getLogger("commonweal.federation")
CHALLENGE_SECONDS = 300


class Federation:
    """One node's federation: peers, witness, mirrors, evidence, visitors, alliances."""

    def __init__(self, node: Node, *, http: httpx.Client | None = None) -> None:
        self.node = node
        self.store = FederationStore(node.store.engine)
        self.http = http or httpx.Client(
            timeout=node.config.peer_timeout_seconds,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )
        self.witness_lock = threading.Lock()
        self.sync_lock = threading.Lock()
        self.witness_hints: dict[str, int] = {}
        """Witness name → the size it last said it holds for this log (from a 409)."""
        self._challenges: dict[str, float] = {}
        self._challenge_lock = threading.Lock()

    def close(self) -> None:
        """Release the HTTP connections."""
        self.http.close()

    # -- time and identity -------------------------------------------------------------

    def now(self) -> datetime:
        return self.node.clock()

    def stamp(self) -> str:
        """The node's time now, as stored."""
        return format_utc(self.node.clock())

    def client(self, url: str, *, signed: bool = True) -> PeerClient:
        """A client of ``url``, signing with this node's key."""
        return PeerClient(
            url,
            key=self.node.identity.key if signed else None,
            http=self.http,
            now=lambda: self.node.clock().timestamp(),
        )

    # -- recognitions, read from the log's projection ----------------------------------

    def recognitions(self, *, in_force: bool = True) -> list[dict[str, Any]]:
        """The recognitions this node granted (those in force, unless told otherwise)."""
        with self.node.reading() as state:
            records = [dict(record) for _did, record in state.items(RECOGNITIONS)]
        return [r for r in records if r["status"] == RECOGNIZED or not in_force]

    def recognition_by(self, field: str, value: str) -> dict[str, Any] | None:
        """The recognition in force whose ``field`` (key, origin, node) is ``value``."""
        return next((r for r in self.recognitions() if r[field] == value), None)

    def vkey_for_origin(self, origin: str) -> str | None:
        """The checkpoint key of a log this node knows: its own, or a recognised node's."""
        if origin == self.node.identity.origin:
            return self.node.identity.vkey
        known = [r for r in self.recognitions(in_force=False) if r["origin"] == origin]
        return known[-1]["vkey"] if known else None

    # -- refusals -----------------------------------------------------------------------

    def refuse(self, peer: str, action: str, code: str, detail: str) -> None:
        """Log a refusal: in the refusals table and the process log."""
        log.warning("refused %s from %s: %s: %s", action, peer, code, detail)
        try:
            self.store.refuse(self.stamp(), peer, action, code, detail)
        except Exception:  # a refusal must never turn into a failure of its own
            log.exception("could not record a refusal")

    # -- challenges for visitors' presentations ------------------------------------------

    def new_challenge(self) -> str:
        """A single-use challenge a visitor's presentation must sign."""
        challenge = secrets.token_urlsafe(24)
        deadline = time.monotonic() + CHALLENGE_SECONDS
        with self._challenge_lock:
            self._challenges = {c: d for c, d in self._challenges.items() if d > time.monotonic()}
            self._challenges[challenge] = deadline
        return challenge

    def take_challenge(self, challenge: str) -> bool:
        """Use up a challenge; False if it was never issued, used, or expired."""
        with self._challenge_lock:
            deadline = self._challenges.pop(challenge, None)
        return deadline is not None and deadline > time.monotonic()
