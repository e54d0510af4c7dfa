"""The remaining federation vectors: Sigsum's checkpoint-compatible serializations and the
RFC 9421 Ed25519 request signature (checked with the strict verifier)."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from commonweal.core.checkpoint import parse_checkpoint
from commonweal.core.cosignature import cosigned_message
from commonweal.core.keys import verify_signature
from tests.vectors import find_vectors

FED = find_vectors() / "federation"
SIGSUM = json.loads((FED / "sigsum-format-examples.json").read_text())
RFC9421 = json.loads((FED / "rfc9421-b26-ed25519.json").read_text())


def test_sigsum_tree_head_is_a_checkpoint_body() -> None:
    checkpoint = parse_checkpoint(SIGSUM["tree_head_signed_serialization"])
    assert checkpoint.size == 15368405
    assert checkpoint.origin.startswith("sigsum.org/v1/tree/")
    assert checkpoint.body() == SIGSUM["tree_head_signed_serialization"]


def test_sigsum_cosignature_message_is_cosignature_v1() -> None:
    message = SIGSUM["cosignature_signed_serialization"]
    header, time_line, body = message.split("\n", 2)
    assert header == "cosignature/v1"
    checkpoint = parse_checkpoint(body)
    timestamp = int(time_line.removeprefix("time "))
    assert cosigned_message(checkpoint, timestamp) == message.encode()


def _signature(header: str) -> bytes:
    return base64.b64decode(header.split("=", 1)[1].strip(":"))


def _public_key() -> bytes:
    key = load_pem_public_key(RFC9421["public_key_pem"].encode())
    raw: bytes = key.public_bytes_raw()  # type: ignore[union-attr]
    return raw


@pytest.mark.parametrize(("header", "valid"), [("Signature", True), ("negative", False)])
def test_rfc9421_b26_signature(header: str, valid: bool) -> None:
    value = RFC9421["Signature"] if header == "Signature" else RFC9421["negative"]["Signature"]
    base = RFC9421["signature_base"].encode()
    assert verify_signature(_public_key(), base, _signature(value)) is valid
