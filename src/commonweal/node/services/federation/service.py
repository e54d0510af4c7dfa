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
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from commonweal.core.rfc3339 import format_utc
from commonweal.core.witness import Recorded
from commonweal.domain.federation.standing import RECOGNITIONS, RECOGNIZED
from commonweal.node.kernel.service import Node
from commonweal.node.services.federation.peer_client import PeerClient, peer_tls
from commonweal.node.services.federation.refusal_budget import RefusalBudget
from commonweal.store.federation_store import FederationStore, WitnessAdvance

if TYPE_CHECKING:
    from commonweal.node.services.federation.rollback import RollbackStatus

log = logging.getLogger("commonweal.federation")
CHALLENGE_SECONDS = 300


@dataclass
class _Pending:
    advance: WitnessAdvance
    done: threading.Event = field(default_factory=threading.Event)
    result: bool = False
    error: Exception | None = None


class GroupCommit:
    """Witness state changes from concurrent requests, written in one transaction.

    Whichever request holds the lock writes every change waiting — its own and
    others' — so many logs' checkpoints share one fsync, as the node's own
    appends do. Each change is still a compare-and-set on its log's size.
    """

    def __init__(self, store: FederationStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._queue: deque[_Pending] = deque()
        self._queue_lock = threading.Lock()

    def advance(self, advance: WitnessAdvance) -> bool:
        """Record ``advance``; False if the log's recorded size moved first."""
        pending = _Pending(advance)
        with self._queue_lock:
            self._queue.append(pending)
        while not pending.done.is_set():
            with self._lock:
                if pending.done.is_set():
                    break
                with self._queue_lock:
                    group = list(self._queue)
                    self._queue.clear()
                try:
                    results = self.store.advance_witnesses([p.advance for p in group])
                except Exception as error:  # every waiter learns the write failed
                    for item in group:
                        item.error = error
                        item.done.set()
                    continue
                for item, result in zip(group, results, strict=True):
                    item.result = result
                    item.done.set()
        if pending.error is not None:
            raise pending.error
        return pending.result


class Federation:
    """One node's federation: peers, witness, mirrors, evidence, visitors, alliances."""

    def __init__(self, node: Node, *, http: httpx.Client | None = None) -> None:
        self.node = node
        self.store = FederationStore(node.store.engine)
        self.http = http or httpx.Client(
            timeout=node.config.peer_timeout_seconds,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
            verify=peer_tls(),
        )
        self.witness_commits = GroupCommit(self.store)
        self.sync_lock = threading.Lock()
        self.witness_hints: dict[str, int] = {}
        """Witness name → the size it last said it holds for this log (from a 409)."""
        self.witness_backoff: dict[str, tuple[float, float]] = {}
        """Witness name → (when to ask it again, the delay before that) after it refused: it
        may not recognise us yet. The delay doubles with each refusal (witness.py)."""
        self.sync_errors: dict[tuple[str, str], str] = {}
        """(peer, step) → the last unexpected error logged, so a repeating one is logged once."""
        self._challenges: dict[str, float] = {}
        self._challenge_lock = threading.Lock()
        self._nonces: dict[tuple[str, str], int] = {}
        self._nonce_lock = threading.Lock()
        self._forked: set[str] | None = None
        self.refused_cosignatures: set[str] = set()
        self.rollback: RollbackStatus | None = None
        """What the witnesses and mirrors last said of this log's size (``rollback``)."""
        """Cosignature lines on mirrored checkpoints already refused (see ``cosigned``)."""
        self._witnessed: dict[str, Recorded | None] = {}
        self.refusal_budget = RefusalBudget(time.monotonic)
        self.peer_places: dict[str, dict[str, Any]] = {}
        """Peer node did → its places as last fetched (``network_places``), kept in memory."""
        self.visit_scans: dict[str, Any] = {}
        """Mirrored origin → how far it was read for our members' visits (``visits_abroad``)."""
        self.visit_lock = threading.Lock()
        self.campaign_counts: dict[tuple[str, int], dict[str, Any]] = {}
        """(home did, campaign id) → the home's count across the network of a campaign this
        node carries, as last answered (``campaign_counts``), kept in memory."""

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

    # -- replay protection and fork status, cached ----------------------------------------

    def claim_nonce(self, keyid: str, nonce: str, created: int, now: int, window: int) -> bool:
        """Take a signed request's nonce; False if this or an earlier process saw it.

        Nonces are kept in memory for twice the signature window and in the
        database with the change a request makes (``remember_nonce``), so a replay
        is refused even across a restart.
        """
        with self._nonce_lock:
            if len(self._nonces) > 10_000:  # a stale signature is refused before its nonce is
                self._nonces = {k: c for k, c in self._nonces.items() if c >= now - window - 60}
            if (keyid, nonce) in self._nonces or self.store.nonce_seen(keyid, nonce):
                return False
            self._nonces[(keyid, nonce)] = created
            return True

    def remember_nonce(self, keyid: str, nonce: str, created: int, now: int, window: int) -> None:
        """Keep a nonce in the database (for requests that change nothing in a transaction)."""
        self.store.use_nonce(keyid, nonce, created, now, window)

    def witnessed(self, origin: str) -> Recorded | None:
        """The checkpoint last cosigned for ``origin`` (kept in memory once read)."""
        if origin not in self._witnessed:
            row = self.store.witnessed(origin)
            self._witnessed[origin] = (
                Recorded(row.size, row.root, row.note) if row is not None else None
            )
        return self._witnessed[origin]

    def advance_witness(self, advance: WitnessAdvance) -> bool:
        """Record a cosigned checkpoint (group commit, compare-and-set); keep it in memory."""
        done = self.witness_commits.advance(advance)
        if done:
            self._witnessed[advance.origin] = Recorded(advance.size, advance.root, advance.note)
        else:
            self._witnessed.pop(advance.origin, None)  # another process moved it: read again
        return done

    def forked(self) -> set[str]:
        """The origins of logs this node holds fork evidence against."""
        if self._forked is None:
            self._forked = self.store.forked_origins()
        return set(self._forked)

    def forget_forks(self) -> None:
        """Re-read the fork status (after new evidence was kept)."""
        self._forked = None

    # -- refusals -----------------------------------------------------------------------

    def refuse(self, peer: str, action: str, code: str, detail: str) -> None:
        """Log a refusal: in the refusals table and the process log, within the refusal
        budget (node.services.federation.refusal_budget); past it, the refusal is only counted."""
        left_out = self.refusal_budget.admit(peer)
        if left_out is None:
            return
        if left_out:
            detail = f"{detail} (and {left_out} more refusals from here not written down)"
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
