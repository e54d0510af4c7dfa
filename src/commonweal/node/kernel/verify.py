"""Replay and verify a whole log: every byte, signature, rule, projection and checkpoint.

``verify_log`` reads entries in order from a :class:`LogSource` (a local store, or
a remote node's tiles), re-checks each one exactly as the node did when it
accepted it, rebuilds the projected state into a scratch store, and compares it
with the live one. Each stored checkpoint must carry the node's signature and the
root recomputed at its size; consecutive checkpoints must be consistent, and two
that are not are reported together as evidence of a rewritten history.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any, Protocol

from commonweal.core.checkpoint import Checkpoint, open_checkpoint
from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import EventError, Leaf, parse_leaf
from commonweal.core.merkle import (
    CompactRange,
    ProofError,
    consistency_proof,
    hash_at_from_tiles,
    leaf_hash,
    verify_consistency,
)
from commonweal.core.note import NoteError, NoteVerifier
from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.errors import DomainError
from commonweal.domain.registry import Registry
from commonweal.domain.state import State
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.replay import DERIVED_TABLES, apply_event
from commonweal.node.kernel.signatures import SignatureChecker
from commonweal.store.checked_store import Unreadable
from commonweal.store.database import migrate, scratch_engine
from commonweal.store.log_store import CheckpointRow, EntryRow, LogStore

CHUNK = 2000
Checked = tuple[Leaf, Any, Any, bool]
"""A parsed leaf, its event type and body, and whether its signature verifies."""
MAX_FUTURE_SKEW = timedelta(minutes=10)


class LogSource(Protocol):
    """Where a log is read from for verification."""

    def read_meta(self) -> dict[str, str]: ...
    def head(self) -> tuple[int, bytes]: ...
    def entries(self, start: int, end: int) -> Sequence[EntryRow | Unreadable]: ...
    def all_checkpoints(self) -> list[CheckpointRow]: ...


class ProjectionSource(Protocol):
    """The live projection and tree hashes a replay is compared with."""

    def projection_raw(self) -> list[tuple[str, str, str]]: ...
    def all_tree_hashes(self) -> Iterable[tuple[int, int, bytes]]: ...


@dataclass(frozen=True)
class Failure:
    """One thing that did not verify; ``index`` is the leaf index when it concerns a leaf."""

    what: str
    index: int | None = None


@dataclass(frozen=True)
class Evidence:
    """Two signed checkpoints of one log that cannot both be true."""

    reason: str
    older: str
    newer: str


@dataclass
class Report:
    """The outcome of a verification."""

    size: int = 0
    entries_checked: int = 0
    checkpoints_checked: int = 0
    projection_rows: int = 0
    storage_check: str = ""
    """The database's own check that ran first (SQLite ``integrity_check``), if any."""
    failures: list[Failure] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures and not self.evidence

    def fail(self, what: str, index: int | None = None) -> None:
        """Record a failure."""
        self.failures.append(Failure(what, index))


Progress = Callable[[int, int], None]
"""Called with (entries checked so far, total)."""


def verify_log(
    source: LogSource,
    registry: Registry,
    *,
    progress: Progress | None = None,
    compare_with: ProjectionSource | None = None,
    max_failures: int = 50,
) -> Report:
    """Verify everything in ``source``; compare the rebuilt projection with ``compare_with``."""
    with _collector_paused():
        return _verify_log(source, registry, progress, compare_with, max_failures)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of acyclic objects are made.

    Replay builds state and row lists of millions of objects and no reference
    cycles; left on, the collector rescans them again and again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _verify_log(
    source: LogSource,
    registry: Registry,
    progress: Progress | None,
    compare_with: ProjectionSource | None,
    max_failures: int,
) -> Report:
    meta = source.read_meta()
    size, stored_root = source.head()
    checkpoints = source.all_checkpoints()
    report = Report(size=size)
    verifier = _node_verifier(meta, report)
    node_key = (
        did_key_from_public_key(verifier.public_key)
        if verifier is not None
        else _first_author(source, size)
    )
    replay = _Replay(
        meta.get("did", ""),
        node_key,
        report,
        {cp.size for cp in checkpoints if cp.size <= size},
    )
    checker = SignatureChecker()
    try:
        for index, entry, outcome in _checked_entries(source, size, registry, checker):
            if len(report.failures) >= max_failures:
                report.fail(f"stopped after {max_failures} failures")
                break
            if entry.idx != index:
                report.fail(f"expected leaf {index} but the store holds leaf {entry.idx}", index)
                break
            replay.entry(index, entry, outcome)
            if progress is not None and index % CHUNK == 0:
                progress(index, size)
    finally:
        checker.close()
    if progress is not None:
        progress(report.entries_checked, size)
    if report.entries_checked < size and len(report.failures) < max_failures:
        report.fail(
            f"the head says {size} entries but only {report.entries_checked} could be read: "
            "entries are missing",
            report.entries_checked,
        )
    if stored_root and report.entries_checked == size and replay.tree.range.root() != stored_root:
        report.fail("the stored root of the log head is not the root of its leaves")
    if verifier is not None:
        _check_checkpoints(
            report, checkpoints, replay.roots, replay.tree, verifier, meta.get("origin", ""), size
        )
    if compare_with is not None:
        _compare_projection(report, replay.state, compare_with, replay.tree)
    return report


def _node_verifier(meta: dict[str, str], report: Report) -> NoteVerifier | None:
    """The node's checkpoint key from ``node_meta``; a missing or broken one is a failure."""
    for key in ("did", "origin", "vkey"):
        if not meta.get(key):
            report.fail(f"node_meta has no {key!r}")
    try:
        return NoteVerifier(meta["vkey"]) if meta.get("vkey") else None
    except NoteError as error:
        report.fail(
            f"node_meta 'vkey' is not a verifier key ({error}): checkpoints cannot be checked"
        )
        return None


def _first_author(source: LogSource, size: int) -> str:
    """The node's key DID from its first entry (``node.created``, signed by the node key)."""
    rows = source.entries(0, 1) if size else []
    if not rows or not isinstance(rows[0], EntryRow):
        return ""
    try:
        return parse_leaf(rows[0].leaf).event.author
    except EventError:
        return ""


class _Replay:
    """Re-checks entries one by one, in order, rebuilding the tree and the state."""

    def __init__(
        self, node_did: str, node_key: str, report: Report, wanted_roots: set[int]
    ) -> None:
        self.node_did = node_did
        self.node_key = node_key
        self.report = report
        self.tree = ReplayedTree()
        self.state = State()
        self.wanted_roots = wanted_roots
        self.roots: dict[int, bytes] = {0: self.tree.range.root()} if 0 in wanted_roots else {}
        self.last_received: datetime | None = None

    def entry(self, index: int, entry: EntryRow | Unreadable, outcome: Checked | str) -> None:
        """Check one entry: its hash, signature, fields, times and rules."""
        report = self.report
        if isinstance(entry, Unreadable):
            # Its hash is unknown: the roots from here on cannot match, and say so below.
            self.tree.append(bytes(32))
            report.entries_checked += 1
            report.fail(entry.what, index)
            return
        digest = leaf_hash(entry.leaf)
        if digest != entry.leaf_hash:
            report.fail("the stored leaf hash is not the hash of the stored leaf bytes", index)
        self.tree.append(digest)
        if self.tree.range.size in self.wanted_roots:
            self.roots[self.tree.range.size] = self.tree.range.root()
        report.entries_checked += 1
        if isinstance(outcome, str):
            report.fail(outcome, index)
            return
        leaf, event_type, body, signed = outcome
        if not signed:
            # Keep replaying it, so one forged entry is reported once, not as a cascade.
            report.fail("the author's signature does not verify", index)
        event = leaf.event
        mismatch = _column_mismatch(entry, leaf)
        if mismatch:
            report.fail(mismatch, index)
        if event.node != self.node_did:
            report.fail(f"the event is for {event.node}, not this node", index)
        received = parse_utc(leaf.received)
        if self.last_received is not None and received < self.last_received:
            report.fail("received time goes backwards", index)
        self.last_received = received
        if parse_utc(event.at) - received > MAX_FUTURE_SKEW:
            report.fail("at is more than 10 minutes after the node received the event", index)
        savepoint = self.state.savepoint()
        try:
            apply_event(
                self.state,
                event,
                event_type,
                body,
                index=index,
                received=leaf.received,
                node_did=self.node_did,
                node_key=self.node_key,
            )
        except Rejected as rejected:
            self.state.rollback(savepoint)
            report.fail(f"the rules refuse this event: {rejected.code}: {rejected.message}", index)
        self.state.clear_journal()


def _checked_entries(
    source: LogSource, size: int, registry: Registry, checker: SignatureChecker
) -> Iterator[tuple[int, EntryRow | Unreadable, Checked | str]]:
    """Entries in order with their parse-and-signature outcome.

    While the caller applies the rules to one chunk, worker processes check the
    signatures of the next (see :mod:`commonweal.node.kernel.signatures`).
    """
    index = 0
    pending: (
        tuple[Sequence[EntryRow | Unreadable], list[Parsed | str], Callable[[], list[bool]]] | None
    ) = None
    for start in range(0, size, CHUNK):
        rows = source.entries(start, min(start + CHUNK, size))
        parsed = [_parse_entry(entry, registry) for entry in rows]
        checks = [p[0].event.signature_check for p in parsed if not isinstance(p, str)]
        verdicts = checker.submit(checks)
        if pending is not None:
            for entry, outcome in _with_verdicts(*pending):
                yield index, entry, outcome
                index += 1
        pending = (rows, parsed, verdicts)
        if len(rows) < min(CHUNK, size - start):
            break
    if pending is not None:
        for entry, outcome in _with_verdicts(*pending):
            yield index, entry, outcome
            index += 1


Parsed = tuple[Leaf, Any, Any]


def _parse_entry(entry: EntryRow | Unreadable, registry: Registry) -> Parsed | str:
    if isinstance(entry, Unreadable):
        return entry.what
    try:
        leaf = parse_leaf(entry.leaf)
        event_type = registry.get(leaf.event.type)
        return leaf, event_type, event_type.parse_body(leaf.event.body)
    except (EventError, DomainError) as error:
        return f"the leaf does not parse: {error}"


def _with_verdicts(
    rows: Sequence[EntryRow | Unreadable],
    parsed: list[Parsed | str],
    verdicts: Callable[[], list[bool]],
) -> Iterator[tuple[EntryRow | Unreadable, Checked | str]]:
    signed = iter(verdicts())
    for entry, outcome in zip(rows, parsed, strict=True):
        if isinstance(outcome, str):
            yield entry, outcome
        else:
            yield entry, (*outcome, next(signed))


def _column_mismatch(entry: EntryRow, leaf: Leaf) -> str:
    event = leaf.event
    stored = (entry.type, entry.author, entry.seq, entry.received)
    actual = (event.type, event.author, event.seq, leaf.received)
    if stored != actual:
        return f"the indexed columns {stored} disagree with the leaf {actual}"
    return ""


def _check_checkpoints(
    report: Report,
    checkpoints: list[CheckpointRow],
    roots: dict[int, bytes],
    tree: ReplayedTree,
    verifier: NoteVerifier,
    origin: str,
    size: int,
) -> None:
    opened: list[tuple[CheckpointRow, Checkpoint]] = []
    for row in checkpoints:
        try:
            checkpoint = open_checkpoint(row.note, verifier)
        except ValueError as error:
            report.fail(f"checkpoint at size {row.size} is not signed by the node key: {error}")
            continue
        report.checkpoints_checked += 1
        if (
            checkpoint.origin != origin
            or checkpoint.size != row.size
            or checkpoint.root != row.root
        ):
            report.fail(f"checkpoint at size {row.size}: the note disagrees with its stored row")
        opened.append((row, checkpoint))
    for _row, checkpoint in opened:
        if checkpoint.size > size:
            report.fail(
                f"checkpoint at size {checkpoint.size} is beyond the log's {size} entries: "
                "the log was truncated"
            )
        elif roots.get(checkpoint.size) not in (None, checkpoint.root):
            report.fail(f"checkpoint at size {checkpoint.size} does not match the log's root there")
    for (older_row, older), (newer_row, newer) in pairwise(opened):
        problem = _inconsistency(older, newer, roots, tree, size)
        if problem:
            report.evidence.append(Evidence(problem, older_row.note, newer_row.note))


def _inconsistency(
    older: Checkpoint, newer: Checkpoint, roots: dict[int, bytes], tree: ReplayedTree, size: int
) -> str:
    """Why two signed checkpoints cannot both describe one append-only log, or ``""``."""
    if older.size == 0 or older.size == newer.size:
        if older.size == newer.size and older.root != newer.root:
            return f"two different roots were signed for size {older.size}"
        return ""
    if newer.size > size:
        return (
            f"checkpoint {newer.size} was signed but the log now holds only {size} entries, "
            f"so it cannot be shown consistent with checkpoint {older.size}"
        )
    if roots.get(newer.size) != newer.root:
        return ""  # reported already as a root mismatch; no proof can be built from these leaves
    proof = tree.consistency(older.size, newer.size)
    try:
        verify_consistency(older.size, newer.size, older.root, newer.root, proof)
    except ProofError as error:
        return f"checkpoints {older.size} and {newer.size} are not consistent: {error}"
    return ""


class ReplayedTree:
    """The tree rebuilt from the leaves, kept compactly so proofs can be made from it."""

    def __init__(self) -> None:
        self.range = CompactRange()
        self.leaf_hashes = bytearray()
        self.subtrees: dict[tuple[int, int], bytes] = {}

    def append(self, digest: bytes) -> None:
        """Add the next leaf hash."""
        self.leaf_hashes += digest
        for level, index, value in self.range.append(digest):
            self.subtrees[(level, index)] = value

    def level_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        """Stored-level hashes, as the store would serve them."""
        if level == 0:
            end = min(end, len(self.leaf_hashes) // 32)
            return [bytes(self.leaf_hashes[i * 32 : i * 32 + 32]) for i in range(start, end)]
        return [self.subtrees[(level, i)] for i in range(start, end) if (level, i) in self.subtrees]

    def consistency(self, old: int, new: int) -> list[bytes]:
        """The consistency proof between two sizes of the replayed tree."""
        return consistency_proof(old, new, hash_at_from_tiles(self.level_hashes))


def _compare_projection(
    report: Report, state: State, live: ProjectionSource, tree: ReplayedTree
) -> None:
    """Write the replayed state into a scratch store and compare it row by row with the live one."""
    engine = scratch_engine()
    try:
        migrate(engine)
        scratch = LogStore(engine)
        scratch.write_projection(r for r in state.rows() if r.table not in DERIVED_TABLES)
        rebuilt = scratch.projection_raw()
    finally:
        engine.dispose()
    current = live.projection_raw()
    report.projection_rows = len(rebuilt)
    if rebuilt != current:
        rebuilt_set, current_set = set(rebuilt), set(current)
        for row in sorted(current_set - rebuilt_set)[:10]:
            report.fail(f"projection row {row[0]} {row[1]} differs from the replay")
        for row in sorted(rebuilt_set - current_set)[:10]:
            if (row[0], row[1]) not in {(r[0], r[1]) for r in current_set}:
                report.fail(f"projection row {row[0]} {row[1]} is missing from the live store")
    stored = list(live.all_tree_hashes())
    if stored != sorted((level, index, value) for (level, index), value in tree.subtrees.items()):
        report.fail("the stored subtree hashes differ from those recomputed from the leaves")
