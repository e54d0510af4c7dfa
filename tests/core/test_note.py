"""C2SP signed-note, checkpoint and cosignature/v1 against the published and derived vectors."""

from __future__ import annotations

import json

import pytest

from commonweal.core.checkpoint import (
    Checkpoint,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
)
from commonweal.core.cosignature import (
    Cosigner,
    format_add_checkpoint_request,
    parse_add_checkpoint_request,
    verify_cosignature,
)
from commonweal.core.keys import SigningKey
from commonweal.core.note import NoteError, NoteSigner, NoteVerifier, open_note, split_note
from tests.vectors import find_vectors

FED = find_vectors() / "federation"
NOTES = json.loads((FED / "c2sp-signed-note.json").read_text())
VECTORS = {v["id"]: v for v in NOTES["vectors"]}
DERIVED = json.loads((FED / "derived" / "c2sp-derived-checkpoint-cosig-tiles.json").read_text())
FORMATS = json.loads((FED / "c2sp-format-examples.json").read_text())


def test_spec_example_verifies() -> None:
    v = VECTORS["c2sp-spec-example"]
    opened = open_note(v["note"], [NoteVerifier(v["vkey"])])
    assert opened.text == "This is an example message.\n"


def test_signing_reproduces_peter_neumann() -> None:
    v = VECTORS["go-sumdb-peterneumann"]
    signer = NoteSigner.from_skey(v["skey"])
    assert signer.vkey == v["vkey"] and signer.skey == v["skey"]
    assert signer.sign(v["text"]) == v["note"]
    assert open_note(v["note"], [NoteVerifier(v["vkey"])]).text == v["text"]


def test_two_signers() -> None:
    v = VECTORS["go-sumdb-two-signers"]
    peter, enoch = (NoteVerifier(k) for k in v["vkeys"])
    only_peter = open_note(v["note"], [peter])
    assert [(s.name, s.verified) for s in only_peter.signatures] == [
        ("PeterNeumann", True),
        ("EnochRoot", False),
    ]
    both = open_note(v["note"], [peter, enoch])
    assert all(s.verified for s in both.signatures)
    with pytest.raises(NoteError, match="no signature"):
        open_note(v["note"], [])


def test_tampered_signature_is_rejected() -> None:
    v = VECTORS["go-sumdb-tampered-sig"]
    with pytest.raises(NoteError, match="does not verify"):
        open_note(v["note"], [NoteVerifier(k) for k in v["vkeys"]])


@pytest.mark.parametrize("note", NOTES["malformed_notes"]["notes"])
def test_malformed_notes_are_rejected(note: str) -> None:
    verifiers = [NoteVerifier(k) for k in NOTES["malformed_notes"]["vkeys"]]
    with pytest.raises(NoteError):
        open_note(note, verifiers)


@pytest.mark.parametrize("size", sorted(DERIVED["checkpoints"], key=int))
def test_derived_checkpoints_byte_for_byte(size: str) -> None:
    signer = NoteSigner(
        DERIVED["log"]["origin"], SigningKey.from_seed(bytes.fromhex(DERIVED["log"]["seed_hex"]))
    )
    assert signer.vkey == DERIVED["log"]["vkey"]
    vector = DERIVED["checkpoints"][size]
    checkpoint = parse_checkpoint(vector["body"])
    assert checkpoint.size == int(size) and checkpoint.body() == vector["body"]
    assert sign_checkpoint(checkpoint, signer) == vector["signed"]
    assert open_checkpoint(vector["signed"], NoteVerifier(signer.vkey)) == checkpoint


def test_cosignature_v1_byte_for_byte() -> None:
    witness = Cosigner(
        DERIVED["witness"]["name"],
        SigningKey.from_seed(bytes.fromhex(DERIVED["witness"]["seed_hex"])),
    )
    assert witness.vkey == DERIVED["witness"]["vkey"]
    cosig = DERIVED["cosignature_v1"]
    checkpoint = parse_checkpoint(DERIVED["checkpoints"]["8"]["body"])
    assert (b"cosignature/v1\ntime 1700000000\n" + checkpoint.body().encode()).decode() == cosig[
        "signed_message"
    ]
    line = witness.cosign(checkpoint, cosig["timestamp"])
    assert line == cosig["signature_line"]
    assert DERIVED["checkpoints"]["8"]["signed"] + line == cosig["cosigned_checkpoint"]
    assert verify_cosignature(line, checkpoint, witness.vkey) == 1700000000
    other = Checkpoint(checkpoint.origin, 9, checkpoint.root)
    with pytest.raises(NoteError):
        verify_cosignature(line, other, witness.vkey)


def test_witness_add_checkpoint_request() -> None:
    request = DERIVED["witness_add_checkpoint"]
    old, proof, note = parse_add_checkpoint_request(request["request_body"])
    assert old == 5 and len(proof) == 4
    assert format_add_checkpoint_request(old, proof, note) == request["request_body"]
    witness = Cosigner(
        DERIVED["witness"]["name"],
        SigningKey.from_seed(bytes.fromhex(DERIVED["witness"]["seed_hex"])),
    )
    checkpoint = open_checkpoint(note, NoteVerifier(DERIVED["log"]["vkey"]))
    assert (
        witness.cosign(checkpoint, 1700000000)
        == request["expected_response_body_if_timestamp_1700000000"]
    )


def test_spec_format_examples_parse() -> None:
    text, lines = split_note(FORMATS["tlog_checkpoint_example"])
    assert parse_checkpoint(text).size == 20852163 and len(lines) == 1
    text, lines = split_note(FORMATS["tlog_cosignature_cosigned_checkpoint_example"])
    assert parse_checkpoint(text).origin == "example.com/behind-the-sofa" and len(lines) >= 2


@pytest.mark.parametrize(
    "body",
    [
        "o\n01\n" + "A" * 43 + "=\n",
        "o\n1\nshort\n",
        "\n1\n" + "A" * 43 + "=\n",
        "o\n1\n" + "A" * 43 + "=",
        "o\n1\n" + "A" * 43 + "=\n\n",
    ],
)
def test_bad_checkpoints(body: str) -> None:
    with pytest.raises(NoteError):
        parse_checkpoint(body)
