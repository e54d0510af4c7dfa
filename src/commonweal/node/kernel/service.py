"""The node service: submit → verify → rules → append, with group commit.

Submitting is two steps. :meth:`Node.prepare` parses and checks an event and its
signature without any lock, so many threads verify in parallel (libsodium releases
the GIL). :meth:`Node.commit` hands prepared requests to the sequencer: whichever
caller holds the sequencer lock takes every request waiting, applies the rules in
order, and writes them all in one transaction — one fsync for many events.
A request is all-or-nothing: if one of its events is refused, none is written.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from commonweal.core.checkpoint import Checkpoint, sign_checkpoint
from commonweal.core.events import MAX_LEAF_BYTES, Event, leaf_bytes, sign_event
from commonweal.core.merkle import CompactRange, leaf_hash
from commonweal.core.rfc3339 import format_utc, parse_utc
from commonweal.domain.registry import Registry
from commonweal.domain.state import SHARED_VALUES, State
from commonweal.node.kernel.config import NodeConfig
from commonweal.node.kernel.dry_run import DryRun, Verdict
from commonweal.node.kernel.errors import Rejected, Unavailable
from commonweal.node.kernel.following import StoreSource, catch_up, follow
from commonweal.node.kernel.identity import NodeIdentity
from commonweal.node.kernel.prepared import Prepared as Prepared
from commonweal.node.kernel.prepared import bad_signature, check_unsigned, parse_raw, parse_value
from commonweal.node.kernel.proofs import ProofService
from commonweal.node.kernel.replay import AUTHORS, DERIVED_TABLES, LAST_INDEX, apply_event
from commonweal.node.kernel.signatures import SignatureChecker
from commonweal.store.database import close_engine
from commonweal.store.log_store import CheckpointRow, EntryRow, Group, LogStore
from commonweal.store.sequencer import Turn, sequencing

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

NODE_SEQ_ATTEMPTS = 3
"""How often the node signs its own event again when another process took its ``seq``."""

SEQ_CODES = frozenset({"seq_replayed", "seq_out_of_order"})


def system_clock() -> datetime:
    """The current UTC time."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Receipt:
    """Proof of acceptance: where the event sits in the log."""

    index: int
    leaf_hash: bytes
    received: str
    duplicate: bool = False


@dataclass
class _Request:
    events: Sequence[Prepared]
    done: threading.Event = field(default_factory=threading.Event)
    receipts: list[Receipt] | None = None
    error: Exception | None = None


@dataclass
class _Group:
    entries: list[EntryRow] = field(default_factory=list)
    hashes: list[tuple[int, int, bytes]] = field(default_factory=list)
    by_author_seq: dict[tuple[str, int], EntryRow] = field(default_factory=dict)


class Node:
    """One node's log and state, behind submit and read operations."""

    def __init__(
        self,
        store: LogStore,
        identity: NodeIdentity,
        registry: Registry,
        *,
        config: NodeConfig | None = None,
        clock: Clock = system_clock,
        signatures: SignatureChecker | None = None,
    ) -> None:
        self.store = store
        self.identity = identity
        self.registry = registry
        self.config = config or NodeConfig()
        self.clock = clock
        self.proofs = ProofService(store)
        self.signatures = signatures or SignatureChecker()
        # Re-entrant: a read model that asks another for names inside ``reading`` waits
        # for nobody (a plain lock hung the expenses page).
        self._lock = threading.RLock()
        """Holds the state still: reads, dry runs, applying a group or what others logged."""
        self._committing = threading.Lock()
        """One committer at a time in this process (taken before the log's turn)."""
        self._state_before_turn = store.engine.dialect.name == "sqlite"
        """Hold the state before taking the turn (SQLite), or only once the turn is ours
        (PostgreSQL: waiting for another process's commit then holds up no read here). On
        SQLite the turn is the database's one write lock, which a thread holding the state
        may be waiting for: taking the state first keeps the two in one order."""
        self._queue: deque[_Request] = deque()
        self._queue_lock = threading.Lock()
        self._node_author_lock = threading.Lock()
        self.writes_refused: dict[str, Rejected] = {}
        """Reason code → the refusal, while the node must append nothing (see ``refuse_writes``)."""
        self.after_commit: list[Callable[[Node, list[EntryRow]], None]] = []
        """Called, under the sequencer lock, with the entries of every committed group."""
        self.full_reloads = 0
        """How often the state diverged from the log and was reloaded (never, unless a bug)."""
        self._load()

    # -- startup --------------------------------------------------------------------

    def _load(self) -> None:
        """Read the head, the Merkle frontier and the projected state from the store."""
        size, root = self.store.head()
        self.range = CompactRange.from_size(size, self.proofs.hash_at(size))
        if self.range.root() != root:
            raise RuntimeError("the stored log head does not match the stored hashes")
        self.state = State()
        for table, key, value in self.store.projection(shared=SHARED_VALUES):
            self.state.table(table)[key] = value
        self.state.table(AUTHORS).update(self.store.author_seqs())
        self.state.table(LAST_INDEX).update(self.store.author_last_indexes())
        last = self.store.entry(size - 1) if size else None
        self.last_received = parse_utc(last.received) if last else datetime.min.replace(tzinfo=UTC)
        latest = self.store.latest_checkpoint()
        self.checkpoint_size = latest.size if latest else -1

    def close(self) -> None:
        """Release the signature workers and the database connections."""
        self.signatures.close()
        self.store.close_writer()
        close_engine(self.store.engine)

    @contextmanager
    def reading(self) -> Iterator[State]:
        """The state, held still: the sequencer waits until the block ends (keep it short)."""
        with self._lock:
            yield self.state

    @contextmanager
    def dry_run(self) -> Iterator[DryRun]:
        """The state held still, with ``check`` to ask whether an event would be accepted
        (applied on a savepoint and rolled back: nothing written, no ``seq`` used)."""
        with self._lock:
            yield DryRun(self)

    def check(
        self, event_type: str, author: str, body: Mapping[str, Any], *, at: str | None = None
    ) -> Verdict:
        """Whether ``author`` submitting ``event_type`` with ``body`` now would be logged."""
        with self.dry_run() as rules:
            return rules.check(event_type, author, body, at=at)

    @property
    def size(self) -> int:
        """How many entries the log holds."""
        return self.range.size

    # -- submit ---------------------------------------------------------------------

    def submit(self, raw: bytes) -> Receipt:
        """Check, order and durably append one event; return its receipt."""
        return self.commit([self.prepare(raw)])[0]

    def submit_batch(self, raws: Sequence[bytes | object]) -> list[Receipt]:
        """Append several events atomically, in order: all are logged or none."""
        return self.commit(self.prepare_many(raws))

    def prepare_many(self, raws: Sequence[bytes | object]) -> list[Prepared]:
        """:meth:`prepare` for a batch, checking the signatures together in worker processes."""
        unsigned = self.check_batch(raws)
        self.require_signatures(self.signatures.check([p.event.signature_check for p in unsigned]))
        return unsigned

    def check_batch(self, raws: Sequence[bytes | object]) -> list[Prepared]:
        """Everything :meth:`prepare_many` checks but the signatures."""
        if not raws:
            raise Rejected("invalid_batch", "a batch must hold at least one event")
        if len(raws) > self.config.max_batch_events:
            raise Rejected(
                "batch_too_large",
                "a batch may hold at most %(max_batch_events)s events",
                max_batch_events=self.config.max_batch_events,
            )
        unsigned = []
        for position, raw in enumerate(raws):
            try:
                event = parse_raw(raw) if isinstance(raw, bytes) else parse_value(raw)
                unsigned.append(check_unsigned(self, event))
            except Rejected as rejected:
                raise rejected.at(position) from None
        return unsigned

    @staticmethod
    def require_signatures(verdicts: Sequence[bool]) -> None:
        """Refuse the batch at the first event whose signature does not verify."""
        for position, valid in enumerate(verdicts):
            if not valid:
                raise bad_signature().at(position)

    def prepare(self, raw: bytes) -> Prepared:
        """Everything that needs no lock: parse, node, time, type, body, signature."""
        prepared = check_unsigned(self, parse_raw(raw))
        if not prepared.event.has_valid_signature():
            raise bad_signature()
        return prepared

    def prepare_value(self, value: object) -> Prepared:
        """:meth:`prepare` for an event already decoded from a larger JSON document."""
        prepared = check_unsigned(self, parse_value(value))
        if not prepared.event.has_valid_signature():
            raise bad_signature()
        return prepared

    def prepare_value_of(self, value: object, types: Collection[str], named: str) -> Prepared:
        """:meth:`prepare_value`, refused unless the event is of one of ``types`` (``named``:
        them in words, as the refusal says "the event must be <named>")."""
        prepared = self.prepare_value(value)
        if prepared.event.type not in types:
            raise Rejected("invalid_request", "the event must be %(named)s", named=named)
        return prepared

    def submit_as_node(self, event_type: str, body: dict[str, Any]) -> Receipt:
        """Sign and append an event authored by the node itself (its next ``seq``).

        Another process on the same store (a separate scheduler) may have used that
        ``seq`` first: the node then catches up with the store and signs again.
        """
        with self._node_author_lock:
            for attempt in range(NODE_SEQ_ATTEMPTS):
                seq = self.state.get(AUTHORS, self.identity.key_did, 0) + 1
                event = sign_event(
                    self.identity.key,
                    type=event_type,
                    node=self.identity.did,
                    seq=seq,
                    at=format_utc(self.clock()),
                    body=body,
                )
                try:
                    return self.commit([self.prepare_value(event)])[0]
                except Rejected as rejected:
                    if rejected.code not in SEQ_CODES or attempt == NODE_SEQ_ATTEMPTS - 1:
                        raise
                    self.catch_up()
            raise AssertionError("unreachable")

    def check_unsigned_value(self, value: object) -> Prepared:
        """:meth:`prepare_value` without the signature (the dry run's first half)."""
        return check_unsigned(self, parse_value(value))

    def commit(self, events: Sequence[Prepared]) -> list[Receipt]:
        """Order and append prepared events as one all-or-nothing request (group commit)."""
        (outcome,) = self.commit_requests([events])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def commit_requests(
        self, requests: Sequence[Sequence[Prepared]]
    ) -> list[list[Receipt] | Exception]:
        """Commit several independent requests, each all-or-nothing, in as few groups as fit.

        Whichever caller holds the sequencer lock drains every request waiting, its
        own and other threads', into one transaction.
        """
        refused = self.writes_refused.copy()
        if refused:
            first = next(iter(refused.values()))
            return [Rejected.saying(first.code, first) for _ in requests]
        pending = [_Request(events) for events in requests]
        with self._queue_lock:
            self._queue.extend(pending)
        for request in pending:
            while not request.done.is_set():
                with self._committing:
                    if request.done.is_set():
                        break
                    self._run_group(self._take_group())
        return [r.error if r.error is not None else (r.receipts or []) for r in pending]

    def refuse_writes(self, code: str, message: str, **params: object) -> None:
        """Refuse every append with ``code`` until :meth:`allow_writes` (e.g. a rollback:
        appending to a log behind what witnesses cosigned would fork it); ``message``, a
        template with ``params``, says why (in the reader's language: docs/languages.md)."""
        refused = Rejected(code, message % params if params else message)
        refused.template, refused.params = message, params
        self.writes_refused[code] = refused

    def allow_writes(self, code: str) -> None:
        """Lift the refusal of writes for ``code``."""
        self.writes_refused.pop(code, None)

    def _take_group(self) -> list[_Request]:
        group: list[_Request] = []
        count = 0
        with self._queue_lock:
            while self._queue and (
                not group or count + len(self._queue[0].events) <= self.config.max_group_events
            ):
                request = self._queue.popleft()
                group.append(request)
                count += len(request.events)
        return group

    def _run_group(self, requests: list[_Request]) -> None:
        """Apply and write one group; runs with the sequencer lock held.

        The group first takes the log's turn (store/sequencer.py: the head row locked
        until the commit, so processes sharing the store append one at a time), applies
        whatever others appended before it (node/kernel/following.py), then applies its
        requests against that state and writes them in the same transaction.
        """
        accepted: list[_Request] = []
        undo: tuple[CompactRange, int] | None = None
        locked = self._state_before_turn
        if locked:
            self._lock.acquire()
        try:
            with sequencing(self.store) as turn:
                if not locked:
                    self._lock.acquire()
                    locked = True
                follow(self, turn, turn.size, turn.root)
                undo = (self.range.copy(), self.state.savepoint())
                now = max(self.clock(), self.last_received)
                received = format_utc(now)
                group = _Group()
                for request in requests:
                    try:
                        request.receipts = self._apply_request(request, group, received)
                        accepted.append(request)
                    except Rejected as rejected:
                        request.error = rejected
                checkpoint = self._write(turn, group, received)
        except Exception as exc:  # the store failed (the commit too): undo the group in memory
            if undo is not None:
                self.range = undo[0]
                self.state.rollback(undo[1])
                self.state.clear_journal()
            failed = accepted if undo is not None else requests
            for request in failed:
                request.receipts = None
                request.error = Unavailable(f"the log could not be written: {exc}")
        else:
            self.state.clear_journal()  # only now: a failed commit must still be undone
            if checkpoint is not None:
                self.checkpoint_size = checkpoint.size
            if group.entries:
                self.last_received = now
                for hook in self.after_commit:
                    hook(self, group.entries)
        finally:
            if locked:
                self._lock.release()
        for request in requests:
            request.done.set()

    def _apply_request(self, request: _Request, group: _Group, received: str) -> list[Receipt]:
        savepoint = self.state.savepoint()
        mark, hashes_mark = len(group.entries), len(group.hashes)
        range_mark = self.range.copy()
        receipts = []
        try:
            for position, prepared in enumerate(request.events):
                try:
                    receipts.append(self._apply_event(prepared, group, received))
                except Rejected as rejected:
                    raise rejected.at(position) if len(request.events) > 1 else rejected from None
        except Exception as error:
            self.state.rollback(savepoint)
            for entry in group.entries[mark:]:
                del group.by_author_seq[(entry.author, entry.seq)]
            del group.entries[mark:]
            del group.hashes[hashes_mark:]
            self.range = range_mark
            if isinstance(error, Rejected):
                raise
            # A rule's own failure (a bug, not a refusal): this request fails alone, with
            # nothing of it kept; the group's other requests are applied and written.
            log.exception("applying a request failed")
            raise Rejected("internal", "the node failed to apply this event") from error
        return receipts

    def _apply_event(self, prepared: Prepared, group: _Group, received: str) -> Receipt:
        event = prepared.event
        if event.seq <= self.state.get(AUTHORS, event.author, 0):
            return self._duplicate_or_replay(event, group)
        index = self.range.size
        leaf = leaf_bytes(event.canonical, received)
        if len(leaf) > MAX_LEAF_BYTES:
            raise Rejected(
                "event_too_large",
                "the leaf would exceed %(max_leaf_bytes)s bytes",
                max_leaf_bytes=MAX_LEAF_BYTES,
            )
        digest = leaf_hash(leaf)
        apply_event(
            self.state,
            event,
            prepared.event_type,
            prepared.body,
            index=index,
            received=received,
            node_did=self.identity.did,
            node_key=self.identity.key_did,
            digest=digest,
        )
        group.hashes.extend(self.range.append(digest))
        entry = EntryRow(index, leaf, digest, event.type, event.author, event.seq, received)
        group.entries.append(entry)
        group.by_author_seq[(event.author, event.seq)] = entry
        return Receipt(index=index, leaf_hash=digest, received=received)

    def _duplicate_or_replay(self, event: Event, group: _Group) -> Receipt:
        """The same event again gets its original receipt; a different one is a replay."""
        entry = group.by_author_seq.get(
            (event.author, event.seq)
        ) or self.store.entry_by_author_seq(event.author, event.seq)
        if entry is not None and entry.leaf == leaf_bytes(event.canonical, entry.received):
            return Receipt(entry.idx, entry.leaf_hash, entry.received, duplicate=True)
        raise Rejected(
            "seq_replayed",
            "seq %(seq)s was already used by this author for another event",
            seq=event.seq,
        )

    def _write(self, turn: Turn, group: _Group, received: str) -> CheckpointRow | None:
        """Write the group under the turn (committed when the turn ends); the checkpoint
        signed with it, if one was due."""
        if not group.entries:
            return None
        root = self.range.root()
        checkpoint = None
        if self.range.size - max(self.checkpoint_size, 0) >= self.config.checkpoint_every_events:
            checkpoint = self._sign(self.range.size, root, received)
        changes = [c for c in self.state.changes() if c.table not in DERIVED_TABLES]
        turn.append(Group(group.entries, group.hashes, changes, root, checkpoint))
        return checkpoint

    # -- other writers -------------------------------------------------------------

    def catch_up(self) -> int:
        """Apply what other processes appended to the store since this one last wrote or
        looked, entry by entry (node/kernel/following.py); return how many entries."""
        size, root = self.store.head()
        return catch_up(self, StoreSource(self.store), size, root)

    # -- checkpoints ----------------------------------------------------------------

    def checkpoint(self) -> CheckpointRow:
        """Sign a checkpoint of the current size now, unless the latest already covers it."""
        with self._committing, self._lock, sequencing(self.store) as turn:
            follow(self, turn, turn.size, turn.root)  # others may have appended, or signed
            if self.checkpoint_size == self.range.size:
                latest = self.store.latest_checkpoint()
                assert latest is not None
                return latest
            row = self._sign(self.range.size, self.range.root(), format_utc(self.clock()))
            turn.add_checkpoint(row)
        self.checkpoint_size = row.size
        return row

    def checkpoint_if_due(self, *, max_age_seconds: float) -> CheckpointRow | None:
        """Sign a checkpoint if entries are unsigned and the latest is older than ``max_age``."""
        if self.checkpoint_size == self.range.size:
            return None
        latest = self.store.latest_checkpoint()
        if latest is not None:
            age = (self.clock() - parse_utc(latest.signed_at)).total_seconds()
            if age < max_age_seconds:
                return None
        return self.checkpoint()

    def _sign(self, size: int, root: bytes, signed_at: str) -> CheckpointRow:
        note = sign_checkpoint(Checkpoint(self.identity.origin, size, root), self.identity.signer)
        return CheckpointRow(size=size, root=root, note=note, signed_at=signed_at)
