"""Read-side questions the adapters ask of a node: what the pages and API show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from commonweal.core.checkpoint import Checkpoint, parse_checkpoint
from commonweal.core.events import parse_leaf
from commonweal.core.tlog_proof import format_tlog_proof
from commonweal.domain.node.profile import PROFILE
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.replay import AUTHORS
from commonweal.node.kernel.service import Node
from commonweal.store.log_store import CheckpointRow, EntryRow


@dataclass(frozen=True)
class LoggedEvent:
    """An entry of the log, decoded for display."""

    index: int
    leaf_hash: bytes
    received: str
    event: dict[str, Any]

    @classmethod
    def from_entry(cls, entry: EntryRow) -> LoggedEvent:
        """Decode a stored entry."""
        leaf = parse_leaf(entry.leaf)
        return cls(entry.idx, entry.leaf_hash, leaf.received, leaf.event.as_dict())


def profile(node: Node) -> dict[str, str]:
    """The node's public profile (empty before ``node.created``)."""
    value: dict[str, str] = node.state.get(PROFILE, "profile") or {}
    return value


def last_seq(node: Node, author: str) -> int:
    """The last ``seq`` this node logged from ``author`` (0 if none)."""
    value: int = node.state.get(AUTHORS, author, 0)
    return value


def logged_event(node: Node, index: int) -> LoggedEvent:
    """The entry at ``index``, or a ``not_found`` rejection."""
    entry = node.store.entry(index) if 0 <= index < node.size else None
    if entry is None:
        raise Rejected(
            "not_found",
            "the log has no entry %(index)s; its size is %(size)s",
            index=index,
            size=node.size,
        )
    return LoggedEvent.from_entry(entry)


def recent_events(node: Node, limit: int = 20) -> list[LoggedEvent]:
    """The newest entries, newest first."""
    return [LoggedEvent.from_entry(entry) for entry in node.store.recent(limit)]


def events_page(node: Node, start: int, limit: int) -> list[LoggedEvent]:
    """Entries from ``start``, oldest first."""
    return [LoggedEvent.from_entry(e) for e in node.store.entries(start, start + limit)]


def latest_checkpoint(node: Node) -> tuple[CheckpointRow, Checkpoint] | None:
    """The newest signed checkpoint, raw and parsed."""
    row = node.store.latest_checkpoint()
    if row is None:
        return None
    return row, parse_checkpoint(row.note.split("\n\n", 1)[0] + "\n")


def checked_size(node: Node, size: int | None) -> int:
    """``size`` if the log has reached it; by default the latest checkpoint's size."""
    if size is None:
        latest = node.store.latest_checkpoint()
        return latest.size if latest else node.size
    if not 0 <= size <= node.size:
        raise Rejected(
            "not_found",
            "size %(size)s is beyond the log's %(log_size)s entries",
            size=size,
            log_size=node.size,
        )
    return size


def inclusion(node: Node, index: int, size: int | None) -> dict[str, Any]:
    """An inclusion proof of ``index`` in the tree of ``size`` leaves."""
    tree_size = checked_size(node, size)
    if not 0 <= index < tree_size:
        raise Rejected(
            "not_found",
            "leaf %(index)s is not in a tree of size %(tree_size)s",
            index=index,
            tree_size=tree_size,
        )
    entry = node.store.entry(index)
    assert entry is not None
    return {
        "index": index,
        "size": tree_size,
        "leaf_hash": entry.leaf_hash,
        "root": node.proofs.root(tree_size),
        "proof": node.proofs.inclusion(index, tree_size),
    }


def consistency(node: Node, old: int, new: int | None) -> dict[str, Any]:
    """A consistency proof between two sizes of the log."""
    new_size = checked_size(node, new)
    if not 0 <= old <= new_size:
        raise Rejected(
            "invalid_request", "old must be between 0 and %(new_size)s", new_size=new_size
        )
    proof = node.proofs.consistency(old, new_size) if 0 < old < new_size else []
    return {
        "old": old,
        "new": new_size,
        "old_root": node.proofs.root(old),
        "new_root": node.proofs.root(new_size),
        "proof": proof,
    }


def tlog_proof(node: Node, index: int) -> str:
    """An offline receipt: a C2SP tlog-proof of ``index`` against the latest checkpoint."""
    row = node.store.latest_checkpoint()
    if row is None or not 0 <= index < row.size:
        node.checkpoint()
        row = node.store.latest_checkpoint()
    assert row is not None
    if not 0 <= index < row.size:
        raise Rejected("not_found", "the log has no entry %(index)s", index=index)
    return format_tlog_proof(index, node.proofs.inclusion(index, row.size), row.note)
