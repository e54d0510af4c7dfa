"""RFC 9497 OPRF (ristretto255-SHA512, base mode) against the RFC's own test vectors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from commonweal.core import oprf
from tests.vectors import find_vectors


def _suite(mode: int) -> dict[str, Any]:
    suites = json.loads((find_vectors() / "ballots" / "rfc9497_oprf_vectors.json").read_text())
    return next(s for s in suites if s["identifier"] == "ristretto255-SHA512" and s["mode"] == mode)


SUITE = _suite(0)
VERIFIABLE = _suite(1)


def test_the_context_string_is_the_rfcs() -> None:
    assert bytes.fromhex(SUITE["groupDST"]) == b"HashToGroup-" + oprf.CONTEXT


def test_derive_key_pair_matches_the_vector() -> None:
    secret, _public = oprf.derive_key_pair(
        bytes.fromhex(SUITE["seed"]), bytes.fromhex(SUITE["keyInfo"])
    )
    assert secret.hex() == SUITE["skSm"]


@pytest.mark.parametrize("vector", SUITE["vectors"], ids=lambda v: v["Input"][:8])
def test_blind_evaluate_finalize_match_the_vectors(vector: dict[str, Any]) -> None:
    secret = bytes.fromhex(SUITE["skSm"])
    private_input = bytes.fromhex(vector["Input"])
    blind_scalar = bytes.fromhex(vector["Blind"])
    blinded = oprf.blind(private_input, blind_scalar)
    assert blinded.hex() == vector["BlindedElement"]
    evaluated = oprf.blind_evaluate(secret, blinded)
    assert evaluated.hex() == vector["EvaluationElement"]
    output = oprf.finalize(private_input, blind_scalar, evaluated)
    assert output.hex() == vector["Output"]
    assert oprf.evaluate(secret, private_input) == output


@pytest.mark.parametrize("vector", VERIFIABLE["vectors"], ids=lambda v: v["Input"][:8])
def test_the_verifiable_modes_vectors_agree_too(vector: dict[str, Any]) -> None:
    """The VOPRF mode's vectors (without their proofs): the same group operations under
    that mode's context string, first blind of each batch."""
    context = oprf.context_string(1)
    secret, _public = oprf.derive_key_pair(
        bytes.fromhex(VERIFIABLE["seed"]), bytes.fromhex(VERIFIABLE["keyInfo"]), context
    )
    assert secret.hex() == VERIFIABLE["skSm"]
    private_input = bytes.fromhex(vector["Input"].split(",")[0])
    blind_scalar = bytes.fromhex(vector["Blind"].split(",")[0])
    blinded = oprf.blind(private_input, blind_scalar, context)
    assert blinded.hex() == vector["BlindedElement"].split(",")[0]
    evaluated = oprf.blind_evaluate(secret, blinded)
    assert evaluated.hex() == vector["EvaluationElement"].split(",")[0]
    output = oprf.finalize(private_input, blind_scalar, evaluated)
    assert output.hex() == vector["Output"].split(",")[0]


def test_an_independent_implementation_agrees() -> None:
    """PyPI ``voprf`` (Rust, VOPRF mode), where installed: the same PRF outputs."""
    voprf = pytest.importorskip("voprf.ristretto")
    seed, info = bytes(range(32)), b"commonweal cross-check"
    context = oprf.context_string(1)
    secret, public = oprf.derive_key_pair(seed, info, context)
    server = voprf.Evaluator.from_seed(seed, info)
    assert server.public_key.serialize() == public
    for private_input in (b"did:key:z6MkA", b"x" * 300, bytes(range(256))):
        client, blinded = voprf.Client.blind(private_input)
        theirs = client.finalize(server.evaluate(blinded), server.public_key)
        assert theirs == oprf.evaluate(secret, private_input, context)


def test_a_fresh_blind_gives_the_same_output() -> None:
    secret, _public = oprf.derive_key_pair(b"\x01" * 32, b"vote 7")
    private_input = b"did:key:z6Mkexample"
    first, second = oprf.random_blind(), oprf.random_blind()
    assert first != second
    outputs = {
        oprf.finalize(private_input, b, oprf.blind_evaluate(secret, oprf.blind(private_input, b)))
        for b in (first, second)
    }
    assert outputs == {oprf.evaluate(secret, private_input)}


def test_an_invalid_element_is_refused() -> None:
    secret, _public = oprf.derive_key_pair(b"\x01" * 32, b"vote 7")
    with pytest.raises(oprf.OprfError):
        oprf.blind_evaluate(secret, b"\xff" * 32)
    with pytest.raises(oprf.OprfError):
        oprf.blind_evaluate(secret, bytes(32))


def test_expand_message_xmd_matches_rfc9380() -> None:
    # RFC 9380 Appendix K.3 (expand_message_xmd, SHA-512), msg "", len_in_bytes 0x20.
    out = oprf.expand_message_xmd(b"", b"QUUX-V01-CS02-with-expander-SHA512-256", 0x20)
    assert out.hex() == "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba"
