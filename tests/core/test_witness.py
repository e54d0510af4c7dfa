"""The tlog-witness decision against the derived C2SP vectors, and fork evidence."""

from __future__ import annotations

import json

import pytest

from commonweal.core.checkpoint import Checkpoint, parse_checkpoint, sign_checkpoint
from commonweal.core.cosignature import (
    Cosigner,
    format_add_checkpoint_request,
    verify_cosignature,
)
from commonweal.core.keys import SigningKey
from commonweal.core.merkle import consistency_proof, hash_at_from_leaf_hashes, leaf_hash, root_of
from commonweal.core.note import NoteSigner
from commonweal.core.witness import (
    PREFIX,
    SAME_SIZE,
    EvidenceError,
    ForkEvidence,
    Recorded,
    WitnessRefusal,
    check_add_checkpoint,
    verify_fork_evidence,
)
from tests.vectors import find_vectors

DERIVED = json.loads(
    (
        find_vectors() / "federation" / "derived" / "c2sp-derived-checkpoint-cosig-tiles.json"
    ).read_text()
)
LOG = DERIVED["log"]
WITNESS = DERIVED["witness"]
CHECKPOINTS = DERIVED["checkpoints"]
LEAVES = [
    bytes.fromhex(h)
    for h in json.loads(
        (find_vectors() / "federation" / "rfc6962-tree-constants.json").read_text()
    )["leaf_inputs_hex"]
]


def trusted(origin: str) -> str | None:
    return LOG["vkey"] if origin == LOG["origin"] else None


def recorded(size: int) -> Recorded:
    note = CHECKPOINTS[str(size)]["signed"]
    return Recorded(size, parse_checkpoint(CHECKPOINTS[str(size)]["body"]).root, note)


def refusal(body: str, state: Recorded | None) -> WitnessRefusal:
    with pytest.raises(WitnessRefusal) as refused:
        check_add_checkpoint(body, trusted, state)
    return refused.value


def test_the_vector_request_is_accepted_and_cosigned_as_published() -> None:
    vector = DERIVED["witness_add_checkpoint"]
    accepted = check_add_checkpoint(vector["request_body"], trusted, recorded(5))
    assert accepted.checkpoint.size == 8 and accepted.old_size == 5
    witness = Cosigner(WITNESS["name"], SigningKey(bytes.fromhex(WITNESS["seed_hex"])))
    assert witness.vkey == WITNESS["vkey"]
    line = witness.cosign(accepted.checkpoint, 1700000000)
    assert line == vector["expected_response_body_if_timestamp_1700000000"]
    assert verify_cosignature(line, accepted.checkpoint, WITNESS["vkey"]) == 1700000000


def test_refusals_follow_the_spec() -> None:
    body = DERIVED["witness_add_checkpoint"]["request_body"]
    assert refusal(body, recorded(4)).status == 409
    assert refusal(body, recorded(4)).size == 4
    assert refusal(body, None).size == 0
    unknown = body.replace(LOG["origin"], "example.com/other", 1)
    assert refusal(unknown, recorded(5)).status in (403, 404)
    lines = body.split("\n")
    lines[1] = "A" + lines[1][1:]
    assert refusal("\n".join(lines), recorded(5)).status == 422
    too_old = body.replace("old 5", "old 9", 1)
    assert refusal(too_old, recorded(5)).status == 400
    other_key = NoteSigner(LOG["origin"], SigningKey(bytes(32)))
    forged = format_add_checkpoint_request(
        5, [], sign_checkpoint(parse_checkpoint(CHECKPOINTS["8"]["body"]), other_key)
    )
    assert refusal(forged, recorded(5)).status == 403
    assert refusal("garbage", None).status == 400


def test_first_checkpoint_needs_old_zero_and_no_proof() -> None:
    note = CHECKPOINTS["3"]["signed"]
    accepted = check_add_checkpoint(format_add_checkpoint_request(0, [], note), trusted, None)
    assert accepted.checkpoint.size == 3
    with_proof = format_add_checkpoint_request(0, [bytes(32)], note)
    assert refusal(with_proof, None).status == 422


def log_signer() -> NoteSigner:
    return NoteSigner.from_skey(LOG["skey"])


def forked_note(size: int) -> str:
    """A checkpoint of ``size`` over other leaves, signed with the log's real key."""
    other = [leaf_hash(b"forged " + leaf) for leaf in LEAVES[:size]]
    return sign_checkpoint(Checkpoint(LOG["origin"], size, root_of(other)), log_signer())


def test_same_size_other_root_is_a_fork_with_evidence() -> None:
    fork = forked_note(5)
    refused = refusal(format_add_checkpoint_request(5, [], fork), recorded(5))
    assert refused.status == 409 and refused.code == "forked"
    evidence = refused.evidence
    assert evidence is not None and evidence.kind == SAME_SIZE
    assert "size 5" in verify_fork_evidence(evidence, LOG["vkey"])
    again = ForkEvidence.loads(json.dumps(evidence.as_json()))
    assert again == evidence and again.digest == evidence.digest
    with pytest.raises(EvidenceError):
        verify_fork_evidence(evidence, WITNESS["vkey"].replace("+B", "+A"))
    honest = ForkEvidence.of(LOG["vkey"], CHECKPOINTS["5"]["signed"], CHECKPOINTS["5"]["signed"])
    with pytest.raises(EvidenceError):
        verify_fork_evidence(honest, LOG["vkey"])


def test_prefix_evidence_proves_two_sizes_inconsistent() -> None:
    honest = [leaf_hash(leaf) for leaf in LEAVES]
    proof = consistency_proof(3, 8, hash_at_from_leaf_hashes(honest))
    evidence = ForkEvidence.prefix(
        LOG["vkey"], forked_note(3), CHECKPOINTS["8"]["signed"], proof, root_of(honest[:3])
    )
    assert evidence.kind == PREFIX
    assert "size 3" in verify_fork_evidence(ForkEvidence.from_json(evidence.as_json()), LOG["vkey"])
    consistent = ForkEvidence.prefix(
        LOG["vkey"],
        CHECKPOINTS["3"]["signed"],
        CHECKPOINTS["8"]["signed"],
        proof,
        root_of(honest[:3]),
    )
    with pytest.raises(EvidenceError):
        verify_fork_evidence(consistent, LOG["vkey"])
    bent = ForkEvidence.prefix(
        LOG["vkey"], forked_note(3), CHECKPOINTS["8"]["signed"], proof[::-1], root_of(honest[:3])
    )
    with pytest.raises(EvidenceError):
        verify_fork_evidence(bent, LOG["vkey"])


def test_malformed_evidence_is_refused() -> None:
    for document in ({}, {"type": "x"}, {"type": "commonweal/fork-evidence/v1", "notes": ["a"]}):
        with pytest.raises(EvidenceError):
            ForkEvidence.from_json(document)
    with pytest.raises(EvidenceError):
        ForkEvidence.loads(b"not json")
