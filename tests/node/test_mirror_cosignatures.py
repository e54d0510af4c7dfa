"""A mirror re-serves only the cosignatures it verified (issue 14: a flipped byte in a
witness's cosignature was served onward at ``/mirror/<peer>/checkpoint``)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from commonweal.core.checkpoint import open_checkpoint
from commonweal.core.cosignature import Cosigner
from commonweal.core.keys import SigningKey
from commonweal.core.note import NoteVerifier, add_signatures
from commonweal.domain.federation.recognition import GRANTED
from commonweal.node.services.federation import mirror
from commonweal.node.services.federation.service import Federation
from commonweal.web.app import create_app
from tests.builders import Clock
from tests.federation import Place, make_place, recognition_body


class NotePeer:
    """Serves the log's entries and a checkpoint note the test writes."""

    def __init__(self, log: Place, note: str) -> None:
        self.log = log
        self.note = note

    def checkpoint(self, prefix: str = "/log") -> str:
        return self.note

    def entry_bundle(self, index: int, width: int, prefix: str = "/log") -> bytes:
        return self.log.node.proofs.entry_bundle(index, width)


def flipped(line: str) -> str:
    """``line`` with one bit of its Ed25519 signature flipped (key ID and timestamp kept)."""
    prefix, encoded = line.rstrip("\n").rsplit(" ", 1)
    blob = bytearray(base64.b64decode(encoded))
    blob[-5] ^= 0x01
    return f"{prefix} {base64.b64encode(bytes(blob)).decode()}\n"


@pytest.fixture
def network(tmp_path: Path, clock: Clock) -> Iterator[tuple[Place, Place, Place, Federation]]:
    """Ash's log; Cedar and Birch witness it; Birch mirrors it and recognises both."""
    ash = make_place(tmp_path, "Ash", clock)
    cedar = make_place(tmp_path, "Cedar", clock)
    birch = make_place(tmp_path, "Birch", clock)
    birch.act("alice", GRANTED, recognition_body(ash.node, mirror=True))
    birch.act("alice", GRANTED, recognition_body(cedar.node))
    federation = Federation(birch.node)
    yield ash, cedar, birch, federation
    federation.close()
    for place in (ash, cedar, birch):
        place.node.close()


def test_a_flipped_cosignature_is_dropped_refused_and_never_served(
    network: tuple[Place, Place, Place, Federation], clock: Clock
) -> None:
    ash, cedar, birch, federation = network
    ash.attest("alice", 5)
    row = ash.node.checkpoint()
    checkpoint = open_checkpoint(row.note, NoteVerifier(ash.node.identity.vkey))
    stamp = int(clock().timestamp())
    by_cedar = cedar.node.identity.witness.cosign(checkpoint, stamp)
    by_birch = birch.node.identity.witness.cosign(checkpoint, stamp)
    stranger = Cosigner("stranger/witness", SigningKey(bytes(range(32)))).cosign(checkpoint, stamp)
    note = add_signatures(row.note, [by_cedar, flipped(by_birch), stranger])
    (peer,) = [p for p in federation.recognitions() if p["node"] == ash.did]
    federation.client = lambda url, signed=True: NotePeer(ash, note)  # type: ignore[method-assign,assignment,misc,return-value]

    synced = mirror.sync(federation, peer)
    assert synced.after == ash.node.size

    kept = federation.store.mirror(ash.node.identity.origin)
    assert kept is not None
    assert row.note.splitlines()[-1] in kept.note  # the log's own signature
    assert by_cedar in kept.note  # a valid cosignature is still served
    assert flipped(by_birch) not in kept.note and stranger not in kept.note
    refusals = {(r.action, r.code) for r in federation.store.refusals()}
    assert ("mirror", "bad_cosignature") in refusals
    assert ("mirror", "unknown_cosigner") in refusals

    with TestClient(create_app(birch.node, background_checkpoints=False)) as client:
        served = client.get(f"/mirror/{ash.did}/checkpoint")
    assert served.status_code == 200
    assert by_cedar in served.text and flipped(by_birch) not in served.text

    # The same checkpoint again (the next round): still not kept, and refused only once.
    count = len(federation.store.refusals())
    mirror.sync(federation, peer)
    kept_again = federation.store.mirror(ash.node.identity.origin)
    assert kept_again is not None and flipped(by_birch) not in kept_again.note
    assert len(federation.store.refusals()) == count


def test_the_mirror_keeps_every_cosignature_that_verifies(
    network: tuple[Place, Place, Place, Federation], clock: Clock
) -> None:
    ash, cedar, birch, federation = network
    ash.attest("alice", 3)
    row = ash.node.checkpoint()
    checkpoint = open_checkpoint(row.note, NoteVerifier(ash.node.identity.vkey))
    stamp = int(clock().timestamp())
    lines: list[Any] = [
        cedar.node.identity.witness.cosign(checkpoint, stamp),
        birch.node.identity.witness.cosign(checkpoint, stamp),
    ]
    note = add_signatures(row.note, lines)
    (peer,) = [p for p in federation.recognitions() if p["node"] == ash.did]
    federation.client = lambda url, signed=True: NotePeer(ash, note)  # type: ignore[method-assign,assignment,misc,return-value]
    mirror.sync(federation, peer)
    kept = federation.store.mirror(ash.node.identity.origin)
    assert kept is not None and kept.note == note
    assert federation.store.refusals() == []
