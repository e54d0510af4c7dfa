"""A node's census proven from outside (node/services/census_proofs.py), against a node served by a
mock transport: a census not yet covered by the cosigned checkpoint, a checkpoint cosigned
by no witness we know, and a census whose figures differ from the log are each refused."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import httpx
import pytest

from commonweal.core.checkpoint import Checkpoint, sign_checkpoint
from commonweal.core.events import leaf_bytes, parse_event, sign_event
from commonweal.core.keys import SigningKey
from commonweal.core.merkle import hash_at_from_leaf_hashes, inclusion_proof, leaf_hash, root_of
from commonweal.core.note import add_signatures
from commonweal.node.kernel.identity import NodeIdentity
from commonweal.node.services.census_proofs import CensusRefused, witnessed_census
from commonweal.node.services.federation.peer_client import PeerClient

AT = "2026-11-23T12:00:00Z"
FIGURES = {
    "members": 12, "joined": 1, "left": 0, "active": 5, "gatherings": 0, "attendance": 0,
    "funds": {}, "places": 0, "area_m2": 0, "capacity": 0,
}  # fmt: skip


def served(
    census_index: int, size: int, witness: Any, claimed_members: int = 12
) -> tuple[PeerClient, dict[str, str]]:
    """A node whose log has ``size`` entries, its census at ``census_index`` (if inside)."""
    node = NodeIdentity.from_key(SigningKey(hashlib.sha256(b"a node").digest()))
    body = {
        "epoch": 2, "size": census_index, "from": 3, "since": AT, "reason": "scheduled",
        "figures": FIGURES, "members_root": "sha256:" + "ab" * 32,
    }  # fmt: skip
    event = sign_event(node.key, type="census.taken", node=node.did, seq=3, at=AT, body=body)
    leaves = [hashlib.sha256(b"%d" % i).digest() for i in range(max(size, census_index + 1))]
    leaves[census_index] = leaf_hash(leaf_bytes(parse_event(event).canonical, AT))
    checkpoint = Checkpoint(node.origin, size, root_of(leaves[:size]))
    note = add_signatures(
        sign_checkpoint(checkpoint, node.signer), [witness.cosign(checkpoint, 1_800_000_000)]
    )
    claimed = {"epoch": 2, "index": census_index, **body}
    claimed["figures"] = {**FIGURES, "members": claimed_members}

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/federation/checkpoint":
            return httpx.Response(200, text=note)
        if path == "/v1/census":
            return httpx.Response(200, json={"censuses": [claimed]})
        if path == f"/v1/events/{census_index}":
            digest = base64.b64encode(leaves[census_index]).decode()
            return httpx.Response(
                200, json={"index": census_index, "received": AT, "event": event,
                           "leaf_hash": digest},
            )  # fmt: skip
        if path == "/v1/proof/inclusion":
            index, of = int(request.url.params["index"]), int(request.url.params["size"])
            proof = inclusion_proof(index, of, hash_at_from_leaf_hashes(leaves[:of]))
            return httpx.Response(
                200, json={"proof": [base64.b64encode(p).decode() for p in proof]}
            )
        return httpx.Response(404, json={"code": "not_found"})

    client = PeerClient(
        "http://node.test", http=httpx.Client(transport=httpx.MockTransport(answer))
    )
    described = {"node": node.did, "key": node.key_did, "origin": node.origin, "vkey": node.vkey}
    return client, described


@pytest.fixture
def witness() -> Any:
    return NodeIdentity.from_key(SigningKey(hashlib.sha256(b"witness").digest())).witness


def test_a_census_in_the_cosigned_log_is_counted(witness: Any) -> None:
    client, node = served(40, 64, witness)
    entry = witnessed_census(client, node, [witness.vkey])
    assert entry["figures"] == FIGURES and entry["index"] == 40
    assert entry["checkpoint"]["size"] == 64 and entry["checkpoint"]["cosigners"] == 1


def test_a_census_not_yet_covered_by_the_cosigned_checkpoint_is_refused(witness: Any) -> None:
    client, node = served(70, 64, witness)
    with pytest.raises(CensusRefused, match="not covered by the cosigned checkpoint"):
        witnessed_census(client, node, [witness.vkey])


def test_a_checkpoint_no_known_witness_cosigned_is_refused(witness: Any) -> None:
    client, node = served(40, 64, witness)
    stranger = NodeIdentity.from_key(SigningKey(hashlib.sha256(b"other").digest())).witness
    with pytest.raises(CensusRefused, match="0 known witness cosignature"):
        witnessed_census(client, node, [stranger.vkey])


def test_a_census_that_differs_from_the_log_is_refused(witness: Any) -> None:
    client, node = served(40, 64, witness, claimed_members=1012)
    with pytest.raises(CensusRefused, match="figures differs from the node's log"):
        witnessed_census(client, node, [witness.vkey])
