"""Is a restored log consistent with what this node's witnesses cosigned?

A witness that cosigned a checkpoint of size n has promised the network that the
log's first n entries are the ones with that root. Bringing back a log that is
smaller than n, or whose first n entries hash to another root, rolls the log back
or forks it: the witnesses would refuse every later checkpoint, and hold evidence.

Two sources of cosigned checkpoints are asked:

- the backup itself: the cosignatures it keeps (``cosignatures``, with the node's own
  checkpoint of that size in ``checkpoints``) — a log whose own witnesses' records
  reach past it is not a sound copy;
- the network: every peer the backup's federation tables know is asked, as a serving
  node asks at start (``federation.rollback``), for the checkpoint it last cosigned
  of this log as a witness and the one it mirrors, signed by this node's key. A peer
  that cannot be reached is reported, not fatal (a restore may happen while the
  network is down).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx

from commonweal.core.merkle import CompactRange
from commonweal.node.services.federation import rollback
from commonweal.store.federation_store import FederationStore
from commonweal.store.log_store import LogStore
from commonweal.store.snapshots import leaf_hashes

ASK_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Cosigned:
    """A checkpoint of this log that someone cosigned: where it was read, its size and root."""

    source: str
    size: int
    root: bytes


@dataclass
class Judgement:
    """What the cosigned checkpoints say about the restored log."""

    conflicts: list[str] = field(default_factory=list)
    """A rollback or fork: each refuses the restore unless overridden."""
    notes: list[str] = field(default_factory=list)
    """Witnesses that agreed, or could not be asked."""


def held_cosigned(store: LogStore) -> list[Cosigned]:
    """The cosigned checkpoints the store itself keeps (largest per witness)."""
    found = []
    for size, witness, _line, _timestamp in FederationStore(store.engine).all_cosignatures():
        row = store.checkpoint_at(size)
        # a cosignature without its checkpoint still says the log reached ``size``
        found.append(
            Cosigned(f"the backup's cosignature of {witness}", size, row.root if row else b"")
        )
    return found


def asked_cosigned(
    store: LogStore, node: dict[str, str], *, timeout: float = ASK_TIMEOUT_SECONDS
) -> tuple[list[Cosigned], list[str]]:
    """What every peer the store knows holds of this log (a witness's cosigned checkpoint,
    a mirror's), asked as a serving node asks at start (``federation.rollback.ask``), and
    which peers did not answer. ``node`` names the log: its ``did``, ``origin``, ``vkey``."""
    known = [url for _did, url, _identity, _added in FederationStore(store.engine).peers()]
    urls = rollback.peer_urls([], known)
    with httpx.Client(timeout=timeout) as http:
        status = rollback.ask(
            urls,
            did=node["did"],
            origin=node["origin"],
            vkey=node["vkey"],
            local_size=store.head()[0],
            root_at=lambda _size: None,  # judge() compares the roots, from the stored leaves
            http=http,
        )
    found = [Cosigned(f"the {s.kind} at {s.source}", s.size, s.root) for s in status.sightings]
    unanswered = [
        f"{url} could not be asked what it holds of this log" for url in status.unreachable
    ]
    return found, unanswered


def judge(store: LogStore, cosigned: Iterable[Cosigned]) -> Judgement:
    """Compare the restored log with each cosigned checkpoint."""
    claims = sorted(cosigned, key=lambda c: c.size)
    size, _root = store.head()
    roots = roots_at(store, {c.size for c in claims if c.size <= size})
    judgement = Judgement()
    for claim in claims:
        if claim.size > size:
            judgement.conflicts.append(
                f"{claim.source} cosigned {claim.size} entries of this log, but the backup "
                f"holds {size}: restoring it would roll back {claim.size - size} entries"
            )
        elif claim.root and roots.get(claim.size) != claim.root:
            judgement.conflicts.append(
                f"{claim.source} cosigned another root for the first {claim.size} entries: "
                "the backup's log is not the history the witnesses saw (a fork)"
            )
        else:
            judgement.notes.append(f"{claim.source}: {claim.size} entries, consistent")
    return judgement


def roots_at(store: LogStore, sizes: set[int]) -> dict[int, bytes]:
    """The tree's root at each of ``sizes``, from the stored leaf hashes."""
    frontier = CompactRange()
    roots: dict[int, bytes] = {}
    if 0 in sizes:
        roots[0] = frontier.root()
    last = max(sizes, default=0)
    for digest in leaf_hashes(store.engine):
        if frontier.size >= last:
            break
        frontier.append(digest)
        if frontier.size in sizes:
            roots[frontier.size] = frontier.root()
    return roots
