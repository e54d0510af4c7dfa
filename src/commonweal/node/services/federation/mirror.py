"""Mirrors: a full, verified copy of each recognised node's log, kept up to date.

A sync reads the peer's latest checkpoint (signed by its key), fetches only the
entry bundles beyond what the mirror already verified — from the last verified
size, so a node that was offline simply continues — recomputes the Merkle tree
from the stored frontier and the new leaves, and accepts the copy only if the
root is the checkpoint's. Bundles are staged as they arrive and dropped if the
root does not match: a peer serving corrupt tiles changes nothing here but the
refusal log. The checkpoint's cosignature lines are checked against the witness keys
this node's treaties name before the note is kept (``cosigned.py``): one that does not
verify is dropped and refused, never served onward. A checkpoint that contradicts
what the mirror (or this node's witness) already verified is evidence of a fork.

The mirror serves what it holds in the tlog-tiles layout under
``/mirror/<did>/``, from which a node whose database was lost is restored
(``restore.py``).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import orjson

from commonweal.core.checkpoint import Checkpoint, open_checkpoint
from commonweal.core.events import EventError, parse_leaf
from commonweal.core.merkle import (
    CompactRange,
    consistency_proof,
    hash_at_from_leaf_hashes,
    leaf_hash,
)
from commonweal.core.note import NoteError, NoteVerifier
from commonweal.core.tiles import TILE_WIDTH, decode_entry_bundle, encode_entry_bundle
from commonweal.core.witness import ForkEvidence, checkpoint_of
from commonweal.domain.federation.recognition import GRANTED, WITHDRAWN_EVENT
from commonweal.node.services.federation import cosigned as cosigned_checks
from commonweal.node.services.federation import evidence
from commonweal.node.services.federation.peer_client import PeerClient, PeerError
from commonweal.node.services.federation.service import Federation
from commonweal.node.services.federation.witness import only_signature_of
from commonweal.store.federation_store import FederationStore, MirrorRow

FETCHERS = 4
"""Bundles fetched at once."""
STAGE_BUNDLES = 64
"""Bundles written per transaction while catching up."""


class MirrorRefused(Exception):
    """The peer's data did not verify; nothing was kept."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Synced:
    """The outcome of one mirror sync."""

    origin: str
    before: int
    after: int

    @property
    def fetched(self) -> int:
        return self.after - self.before


def sync(federation: Federation, peer: dict[str, Any], *, fetchers: int = FETCHERS) -> Synced:
    """Bring the mirror of ``peer`` up to its latest checkpoint; refuse what does not verify."""
    origin = peer["origin"]
    store = federation.store
    row = store.mirror(origin)
    before = row.size if row is not None else 0
    if origin in evidence.forked(federation):
        return Synced(origin, before, before)
    client = federation.client(peer["url"], signed=False)
    try:
        note = client.checkpoint()
        checkpoint = open_checkpoint(note, NoteVerifier(peer["vkey"]))
    except NoteError as error:
        federation.refuse(peer["url"], "mirror", "bad_checkpoint", str(error))
        raise MirrorRefused("bad_checkpoint", str(error)) from None
    if checkpoint.origin != origin:
        raise MirrorRefused("bad_checkpoint", "the checkpoint is of another log")
    cosigned = cosigned_checks.verified_note(federation, peer, note, checkpoint)
    note = only_signature_of(note, peer["vkey"])
    if _contradicts(federation, peer, row, checkpoint, note):
        return Synced(origin, before, before)
    if checkpoint.size <= before:
        if checkpoint.size == before:  # the same checkpoint, perhaps with more cosignatures
            store.update_mirror_note(origin, before, cosigned)
        return Synced(origin, before, before)
    try:
        after = _catch_up(federation, client, peer, row, checkpoint, cosigned, fetchers)
    except MirrorRefused as refused:
        store.drop_unverified(origin, before)
        federation.refuse(peer["url"], "mirror", refused.code, refused.message)
        raise
    except PeerError:
        store.drop_unverified(origin, before)
        raise
    return Synced(origin, before, after)


def _contradicts(
    federation: Federation,
    peer: dict[str, Any],
    row: MirrorRow | None,
    checkpoint: Checkpoint,
    note: str,
) -> bool:
    """Whether ``checkpoint`` cannot be true beside what this node verified; keep evidence."""
    vkey = peer["vkey"]
    known = []
    if row is not None:
        known.extend(federation.store.mirror_checkpoints(peer["origin"]))
    witnessed = federation.store.witnessed(peer["origin"])
    if witnessed is not None:
        known.append((witnessed.size, witnessed.note))
    for size, other in known:
        if size == checkpoint.size and checkpoint_of(other).root != checkpoint.root:
            mine = only_signature_of(other, vkey)
            evidence.found(federation, ForkEvidence.of(vkey, mine, note), "mirror")
            return True
    if row is not None and 0 < checkpoint.size < row.size:
        hashes = leaf_hashes(federation.store, peer["origin"], row.size)
        at = hash_at_from_leaf_hashes(hashes)
        prefix = CompactRange()
        prefix.extend(hashes[: checkpoint.size])
        if prefix.root() != checkpoint.root:
            proof = consistency_proof(checkpoint.size, row.size, at)
            larger = only_signature_of(row.note, vkey)
            found = ForkEvidence.prefix(vkey, note, larger, proof, prefix.root())
            evidence.found(federation, found, "mirror")
            return True
    return False


def _catch_up(
    federation: Federation,
    client: PeerClient,
    peer: dict[str, Any],
    row: MirrorRow | None,
    checkpoint: Checkpoint,
    note: str,
    fetchers: int,
) -> int:
    origin = peer["origin"]
    store = federation.store
    size = row.size if row is not None else 0
    frontier = (
        CompactRange.from_hashes(size, _split(row.frontier)) if row is not None else CompactRange()
    )
    kept_prefix = _stored_tail(store, origin, size)
    staged: list[tuple[int, int, bytes]] = []
    about_us: list[tuple[int, bytes]] = []
    for index, width, data in _fetch(client, size, checkpoint.size, fetchers):
        try:
            entries = decode_entry_bundle(data)
        except ValueError as error:
            raise MirrorRefused("corrupt_tile", f"entry bundle {index}: {error}") from None
        if len(entries) != width:
            raise MirrorRefused(
                "corrupt_tile", f"entry bundle {index} holds {len(entries)}, not {width} entries"
            )
        skip = 0
        if index * TILE_WIDTH < size:
            skip = size - index * TILE_WIDTH
            if entries[:skip] != kept_prefix:
                raise MirrorRefused(
                    "rewritten_entries", f"entry bundle {index} differs from the verified copy"
                )
        first = index * TILE_WIDTH
        for position in range(skip, width):
            leaf = entries[position]
            frontier.append(leaf_hash(leaf))
            if b"federation.recognition." in leaf:
                about_us.append((first + position, leaf))
        staged.append((index, width, data))
        if len(staged) >= STAGE_BUNDLES:
            store.stage_bundles(origin, staged)
            staged = []
    store.stage_bundles(origin, staged)
    if frontier.size != checkpoint.size or frontier.root() != checkpoint.root:
        raise MirrorRefused(
            "tiles_do_not_match",
            f"the entries served do not hash to the checkpoint's root at size {checkpoint.size}",
        )
    store.commit_mirror(
        MirrorRow(
            origin=origin,
            did=peer["node"],
            vkey=peer["vkey"],
            size=checkpoint.size,
            root=checkpoint.root,
            frontier=b"".join(frontier.hashes),
            note=note,
            updated_at=federation.stamp(),
        )
    )
    _note_recognitions(federation, peer, about_us)
    return checkpoint.size


def _fetch(
    client: PeerClient, size: int, target: int, fetchers: int
) -> Iterator[tuple[int, int, bytes]]:
    """(index, width, bytes) of every bundle from the one holding leaf ``size`` on, in order."""
    first, last = size // TILE_WIDTH, -(-target // TILE_WIDTH)
    jobs = [(i, min(TILE_WIDTH, target - i * TILE_WIDTH)) for i in range(first, last)]
    if len(jobs) <= 1 or fetchers <= 1:
        for index, width in jobs:
            yield index, width, client.entry_bundle(index, width)
        return
    with ThreadPoolExecutor(max_workers=fetchers) as pool:
        window = fetchers * 4
        futures = [pool.submit(client.entry_bundle, i, w) for i, w in jobs[:window]]
        for n, (index, width) in enumerate(jobs):
            data = futures[n].result()
            if n + window < len(jobs):
                i, w = jobs[n + window]
                futures.append(pool.submit(client.entry_bundle, i, w))
            futures[n] = None  # type: ignore[call-overload]
            yield index, width, data


def _stored_tail(store: FederationStore, origin: str, size: int) -> list[bytes]:
    """The verified entries of the last, partial bundle (empty when it is full)."""
    width = size % TILE_WIDTH
    if not width:
        return []
    data = store.bundle(origin, size // TILE_WIDTH, width)
    if data is None:
        raise MirrorRefused("mirror_damaged", f"the mirror of {origin} lost its last bundle")
    return decode_entry_bundle(data)


def _split(frontier: bytes) -> list[bytes]:
    return [frontier[i : i + 32] for i in range(0, len(frontier), 32)]


def _note_recognitions(
    federation: Federation, peer: dict[str, Any], leaves: list[tuple[int, bytes]]
) -> None:
    """Remember what the peer's log says about this node: the other half of a treaty."""
    me = federation.node.identity.did
    for index, leaf in leaves:
        try:
            event = parse_leaf(leaf).event
        except EventError:
            continue
        if event.type not in (GRANTED, WITHDRAWN_EVENT) or event.body.get("node") != me:
            continue
        status = "recognized" if event.type == GRANTED else "withdrawn"
        terms = orjson.dumps(event.body.get("terms", {})).decode()
        federation.store.put_peer_recognition(peer["node"], status, index, terms)


# -- reading a mirror ------------------------------------------------------------------


def leaves(store: FederationStore, origin: str, start: int, end: int) -> list[bytes]:
    """Mirrored leaves [start, end) (within the verified size)."""
    found: list[bytes] = []
    first, last = start // TILE_WIDTH, -(-end // TILE_WIDTH)
    seen: set[int] = set()
    for index, _width, data in store.bundles(origin, first, last):
        if index in seen:
            continue
        seen.add(index)
        entries = decode_entry_bundle(data)
        base = index * TILE_WIDTH
        found.extend(e for n, e in enumerate(entries) if start <= base + n < end)
    return found


def leaf_hashes(store: FederationStore, origin: str, size: int) -> list[bytes]:
    """Every mirrored leaf hash below ``size``."""
    return [leaf_hash(leaf) for leaf in leaves(store, origin, 0, size)]


def leaf_at(federation: Federation, origin: str, index: int) -> bytes | None:
    """The mirrored leaf ``index`` of ``origin``, if the mirror verified that far."""
    row = federation.store.mirror(origin)
    if row is None or index >= row.size:
        return None
    found = leaves(federation.store, origin, index, index + 1)
    return found[0] if found else None


def served_bundle(store: FederationStore, row: MirrorRow, index: int, width: int) -> bytes | None:
    """Entry bundle ``index`` of ``width`` entries as the mirror serves it, if it holds it."""
    if index * TILE_WIDTH + width > row.size:
        return None
    exact = store.bundle(row.origin, index, width)
    if exact is not None:
        return exact
    for _index, stored_width, data in store.bundles(row.origin, index, index + 1):
        if stored_width >= width:
            return encode_entry_bundle(decode_entry_bundle(data)[:width])
    return None


def status(federation: Federation) -> list[dict[str, Any]]:
    """Every mirror: whose log, how far verified, against which checkpoint."""
    return [
        {
            "node": row.did,
            "origin": row.origin,
            "size": row.size,
            "root": base64.b64encode(row.root).decode(),
            "updated_at": row.updated_at,
            "checkpoint": row.note,
        }
        for row in federation.store.all_mirrors()
    ]
