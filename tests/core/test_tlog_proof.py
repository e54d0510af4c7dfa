"""C2SP tlog-proof@v1: the derived vector byte for byte, the spec example, and refusals."""

from __future__ import annotations

import base64
import json

import pytest

from commonweal.core.checkpoint import parse_checkpoint
from commonweal.core.merkle import ProofError
from commonweal.core.note import NoteVerifier
from commonweal.core.tlog_proof import (
    TlogProofError,
    format_tlog_proof,
    parse_tlog_proof,
    verify_tlog_proof,
)
from tests.vectors import find_vectors

FED = find_vectors() / "federation"
DERIVED = json.loads((FED / "derived" / "c2sp-derived-checkpoint-cosig-tiles.json").read_text())
VECTOR = DERIVED["tlog_proof"]
SPEC_EXAMPLE = json.loads((FED / "c2sp-format-examples.json").read_text())["tlog_proof_example"]
LOG = NoteVerifier(DERIVED["log"]["vkey"])


def test_derived_proof_is_reproduced_byte_for_byte() -> None:
    parsed = parse_tlog_proof(VECTOR["text"])
    assert parsed.index == VECTOR["leaf_index"] and parsed.extra is None
    assert parsed.checkpoint == DERIVED["cosignature_v1"]["cosigned_checkpoint"]
    assert format_tlog_proof(parsed.index, parsed.proof, parsed.checkpoint) == VECTOR["text"]


def test_derived_proof_verifies_for_its_leaf_only() -> None:
    checkpoint = verify_tlog_proof(VECTOR["text"], bytes.fromhex(VECTOR["leaf_input_hex"]), LOG)
    assert checkpoint.size == 8
    with pytest.raises(ProofError):
        verify_tlog_proof(VECTOR["text"], b"another leaf", LOG)


def test_spec_example_parses_with_extra_line() -> None:
    parsed = parse_tlog_proof(SPEC_EXAMPLE)
    assert parsed.index == 73894 and len(parsed.proof) == 5
    assert parsed.extra == base64.b64decode("YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ")
    assert parse_checkpoint(parsed.checkpoint.split("\n\n")[0] + "\n").size == 109482
    again = format_tlog_proof(parsed.index, parsed.proof, parsed.checkpoint, parsed.extra)
    assert again == SPEC_EXAMPLE


@pytest.mark.parametrize(
    "text",
    [
        VECTOR["text"].replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"),
        VECTOR["text"].replace("index 2", "index 02"),
        VECTOR["text"].replace("index 2", "index -2"),
        VECTOR["text"].replace("index 2\n", ""),
        VECTOR["text"].replace("index 2\n", "index 2\nextra AA==\n"),
        VECTOR["text"].replace("B1Bqhf2d0vEg62lPhgEeW7RmLlxBWmKRcDPUqWJEh+c=", "B1Bq"),
        VECTOR["text"].replace("B1Bqhf2d0vEg62lPhgEeW7RmLlxBWmKRcDPUqWJEh+c=", "B1Bq!!"),
        VECTOR["text"].split("\n\n")[0],
        VECTOR["text"].split("\n\n")[0] + "\n\n",
    ],
    ids=[
        "header",
        "leading-zero",
        "negative",
        "no-index",
        "extra-late",
        "short",
        "b64",
        "no-note",
        "empty-note",
    ],
)
def test_malformed_proofs_are_refused(text: str) -> None:
    with pytest.raises(TlogProofError):
        parse_tlog_proof(text)


def test_wrong_key_or_tampered_proof_fails() -> None:
    other = NoteVerifier(
        json.loads((FED / "c2sp-signed-note.json").read_text())["vectors"][0]["vkey"]
    )
    with pytest.raises(ValueError):
        verify_tlog_proof(VECTOR["text"], bytes.fromhex(VECTOR["leaf_input_hex"]), other)
    tampered = VECTOR["text"].replace("index 2", "index 3")
    with pytest.raises(ProofError):
        verify_tlog_proof(tampered, bytes.fromhex(VECTOR["leaf_input_hex"]), LOG)


@pytest.mark.parametrize("line", [0, 1, 2])
def test_a_tampered_proof_hash_fails(line: int) -> None:
    parsed = parse_tlog_proof(VECTOR["text"])
    broken = list(parsed.proof)
    broken[line] = bytes([broken[line][0] ^ 1]) + broken[line][1:]
    text = format_tlog_proof(parsed.index, broken, parsed.checkpoint)
    assert text != VECTOR["text"]
    with pytest.raises(ProofError):
        verify_tlog_proof(text, bytes.fromhex(VECTOR["leaf_input_hex"]), LOG)
    with pytest.raises(ProofError):
        verify_tlog_proof(
            format_tlog_proof(parsed.index, parsed.proof[:line], parsed.checkpoint),
            bytes.fromhex(VECTOR["leaf_input_hex"]),
            LOG,
        )
