"""What an operator watches, read from the node and its store: for /readyz and /metrics.

Each read is cheap (a handful of indexed queries), since a monitoring system asks
for them every few seconds. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from commonweal.core.rfc3339 import parse_utc
from commonweal.node.kernel.service import Node
from commonweal.node.services.federation.service import Federation
from commonweal.store.schema import checkpoints


@dataclass(frozen=True)
class CheckpointStatus:
    """How far the node's signed checkpoints are behind its log."""

    size: int
    """Entries in the log."""
    checkpoint_size: int
    """Entries covered by the newest signed checkpoint (0 without one)."""
    age_seconds: float | None
    """Seconds since the newest checkpoint was signed (None without one)."""


@dataclass(frozen=True)
class WitnessStatus:
    """How far the witnesses' cosignatures are behind the node's checkpoints."""

    cosigned: dict[str, int]
    """Witness name → the largest checkpoint size it cosigned."""
    quorum_size: int
    """The largest checkpoint size cosigned by a quorum (0 if none)."""
    lag_entries: int
    """Entries signed in a checkpoint but not yet in one a quorum cosigned."""
    lag_seconds: float
    """How long the oldest checkpoint beyond the quorum's has waited (0 if none waits)."""


@dataclass(frozen=True)
class MirrorStatus:
    """How far this node's mirror of another node's log is behind what it has seen of it."""

    origin: str
    verified_size: int
    known_size: int
    """The largest size of that log this node has seen signed (witnessed or mirrored)."""
    age_seconds: float
    """Seconds since the mirror last advanced."""


def database_reachable(node: Node) -> str | None:
    """None if the store answers a query; else what went wrong."""
    try:
        node.store.head()
    except Exception as error:  # any driver error means "not reachable"
        return f"{type(error).__name__}: {error}"
    return None


def head_consistency(node: Node) -> str | None:
    """None if the stored head is the one in memory, or one other processes appended to.

    The in-memory log may trail the store (another process appended and this one
    has not caught up yet), but never lead it or disagree with it.
    """
    size, root = node.store.head()
    with node.reading():
        mine, my_root = node.range.size, node.range.root()
    if size < mine:
        return f"the stored log holds {size} entries, fewer than the {mine} in memory"
    if size == mine and root != my_root:
        return f"the stored root of {size} entries differs from the root in memory"
    return None


def checkpoint_status(node: Node, now: datetime) -> CheckpointStatus:
    """The log's size, the newest checkpoint's size and its age."""
    latest = node.store.latest_checkpoint()
    if latest is None:
        return CheckpointStatus(node.size, 0, None)
    age = (now - parse_utc(latest.signed_at)).total_seconds()
    return CheckpointStatus(node.size, latest.size, max(age, 0.0))


def witness_status(federation: Federation, now: datetime) -> WitnessStatus | None:
    """Cosignature lag, or None when no witness ever cosigned (the node has none)."""
    cosigned = federation.store.cosigned_sizes()
    if not cosigned:
        return None
    quorum = max(federation.node.config.witness_quorum, 1)
    quorum_sizes = federation.store.quorum_sizes(quorum)
    quorum_size = quorum_sizes[0] if quorum_sizes else 0
    latest = federation.node.store.latest_checkpoint()
    latest_size = latest.size if latest else 0
    waiting = _first_checkpoint_after(federation.node, quorum_size)
    lag_seconds = (now - parse_utc(waiting)).total_seconds() if waiting else 0.0
    return WitnessStatus(
        cosigned, quorum_size, max(latest_size - quorum_size, 0), max(lag_seconds, 0.0)
    )


def _first_checkpoint_after(node: Node, size: int) -> str | None:
    """When the first checkpoint larger than ``size`` was signed, if there is one."""
    with node.store.engine.connect() as conn:
        return conn.execute(
            select(checkpoints.c.signed_at)
            .where(checkpoints.c.size > size)
            .order_by(checkpoints.c.size)
            .limit(1)
        ).scalar()


def mirror_status(federation: Federation, now: datetime) -> list[MirrorStatus]:
    """Each mirrored log: verified size, the largest size seen signed, and staleness."""
    seen = {row.origin: row.size for row in federation.store.all_witnessed()}
    statuses = []
    for mirror in federation.store.all_mirrors():
        known = max(mirror.size, seen.get(mirror.origin, 0))
        age = (now - parse_utc(mirror.updated_at)).total_seconds()
        statuses.append(MirrorStatus(mirror.origin, mirror.size, known, max(age, 0.0)))
    return statuses
