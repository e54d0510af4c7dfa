"""Proof sets and proof chains (VC Data Integrity 1.0 §4.3–§4.5), from the W3C
vc-di-eddsa ``proof-set-chain`` vectors: rebuilt byte for byte, verified, and each
proof tampered with in turn."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from commonweal.core.keys import SigningKey
from commonweal.core.multibase import decode_z
from commonweal.core.vc.data_integrity import RDFC, add_proof, resolve_did_key, verify_proof
from commonweal.core.vc.errors import CredentialError
from tests.vectors import find_vectors

FOLDER = find_vectors() / "identity" / "w3c-vc-di-eddsa" / "proof-set-chain"


def vector(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FOLDER / name).read_text())
    return document


PAIRS = vector("multiKeyPairs.json")


def key(n: int) -> tuple[SigningKey, str]:
    pair = PAIRS[f"keyPair{n}"]
    public = pair["publicKeyMultibase"]
    return SigningKey(decode_z(pair["privateKeyMultibase"])[2:]), f"did:key:{public}#{public}"


def sign(document: dict[str, Any], n: int, config: dict[str, Any]) -> dict[str, Any]:
    signing_key, method = key(n)
    assert config["verificationMethod"] == method
    return add_proof(
        document,
        signing_key,
        verification_method=method,
        created=config["created"],
        cryptosuite=RDFC,
        proof_id=config.get("id"),
        previous_proof=config.get("previousProof"),
    )


def proof_set() -> dict[str, Any]:
    first = sign(vector("unsigned.json"), 1, vector("proofSetConfig1.json"))
    return sign(first, 2, vector("proofSetConfig2.json"))


def proof_chain() -> dict[str, Any]:
    chained = sign(proof_set(), 3, vector("proofChainConfig1.json"))
    return sign(chained, 4, vector("proofChainConfig2.json"))


def verify(document: dict[str, Any]) -> list[dict[str, Any]]:
    return verify_proof(document, resolve_key=resolve_did_key)


def test_a_proof_set_is_built_as_the_vectors_and_every_proof_verifies() -> None:
    assert proof_set() == vector("signedProofSet2.json")
    assert len(verify(vector("signedProofSet2.json"))) == 2


def test_a_proof_chain_is_built_as_the_vectors_and_verifies() -> None:
    chained = sign(proof_set(), 3, vector("proofChainConfig1.json"))
    assert chained == vector("signedProofChain1.json")
    assert proof_chain() == vector("signedProofChain2.json")
    assert len(verify(vector("signedProofChain1.json"))) == 3
    assert len(verify(vector("signedProofChain2.json"))) == 4


@pytest.mark.parametrize("name", ["signedProofSet2.json", "signedProofChain2.json"])
def test_tampering_with_any_one_proof_fails(name: str) -> None:
    signed = vector(name)
    for index in range(len(signed["proof"])):
        forged = copy.deepcopy(signed)
        forged["proof"][index]["created"] = "2030-01-01T00:00:00Z"
        with pytest.raises(CredentialError) as refusal:
            verify(forged)
        assert refusal.value.code == "invalid_signature"


def test_a_chained_proof_covers_the_proofs_it_names() -> None:
    """Swapping a proof the chain names for another valid one breaks the chain's signature."""
    signed = vector("signedProofChain2.json")
    other_key, method = key(1)
    resigned = add_proof(
        {k: v for k, v in vector("unsigned.json").items()},
        other_key,
        verification_method=method,
        created="2024-01-01T00:00:00Z",
        cryptosuite=RDFC,
        proof_id="urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544",
    )["proof"]
    verify({**vector("unsigned.json"), "proof": resigned})
    forged = copy.deepcopy(signed)
    forged["proof"][0] = resigned
    with pytest.raises(CredentialError) as refusal:
        verify(forged)
    assert refusal.value.code == "invalid_signature"


def test_a_previous_proof_naming_a_missing_id_fails() -> None:
    signed = vector("signedProofChain2.json")
    named = "urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23"  # the last proof's previousProof
    dropped = {**signed, "proof": [p for p in signed["proof"] if p.get("id") != named]}
    with pytest.raises(CredentialError) as refusal:
        verify(dropped)
    assert refusal.value.code == "previous_proof_missing"
    signing_key, method = key(4)
    with pytest.raises(CredentialError) as refusal:
        add_proof(
            vector("signedProofSet2.json"),
            signing_key,
            verification_method=method,
            created="2024-01-01T00:00:00Z",
            previous_proof="urn:uuid:not-in-the-set",
        )
    assert refusal.value.code == "previous_proof_missing"


def test_proofs_sharing_an_id_are_refused() -> None:
    signed = vector("signedProofSet2.json")
    twice = {**signed, "proof": [signed["proof"][0], signed["proof"][0]]}
    with pytest.raises(CredentialError) as refusal:
        verify(twice)
    assert refusal.value.code == "invalid_proof"


def test_a_jcs_set_and_chain_with_two_keys() -> None:
    """The same algorithm under eddsa-jcs-2022: two keys, a set, then a chain on it."""
    (first_key, first), (second_key, second) = key(1), key(2)
    document = vector("unsigned.json")
    signed = add_proof(
        document,
        first_key,
        verification_method=first,
        created="2024-01-01T00:00:00Z",
        proof_id="urn:uuid:one",
    )
    signed = add_proof(
        signed,
        second_key,
        verification_method=second,
        created="2024-01-01T00:00:00Z",
        proof_id="urn:uuid:two",
    )
    chained = add_proof(
        signed,
        first_key,
        verification_method=first,
        created="2024-01-02T00:00:00Z",
        previous_proof=["urn:uuid:one", "urn:uuid:two"],
    )
    assert [p.get("id") for p in chained["proof"]] == ["urn:uuid:one", "urn:uuid:two", None]
    assert len(verify(chained)) == 3
    for index in range(3):
        forged = copy.deepcopy(chained)
        forged["proof"][index]["created"] = "2030-01-01T00:00:00Z"
        with pytest.raises(CredentialError):
            verify(forged)
    unchained = copy.deepcopy(chained)
    unchained["proof"][2]["previousProof"] = ["urn:uuid:one"]
    with pytest.raises(CredentialError) as refusal:
        verify(unchained)
    assert refusal.value.code == "invalid_signature"
