"""Reads and writes of the federation tables: node-local state about other nodes.

None of this is in the log: it is what this node learned from others (their
identities, their checkpoints it cosigned, the copies of their logs it keeps,
evidence that one forked) and its own bookkeeping (cosignatures it received,
nonces of signed requests, refusals). Mirrors are kept here, in the database,
as the entry bundles C2SP tlog-tiles serves — one row per bundle — so a copy is
written in the same transactions, backed up with the same tools and works the
same on SQLite and PostgreSQL (docs/federation.md says why).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from commonweal.store.rows import all_rows, driver_sql, first_row, insert_once
from commonweal.store.schema import (
    cosignatures,
    federation_peers,
    federation_refusals,
    fork_evidence,
    mirror_bundles,
    mirror_checkpoints,
    mirrors,
    peer_nonces,
    peer_recognitions,
    status_lists,
    witness_state,
)

KEEP_REFUSALS = 10_000

_STATUS_LIST_WRITES: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
"""Status lists stored by this process, per engine (FederationStore.status_list_writes)."""


@dataclass(frozen=True)
class WitnessedRow:
    """The checkpoint this node last cosigned for one log."""

    origin: str
    size: int
    root: bytes
    note: str
    updated_at: str


@dataclass(frozen=True)
class WitnessAdvance:
    """A checkpoint to record as cosigned, if the recorded size is still ``expected``."""

    origin: str
    expected: int | None
    size: int
    root: bytes
    note: str
    at: str
    nonces: tuple[tuple[str, str, int], ...] = ()
    """(keyid, nonce, created) of the signed requests to remember with it."""


@dataclass(frozen=True)
class MirrorRow:
    """How far a mirrored log is verified, and the checkpoint it was verified against."""

    origin: str
    did: str
    vkey: str
    size: int
    root: bytes
    frontier: bytes
    note: str
    updated_at: str


@dataclass(frozen=True)
class RefusalRow:
    """One refused peer request or piece of peer data."""

    id: int
    at: str
    peer: str
    action: str
    code: str
    detail: str


class FederationStore:
    """The federation tables of one node's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- peers --------------------------------------------------------------------------

    def put_peer(self, did: str, url: str, identity: str, at: str) -> None:
        """Remember how to reach a node (replacing what was known)."""
        with self.engine.begin() as conn:
            conn.execute(delete(federation_peers).where(federation_peers.c.did == did))
            conn.execute(
                insert(federation_peers).values(did=did, url=url, identity=identity, added_at=at)
            )

    def peers(self) -> list[tuple[str, str, str, str]]:
        """Every known peer as (did, url, identity JSON, added at)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(federation_peers).order_by(federation_peers.c.added_at))
            return [(r.did, r.url, r.identity, r.added_at) for r in rows]

    # -- as a witness -------------------------------------------------------------------

    def witnessed(self, origin: str) -> WitnessedRow | None:
        """The checkpoint last cosigned for ``origin``."""
        return first_row(
            self.engine, select(witness_state).where(witness_state.c.origin == origin), _witnessed
        )

    def all_witnessed(self) -> list[WitnessedRow]:
        """Every log this node witnesses, and what it last cosigned."""
        return all_rows(
            self.engine, select(witness_state).order_by(witness_state.c.origin), _witnessed
        )

    def advance_witness(
        self, origin: str, expected: int | None, size: int, root: bytes, note: str, at: str
    ) -> bool:
        """Record a newly cosigned checkpoint if the recorded size is still ``expected``."""
        (done,) = self.advance_witnesses([WitnessAdvance(origin, expected, size, root, note, at)])
        return done

    def advance_witnesses(self, advances: Sequence[WitnessAdvance]) -> list[bool]:
        """Record several newly cosigned checkpoints in one transaction (one fsync).

        Each is a compare-and-set on the recorded size, so concurrent requests —
        in this batch or another process — can never roll a log's size back
        (tlog-witness). The nonces of the requests are kept in the same transaction.
        """
        results = []
        with self.engine.begin() as conn:
            # The hot path of a witness: plain SQL, as the log's own appends use.
            for item in advances:
                if item.expected is None:
                    exists = conn.exec_driver_sql(
                        driver_sql(conn, "SELECT size FROM witness_state WHERE origin = ?"),
                        (item.origin,),
                    ).first()
                    if exists is not None:
                        results.append(False)
                        continue
                    conn.exec_driver_sql(
                        driver_sql(
                            conn,
                            "INSERT INTO witness_state (origin, size, root, note, updated_at) "
                            "VALUES (?, ?, ?, ?, ?)",
                        ),
                        (item.origin, item.size, item.root, item.note, item.at),
                    )
                    results.append(True)
                    continue
                done = conn.exec_driver_sql(
                    driver_sql(
                        conn,
                        "UPDATE witness_state SET size = ?, root = ?, note = ?, updated_at = ? "
                        "WHERE origin = ? AND size = ?",
                    ),
                    (item.size, item.root, item.note, item.at, item.origin, item.expected),
                ).rowcount
                results.append(bool(done))
            nonces = [n for item in advances for n in item.nonces]
            if nonces:
                conn.exec_driver_sql(
                    driver_sql(
                        conn, "INSERT INTO peer_nonces (keyid, nonce, created) VALUES (?, ?, ?)"
                    ),
                    nonces,
                )
        return results

    # -- as a log: cosignatures received ---------------------------------------------------

    def add_cosignature(self, size: int, witness: str, line: str, timestamp: int) -> None:
        """Keep a witness's cosignature on this node's checkpoint of ``size``."""
        with self.engine.begin() as conn:
            insert_once(
                conn,
                cosignatures,
                ("size", "witness"),
                size=size,
                witness=witness,
                line=line,
                timestamp=timestamp,
            )

    def cosignatures(self, size: int) -> list[tuple[str, str]]:
        """(witness name, cosignature line) on the checkpoint of ``size``."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(cosignatures.c.witness, cosignatures.c.line)
                .where(cosignatures.c.size == size)
                .order_by(cosignatures.c.witness)
            )
            return [(r.witness, r.line) for r in rows]

    def cosigned_sizes(self) -> dict[str, int]:
        """The largest checkpoint size each witness cosigned."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(cosignatures.c.witness, func.max(cosignatures.c.size)).group_by(
                    cosignatures.c.witness
                )
            )
            return {witness: int(size) for witness, size in rows}

    def all_cosignatures(self) -> list[tuple[int, str, str, int]]:
        """Every cosignature as (size, witness, line, timestamp), by size."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(cosignatures).order_by(cosignatures.c.size, cosignatures.c.witness)
            )
            return [(int(r.size), r.witness, r.line, int(r.timestamp)) for r in rows]

    def quorum_sizes(self, quorum: int) -> list[int]:
        """Checkpoint sizes cosigned by at least ``quorum`` witnesses, largest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(cosignatures.c.size)
                .group_by(cosignatures.c.size)
                .having(func.count() >= quorum)
                .order_by(cosignatures.c.size.desc())
            )
            return [int(r[0]) for r in rows]

    # -- mirrors ------------------------------------------------------------------------

    def mirror(self, origin: str) -> MirrorRow | None:
        """The mirror of ``origin``, if this node keeps one."""
        return first_row(self.engine, select(mirrors).where(mirrors.c.origin == origin), _mirror)

    def mirror_of(self, did: str) -> MirrorRow | None:
        """The mirror of the node ``did``."""
        return first_row(self.engine, select(mirrors).where(mirrors.c.did == did), _mirror)

    def all_mirrors(self) -> list[MirrorRow]:
        """Every mirror."""
        with self.engine.connect() as conn:
            return [_mirror(r) for r in conn.execute(select(mirrors).order_by(mirrors.c.origin))]

    def stage_bundles(self, origin: str, bundles: Sequence[tuple[int, int, bytes]]) -> None:
        """Write fetched bundles beyond the verified size (not yet trusted: see commit)."""
        if not bundles:
            return
        with self.engine.begin() as conn:
            for idx, width, _data in bundles:
                conn.execute(
                    delete(mirror_bundles).where(
                        mirror_bundles.c.origin == origin,
                        mirror_bundles.c.idx == idx,
                        mirror_bundles.c.width == width,
                    )
                )
            conn.execute(
                insert(mirror_bundles),
                [{"origin": origin, "idx": i, "width": w, "data": d} for i, w, d in bundles],
            )

    def drop_unverified(self, origin: str, size: int) -> None:
        """Remove staged bundles that reach beyond the verified ``size`` (a failed sync)."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(mirror_bundles).where(
                    mirror_bundles.c.origin == origin,
                    mirror_bundles.c.idx * 256 + mirror_bundles.c.width > size,
                )
            )

    def commit_mirror(self, row: MirrorRow) -> None:
        """Declare the staged bundles verified up to ``row.size`` and tidy stale partials."""
        with self.engine.begin() as conn:
            conn.execute(delete(mirrors).where(mirrors.c.origin == row.origin))
            conn.execute(insert(mirrors).values(**row.__dict__))
            insert_once(
                conn,
                mirror_checkpoints,
                ("origin", "size"),
                origin=row.origin,
                size=row.size,
                note=row.note,
            )
            tail = (row.size // 256, row.size % 256)
            conn.execute(
                delete(mirror_bundles).where(
                    mirror_bundles.c.origin == row.origin,
                    mirror_bundles.c.width < 256,
                    or_(mirror_bundles.c.idx != tail[0], mirror_bundles.c.width != tail[1]),
                )
            )

    def update_mirror_note(self, origin: str, size: int, note: str) -> None:
        """Keep the note of a mirrored checkpoint with more cosignatures than before."""
        with self.engine.begin() as conn:
            kept = conn.execute(
                select(mirror_checkpoints.c.note).where(
                    mirror_checkpoints.c.origin == origin, mirror_checkpoints.c.size == size
                )
            ).first()
            if kept is None or len(note) <= len(kept.note):
                return
            conn.execute(
                update(mirror_checkpoints)
                .where(mirror_checkpoints.c.origin == origin, mirror_checkpoints.c.size == size)
                .values(note=note)
            )
            conn.execute(
                update(mirrors)
                .where(mirrors.c.origin == origin, mirrors.c.size == size)
                .values(note=note)
            )

    def bundle(self, origin: str, idx: int, width: int) -> bytes | None:
        """A mirrored bundle of exactly ``width`` entries, if stored."""
        return first_row(
            self.engine,
            select(mirror_bundles.c.data).where(
                mirror_bundles.c.origin == origin,
                mirror_bundles.c.idx == idx,
                mirror_bundles.c.width == width,
            ),
            lambda row: bytes(row[0]),
        )

    def bundles(self, origin: str, first: int, last: int) -> list[tuple[int, int, bytes]]:
        """Stored bundles with first <= idx < last, as (idx, width, data), widest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(mirror_bundles.c.idx, mirror_bundles.c.width, mirror_bundles.c.data)
                .where(
                    and_(
                        mirror_bundles.c.origin == origin,
                        mirror_bundles.c.idx >= first,
                        mirror_bundles.c.idx < last,
                    )
                )
                .order_by(mirror_bundles.c.idx, mirror_bundles.c.width.desc())
            )
            return [(int(r.idx), int(r.width), bytes(r.data)) for r in rows]

    def mirror_checkpoints(self, origin: str) -> list[tuple[int, str]]:
        """Every checkpoint note of ``origin`` the mirror verified against, by size."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(mirror_checkpoints.c.size, mirror_checkpoints.c.note)
                .where(mirror_checkpoints.c.origin == origin)
                .order_by(mirror_checkpoints.c.size)
            )
            return [(int(r.size), r.note) for r in rows]

    # -- fork evidence ------------------------------------------------------------------

    def add_evidence(self, origin: str, digest: str, evidence: str, at: str, source: str) -> bool:
        """Keep evidence of a fork; False if this fork was already known."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(fork_evidence).values(
                        origin=origin, digest=digest, evidence=evidence, found_at=at, source=source
                    )
                )
        except IntegrityError:
            return False
        return True

    def evidence(self) -> list[tuple[str, str, str, str]]:
        """Every piece of evidence as (origin, evidence JSON, found at, source)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(fork_evidence).order_by(fork_evidence.c.id))
            return [(r.origin, r.evidence, r.found_at, r.source) for r in rows]

    def forked_origins(self) -> set[str]:
        """Logs this node holds evidence against."""
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(select(fork_evidence.c.origin).distinct())}

    # -- signed requests ---------------------------------------------------------------

    def nonce_seen(self, keyid: str, nonce: str) -> bool:
        """Whether a request with this nonce was kept already (by this or an earlier process)."""
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql(
                driver_sql(conn, "SELECT created FROM peer_nonces WHERE keyid = ? AND nonce = ?"),
                (keyid, nonce),
            ).first()
        return row is not None

    def use_nonce(self, keyid: str, nonce: str, created: int, now: int, window: int) -> bool:
        """Record a request's nonce; False if it was seen already (a replay)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(peer_nonces).where(peer_nonces.c.created < now - 2 * window))
                conn.execute(insert(peer_nonces).values(keyid=keyid, nonce=nonce, created=created))
        except IntegrityError:
            return False
        return True

    def refuse(self, at: str, peer: str, action: str, code: str, detail: str) -> None:
        """Log a refusal (the newest ``KEEP_REFUSALS`` are kept)."""
        with self.engine.begin() as conn:
            new_id = conn.execute(
                insert(federation_refusals).values(
                    at=at, peer=peer[:1000], action=action, code=code, detail=detail[:2000]
                )
            ).inserted_primary_key
            if new_id and int(new_id[0]) % 1000 == 0:
                conn.execute(
                    delete(federation_refusals).where(
                        federation_refusals.c.id <= int(new_id[0]) - KEEP_REFUSALS
                    )
                )

    def prune_nonces(self, before: int) -> None:
        """Forget nonces of requests signed before ``before`` (they are stale anyway)."""
        with self.engine.begin() as conn:
            conn.execute(delete(peer_nonces).where(peer_nonces.c.created < before))

    def refusals(self, limit: int = 100) -> list[RefusalRow]:
        """The newest refusals, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(federation_refusals).order_by(federation_refusals.c.id.desc()).limit(limit)
            )
            return [RefusalRow(r.id, r.at, r.peer, r.action, r.code, r.detail) for r in rows]

    # -- other nodes' status lists and recognitions ---------------------------------------

    def put_status_list(self, url: str, issuer: str, credential: str, at: str) -> None:
        """Cache a verified status list credential."""
        with self.engine.begin() as conn:
            conn.execute(delete(status_lists).where(status_lists.c.url == url))
            conn.execute(
                insert(status_lists).values(
                    url=url, issuer=issuer, credential=credential, fetched_at=at
                )
            )
        _STATUS_LIST_WRITES[self.engine] = _STATUS_LIST_WRITES.get(self.engine, 0) + 1

    def status_list_writes(self) -> int:
        """How many status lists this process has stored in this database: a reader that
        remembers the lists reads them again when it changes."""
        return _STATUS_LIST_WRITES.get(self.engine, 0)

    def status_lists(self) -> list[tuple[str, str, str, str]]:
        """Every cached list as (url, issuer, credential JSON, fetched at)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(status_lists))
            return [(r.url, r.issuer, r.credential, r.fetched_at) for r in rows]

    def put_peer_recognition(self, did: str, status: str, idx: int, terms: str) -> None:
        """What another node's log says about this node (the other half of a treaty)."""
        with self.engine.begin() as conn:
            conn.execute(delete(peer_recognitions).where(peer_recognitions.c.did == did))
            conn.execute(
                insert(peer_recognitions).values(did=did, status=status, idx=idx, terms=terms)
            )

    def peer_recognitions(self) -> dict[str, tuple[str, int, str]]:
        """did → (status, leaf index in that node's log, terms JSON)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(peer_recognitions))
            return {r.did: (r.status, int(r.idx), r.terms) for r in rows}


def _witnessed(row: Any) -> WitnessedRow:
    return WitnessedRow(row.origin, int(row.size), bytes(row.root), row.note, row.updated_at)


def _mirror(row: Any) -> MirrorRow:
    return MirrorRow(
        row.origin,
        row.did,
        row.vkey,
        int(row.size),
        bytes(row.root),
        bytes(row.frontier),
        row.note,
        row.updated_at,
    )
