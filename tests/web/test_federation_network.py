"""Nodes on 127.0.0.1, each its own process: witnessing, forks, catch-up, restore, refusals.

These are the properties federation must hold (docs/federation.md):
- a node that signs two checkpoints for one size is caught by its witnesses, and the
  evidence verifies with only the two notes and the node's key;
- a node stopped for a while catches up, and every cosigned checkpoint stays consistent;
- a node whose database is lost is restored from a peer's mirror, and verify passes;
- a peer that serves corrupt tiles, wrong proofs, unsigned or replayed requests is
  refused, the refusal logged, and nothing changes.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import httpx
import pytest

from commonweal.core.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from commonweal.core.cosignature import format_add_checkpoint_request, verify_cosignature
from commonweal.core.http_signatures import sign_peer_request
from commonweal.core.keys import SigningKey
from commonweal.core.merkle import verify_consistency
from commonweal.core.note import NoteSigner, NoteVerifier
from commonweal.core.witness import ForkEvidence, verify_fork_evidence
from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.setup import open_store
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services.federation.peer_client import PeerClient
from commonweal.store.federation_store import FederationStore
from tests.network import (
    LiveNode,
    cosigned_size,
    latest_checkpoint_size,
    mirror_size,
    recognize_all,
    start_node,
    stop_all,
    wait_for,
)
from tests.web.hostile import CorruptingProxy

COMMONWEAL = str(Path(sys.executable).parent / "commonweal")


@pytest.fixture
def network(tmp_path: Path) -> Iterator[dict[str, LiveNode]]:
    nodes = {name: start_node(tmp_path, name) for name in ("ash", "birch", "cedar")}
    recognize_all(list(nodes.values()))
    try:
        yield nodes
    finally:
        stop_all(list(nodes.values()))


def cosigned_everywhere(log: LiveNode, *witnesses: LiveNode) -> None:
    """Wait until every witness cosigned ``log``'s latest checkpoint."""
    wait_for(lambda: latest_checkpoint_size(log) == log.size(), what=f"{log.name} checkpointed")
    size = log.size()
    for witness in witnesses:
        wait_for(
            lambda w=witness: cosigned_size(log, w) >= size,
            what=f"{witness.name} cosigning {log.name} at {size}",
        )


@pytest.mark.slow
def test_a_node_that_signs_two_checkpoints_for_one_size_is_caught(
    network: dict[str, LiveNode], tmp_path: Path
) -> None:
    ash, birch, cedar = network["ash"], network["birch"], network["cedar"]
    ash.attest(5)
    cosigned_everywhere(ash, birch, cedar)
    honest = open_checkpoint(ash.text("/log/checkpoint"), NoteVerifier(ash.vkey))
    # Ash's key signs a second, different tree of the same size and shows it to Birch.
    forged_root = bytes(32)
    signer = NoteSigner(ash.origin, ash.key)
    forged = sign_checkpoint(Checkpoint(ash.origin, honest.size, forged_root), signer)
    request = format_add_checkpoint_request(honest.size, [], forged)
    with PeerClient(birch.url, key=ash.key) as client:
        answer = client.add_checkpoint(request)
    assert answer.status == 409
    documents = wait_for(
        lambda: birch.get("/v1/federation/evidence")["evidence"], what="Birch's evidence"
    )
    (document,) = documents
    # The evidence verifies offline with only the two notes and Ash's key.
    offline = {"type": document["type"], "kind": document["kind"], "notes": document["notes"]}
    evidence = ForkEvidence.from_json(offline)
    assert "two different roots" in verify_fork_evidence(evidence, ash.vkey)
    with pytest.raises(ValueError):
        verify_fork_evidence(evidence, birch.vkey)
    # ... and from the command line, from a file.
    evidence_file = tmp_path / "evidence.json"
    evidence_file.write_text(httpx.get(birch.url + "/v1/federation/evidence").text)
    checked = subprocess.run(
        [COMMONWEAL, "witness", "verify-evidence", str(evidence_file), "--vkey", ash.vkey],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert "forked" in checked.stdout
    # The log is marked forked everywhere the evidence reaches: Birch, then by gossip
    # Cedar, and Ash itself.
    for node in (birch, cedar, ash):
        wait_for(
            lambda n=node: ash.origin in n.get("/v1/federation")["forked"],
            what=f"{node.name} marking {ash.name} forked",
        )
    # Birch cosigns nothing more of Ash, and says why.
    ash.attest(2)
    ash.checkpoint_now()
    size = ash.size()
    with PeerClient(birch.url, key=ash.key) as client:
        answer = client.add_checkpoint(
            format_add_checkpoint_request(0, [], ash.text("/log/checkpoint"))
        )
    assert answer.status == 409
    assert cosigned_size(ash, birch) < size
    codes = [r["code"] for r in birch.get("/v1/federation/refusals")["refusals"]]
    assert "forked" in codes


@pytest.mark.slow
def test_a_node_stopped_for_a_while_catches_up_and_cosignatures_stay_consistent(
    network: dict[str, LiveNode],
) -> None:
    ash, birch, cedar = network["ash"], network["birch"], network["cedar"]
    ash.attest(4)
    cedar.attest(3)
    cosigned_everywhere(ash, birch, cedar)
    before = mirror_size(birch, ash)
    birch.stop()
    for _round in range(3):
        ash.attest(30)
        cedar.attest(10)
        cosigned_everywhere(ash, cedar)
    assert ash.size() >= before + 90
    birch.start()
    cosigned_everywhere(ash, birch, cedar)
    cosigned_everywhere(cedar, birch)
    size = ash.size()
    wait_for(lambda: mirror_size(birch, ash) == size, what="Birch's mirror of Ash caught up")
    wait_for(lambda: mirror_size(birch, cedar) == cedar.size(), what="Birch's mirror of Cedar")
    # Every cosigned checkpoint of Ash is a prefix of the next: one history for everyone.
    verifier = NoteVerifier(ash.vkey)
    notes = {c["size"]: c["note"] for c in ash.get("/v1/checkpoints")["checkpoints"]}
    cosigned = ash.get("/v1/federation/cosignatures")["checkpoints"]
    witness_keys = {
        n.identity["witness"].split("+", 1)[0]: n.identity["witness"] for n in (birch, cedar)
    }
    sizes = []
    for entry in cosigned:
        checkpoint = open_checkpoint(notes[entry["size"]], verifier)
        for cosignature in entry["cosignatures"]:
            verify_cosignature(
                cosignature["line"], checkpoint, witness_keys[cosignature["witness"]]
            )
        sizes.append((checkpoint.size, checkpoint.root))
    assert len(sizes) >= 4
    for (old, old_root), (new, new_root) in pairwise(sizes):
        proof = ash.get("/v1/proof/consistency", old=old, new=new)["proof"]
        verify_consistency(old, new, old_root, new_root, [base64.b64decode(h) for h in proof])
    # What Birch last cosigned and what its mirror holds are Ash's own checkpoints.
    (logged,) = [
        log for log in birch.get("/v1/federation/witnessed")["logs"] if log["origin"] == ash.origin
    ]
    assert open_checkpoint(logged["checkpoint"], verifier).root == dict(sizes)[logged["size"]]
    mirror = next(m for m in birch.get("/v1/federation/mirrors")["mirrors"] if m["node"] == ash.did)
    assert base64.b64decode(mirror["root"]) == open_checkpoint(notes[size], verifier).root


@pytest.mark.slow
def test_a_lost_database_is_restored_from_a_peers_mirror(
    network: dict[str, LiveNode],
) -> None:
    ash, birch, cedar = network["ash"], network["birch"], network["cedar"]
    receipts = ash.attest(40) + ash.attest(3, author=ash.members[1])
    cosigned_everywhere(ash, birch, cedar)
    size = ash.size()
    wait_for(lambda: mirror_size(birch, ash) == size, what="Birch mirroring all of Ash")
    wait_for(
        lambda: any(
            c["size"] == size and "witness" in c["note"]
            for c in birch.get(f"/mirror/{ash.did}/checkpoints")["checkpoints"]
        ),
        what="Birch keeping Ash's cosigned checkpoint",
    )
    ash.server.kill()
    for suffix in ("", "-wal", "-shm"):
        (ash.data_dir / f"node.db{suffix}").unlink(missing_ok=True)
    restored = subprocess.run(
        [COMMONWEAL, "restore", "--data-dir", str(ash.data_dir), "--from", birch.url],
        capture_output=True,
        text=True,
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    verified = subprocess.run(
        [COMMONWEAL, "verify", str(ash.data_dir)], capture_output=True, text=True
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    store = open_store(str(ash.data_dir))
    try:
        assert store.head()[0] == size
        for receipt in receipts:
            entry = store.entry(receipt["index"])
            assert entry is not None
            assert base64.b64encode(entry.leaf_hash).decode() == receipt["leaf_hash"]
        assert verify_log(store, default_registry(), compare_with=store).ok
        # The witnesses' cosignatures came back with the checkpoints the mirror kept.
        witnesses = {size for size, *_rest in FederationStore(store.engine).all_cosignatures()}
        assert size in witnesses
    finally:
        store.engine.dispose()
    # The restored node carries on where it was: its witnesses accept the next checkpoint.
    ash.start()
    ash.attest(2)
    cosigned_everywhere(ash, birch, cedar)
    assert not birch.get("/v1/federation")["forked"]


@pytest.mark.slow
def test_a_hostile_peer_is_refused_and_changes_nothing(
    network: dict[str, LiveNode], tmp_path: Path
) -> None:
    ash, birch = network["ash"], network["birch"]
    ash.attest(300)  # more than one entry bundle
    cosigned_everywhere(ash, birch)
    stranger = start_node(tmp_path, "stranger")
    try:
        # A node Birch recognises, reached through a proxy that corrupts entry bundles.
        with CorruptingProxy(stranger.url) as proxy:
            assert birch.operator("/v1/federation/recognitions", {"url": proxy.url}).status == 201
            stranger.attest(300)
            stranger.checkpoint_now()
            wait_for(
                lambda: (
                    "tiles_do_not_match"
                    in [r["code"] for r in birch.get("/v1/federation/refusals")["refusals"]]
                ),
                what="Birch refusing corrupt tiles",
            )
            assert mirror_size(birch, stranger) == 0
        state_before = _state(birch, ash)
        size_before = birch.size()
        witnessed = next(
            log
            for log in birch.get("/v1/federation/witnessed")["logs"]
            if log["origin"] == ash.origin
        )
        signer = NoteSigner(ash.origin, ash.key)
        newer = sign_checkpoint(
            Checkpoint(ash.origin, witnessed["size"] + 5, bytes(range(32))), signer
        )
        add = birch.url + "/witness/add-checkpoint"
        # A wrong consistency proof, signed by Ash: 422.
        wrong = format_add_checkpoint_request(witnessed["size"], [bytes(32)] * 3, newer)
        with PeerClient(birch.url, key=ash.key) as client:
            assert client.add_checkpoint(wrong).status == 422
        # Unsigned requests: 401, whatever they ask.
        unsigned = httpx.post(add, content=format_add_checkpoint_request(0, [], newer))
        assert unsigned.status_code == 401
        assert unsigned.json()["code"] == "signature_required"
        takeover = httpx.post(birch.url + "/v1/federation/recognitions", json={"url": ash.url})
        assert takeover.status_code == 401
        # Signed, but by a key Birch does not know, or by Ash acting as Birch's operator.
        with PeerClient(birch.url, key=SigningKey.generate()) as client:
            assert client.add_checkpoint(wrong).status == 403
        with PeerClient(birch.url, key=ash.key) as client:
            assert client.post_signed_json("/v1/federation/sync", {}).status == 403
        # A body changed after signing: the digest gives it away.
        body = format_add_checkpoint_request(0, [], newer).encode()
        headers = sign_peer_request("POST", add, b"old 0\n\n", ash.key, ash.key_did, now=_now())
        tampered = httpx.post(add, content=body, headers=headers)
        assert tampered.status_code == 401
        # A request replayed: the first is answered, the copy refused.
        headers = sign_peer_request("POST", add, body, ash.key, ash.key_did, now=_now())
        first = httpx.post(add, content=body, headers=headers)
        again = httpx.post(add, content=body, headers=headers)
        assert first.status_code == 409  # the witness answers with the size it holds
        assert again.status_code == 401 and again.json()["code"] == "replayed"
        # A stale signature: signed ten minutes ago.
        headers = sign_peer_request("POST", add, body, ash.key, ash.key_did, now=_now() - 600)
        assert httpx.post(add, content=body, headers=headers).status_code == 401
        codes = [r["code"] for r in birch.get("/v1/federation/refusals")["refusals"]]
        for code in ("bad_proof", "unsigned", "unknown_peer", "bad_digest", "replayed"):
            assert code in codes, (code, codes)
        assert "stale_signature" in codes
        # None of it changed anything: Birch's log, its witness state and mirror of Ash.
        assert birch.size() == size_before
        assert _state(birch, ash) == state_before
    finally:
        stop_all([stranger])


def _now() -> int:
    return int(time.time())


def _state(node: LiveNode, of: LiveNode) -> tuple[object, object]:
    witnessed = [
        log for log in node.get("/v1/federation/witnessed")["logs"] if log["origin"] == of.origin
    ]
    return witnessed, mirror_size(node, of)
