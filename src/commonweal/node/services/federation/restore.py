"""Restoring a node whose database was lost or rolled back, from a peer's mirror of its log.

The data directory still holds the node's key and settings. The restore reads the
mirror's copy (``/mirror/<did>/`` on the peer) twice: first to check that the
leaves hash to a checkpoint signed by this node's own key, and that no witness
cosigned more of this log than the mirror holds (continuing from less would fork
the log — the witnesses would catch it); then to replay every event through the
rules, writing entries, tree hashes and projections exactly as the node first
did. The checkpoints the mirror kept (signed by this node) and the cosignatures
on them come back too. ``commonweal verify`` then passes. Members' private
profiles were never in the log, so they are not restored.

A database that was rolled back (an old copy restored, a WAL cut short: see
``rollback.py``) keeps what it holds: when its log is a prefix of the mirror's
(the same root at its size), only the missing range is fetched, replayed on top
of the state rebuilt from the leaves before it, and appended — members' private
profiles and the federation tables stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from commonweal.core.checkpoint import open_checkpoint
from commonweal.core.cosignature import parse_cosigner_vkey, verify_cosignature
from commonweal.core.events import parse_leaf
from commonweal.core.merkle import CompactRange, leaf_hash
from commonweal.core.note import NoteError, NoteVerifier, split_note
from commonweal.core.tiles import TILE_WIDTH, decode_entry_bundle
from commonweal.domain.catalog import default_registry
from commonweal.domain.federation.standing import RECOGNITIONS
from commonweal.domain.registry import Registry
from commonweal.domain.state import State
from commonweal.node.kernel.identity import NodeIdentity
from commonweal.node.kernel.replay import DERIVED_TABLES, apply_event
from commonweal.node.kernel.setup import (
    KEY_FILE,
    SetupError,
    database_engine,
    read_key_file,
    read_settings,
)
from commonweal.node.services.federation.peer_client import PeerClient, PeerError
from commonweal.node.services.federation.witness import only_signature_of
from commonweal.store.database import is_initialised, migrate, sqlite_url
from commonweal.store.federation_store import FederationStore
from commonweal.store.log_store import CheckpointRow, EntryRow, Group, LogStore

CHUNK = 2000


@dataclass
class Restored:
    """What came back."""

    size: int = 0
    kept: int = 0
    """Entries the database held already (a rolled-back log continued, not rebuilt)."""
    checkpoints: int = 0
    cosignatures: int = 0
    warnings: list[str] = field(default_factory=list)


def restore(
    data_dir: Path,
    source: str,
    *,
    passphrase: str | None = None,
    database_url: str | None = None,
    accept_loss: bool = False,
    http: httpx.Client | None = None,
    registry: Registry | None = None,
) -> Restored:
    """Rebuild the node in ``data_dir`` from ``source``'s mirror of its log, replayed with
    ``registry`` (the program's, ``commonweal.capabilities``; the built-in catalogue unless
    given)."""
    settings = read_settings(data_dir)
    key = read_key_file(data_dir / KEY_FILE, passphrase)
    identity = NodeIdentity.from_key(key, settings.origin, settings.domain)
    engine = database_engine(database_url or settings.database_url or sqlite_url(data_dir))
    client = PeerClient(source, http=http)
    try:
        have, have_root = LogStore(engine).head() if is_initialised(engine) else (0, b"")
        prefix = f"/mirror/{identity.did}"
        try:
            latest_note = client.checkpoint(prefix)
            notes = client.get_json(f"{prefix}/checkpoints")["checkpoints"]
        except PeerError as error:
            raise SetupError(f"{source} keeps no mirror of {identity.did}: {error}") from None
        verifier = NoteVerifier(identity.vkey)
        try:
            latest = open_checkpoint(latest_note, verifier)
        except NoteError as error:
            raise SetupError(
                f"the mirror's checkpoint is not signed by this node: {error}"
            ) from None
        if have >= latest.size and have > 0:
            raise SetupError(
                f"the database still holds a log of {have} entries and the mirror {latest.size}: "
                "nothing to restore (restore only into an empty database or a shorter log)"
            )
        wanted = {n["size"] for n in notes} | {have}
        roots = _verified_roots(client, prefix, latest.size, wanted)
        if roots.get(latest.size) != latest.root:
            raise SetupError("the mirror's entries do not hash to its checkpoint: not restored")
        if have and roots.get(have) != have_root:
            raise SetupError(
                f"the log in the database ({have} entries) is not a prefix of the mirror's: "
                "it diverged from what was published; restore into an empty database instead"
            )
        result = Restored(size=latest.size, kept=have)
        _check_witnesses(client, identity, latest.size, result, accept_loss)
        migrate(engine)
        store = LogStore(engine)
        state = _replay(
            client, prefix, store, identity, latest.size, have, registry or default_registry()
        )
        received = {
            size: entry.received
            for size in roots
            if size and (entry := store.entry(size - 1)) is not None
        }
        _import_checkpoints(store, state, identity, notes, roots, received, result)
        return result
    finally:
        client.close()
        engine.dispose()


def _bundles(client: PeerClient, prefix: str, size: int) -> Iterator[tuple[int, list[bytes]]]:
    for index in range(-(-size // TILE_WIDTH)):
        width = min(TILE_WIDTH, size - index * TILE_WIDTH)
        entries = decode_entry_bundle(client.entry_bundle(index, width, prefix))
        if len(entries) != width:
            raise SetupError(f"the mirror's bundle {index} is damaged")
        yield index * TILE_WIDTH, entries


def _verified_roots(
    client: PeerClient, prefix: str, size: int, wanted: set[int]
) -> dict[int, bytes]:
    """The tree's root at every size in ``wanted`` (and ``size``), from the mirror's leaves."""
    frontier = CompactRange()
    roots: dict[int, bytes] = {}
    for _start, entries in _bundles(client, prefix, size):
        for leaf in entries:
            frontier.append(leaf_hash(leaf))
            if frontier.size in wanted or frontier.size == size:
                roots[frontier.size] = frontier.root()
    return roots


def _check_witnesses(
    client: PeerClient, identity: NodeIdentity, size: int, result: Restored, accept_loss: bool
) -> None:
    """Refuse if a witness known to the mirror cosigned more of this log than it holds."""
    try:
        sources = [client.base_url] + [
            p["url"] for p in client.get_json("/v1/federation/recognitions")["recognitions"]
        ]
    except PeerError:
        sources = [client.base_url]
    for url in sources:
        try:
            witnessed = PeerClient(url, http=client.http).get_json("/v1/federation/witnessed")
        except PeerError:
            continue
        for log in witnessed.get("logs", []):
            if log["origin"] == identity.origin and log["size"] > size:
                message = (
                    f"{url} cosigned {log['size']} entries of this log, but the mirror holds "
                    f"{size}: continuing from {size} would fork the log"
                )
                if not accept_loss:
                    raise SetupError(message + " (restore from a fuller mirror)")
                result.warnings.append(message)


def _replay(
    client: PeerClient,
    prefix: str,
    store: LogStore,
    identity: NodeIdentity,
    size: int,
    have: int,
    registry: Registry,
) -> State:
    """Replay the mirror's leaves with ``registry``; write those from ``have`` on (the ones
    before are the store's own, already verified to be the same)."""
    state = State()
    frontier = CompactRange()
    rows: list[EntryRow] = []
    hashes: list[tuple[int, int, bytes]] = []
    written = have
    for start, entries in _bundles(client, prefix, size):
        for offset, leaf in enumerate(entries):
            index = start + offset
            parsed = parse_leaf(leaf)
            event = parsed.event
            event_type = registry.get(event.type)
            if index == 0 and not have:
                store.write_meta(
                    {
                        "did": identity.did,
                        "origin": identity.origin,
                        "vkey": identity.vkey,
                        "name": str(event.body.get("name", "")),
                    }
                )
            apply_event(
                state,
                event,
                event_type,
                event_type.parse_body(event.body),
                index=index,
                received=parsed.received,
                node_did=identity.did,
                node_key=identity.key_did,
            )
            digest = leaf_hash(leaf)
            completed = frontier.append(digest)
            if index < have:  # in the store already, with its projection
                if index == have - 1:
                    state.clear_journal()
                continue
            hashes.extend(completed)
            rows.append(
                EntryRow(index, leaf, digest, event.type, event.author, event.seq, parsed.received)
            )
            if len(rows) >= CHUNK:
                written = _write(store, state, frontier, rows, hashes, written)
                rows, hashes = [], []
    _write(store, state, frontier, rows, hashes, written)
    return state


def _write(
    store: LogStore,
    state: State,
    frontier: CompactRange,
    rows: list[EntryRow],
    hashes: list[tuple[int, int, bytes]],
    written: int,
) -> int:
    if not rows:
        return written
    changes = [c for c in state.changes() if c.table not in DERIVED_TABLES]
    store.append(written, Group(rows, hashes, changes, frontier.root()))
    state.clear_journal()
    return written + len(rows)


def _import_checkpoints(
    store: LogStore,
    state: State,
    identity: NodeIdentity,
    notes: list[dict[str, Any]],
    roots: dict[int, bytes],
    received: dict[int, str],
    result: Restored,
) -> None:
    verifier = NoteVerifier(identity.vkey)
    federation = FederationStore(store.engine)
    witnesses = [
        record["witness"] for _did, record in state.items(RECOGNITIONS) if record.get("witness")
    ]
    for entry in sorted(notes, key=lambda n: int(n["size"])):
        note = entry["note"]
        try:
            checkpoint = open_checkpoint(note, verifier)
        except NoteError:
            result.warnings.append(f"skipped a checkpoint note not signed by this node: {note!r}")
            continue
        if roots.get(checkpoint.size) != checkpoint.root or store.checkpoint_at(checkpoint.size):
            continue
        signed_at = received.get(checkpoint.size, "")
        store.add_checkpoint(
            CheckpointRow(
                checkpoint.size,
                checkpoint.root,
                only_signature_of(note, identity.vkey),
                signed_at,
            )
        )
        result.checkpoints += 1
        _text, lines = split_note(note)
        for vkey in witnesses:
            name, _kid, _key = parse_cosigner_vkey(vkey)
            for line in lines:
                if not line.startswith(f"\u2014 {name} "):
                    continue
                try:
                    timestamp = verify_cosignature(line, checkpoint, vkey)
                except (NoteError, ValueError):
                    continue
                federation.add_cosignature(checkpoint.size, name, line + "\n", timestamp)
                result.cosignatures += 1
