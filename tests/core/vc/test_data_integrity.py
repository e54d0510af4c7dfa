"""vc-di-eddsa: every W3C vector reproduced byte for byte, for both cryptosuites."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

from commonweal.core.jcs import canonicalize
from commonweal.core.keys import SigningKey
from commonweal.core.multibase import decode_z
from commonweal.core.vc.data_integrity import (
    add_proof,
    hash_data,
    proof_configuration,
    resolve_did_key,
    verify_proof,
)
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.rdfc import canonical_nquads
from tests.vectors import find_vectors

VECTORS = find_vectors() / "identity" / "w3c-vc-di-eddsa"
KEY_PAIR = json.loads((VECTORS / "keyPair.json").read_text())
KEY = SigningKey(decode_z(KEY_PAIR["privateKeyMultibase"])[2:])
SUITES = [
    ("eddsa-jcs-2022", VECTORS / "eddsa-jcs-2022", "JCS", "unsigned.json"),
    ("eddsa-rdfc-2022", VECTORS / "eddsa-rdfc-2022", "DataInt", "unsigned.json"),
]


def text(folder, name: str) -> str:  # type: ignore[no-untyped-def]
    return (folder / name).read_text()


@pytest.mark.parametrize(("suite", "folder", "tag", "unsigned"), SUITES, ids=["jcs", "rdfc"])
def test_every_intermediate_value(suite: str, folder, tag: str, unsigned: str) -> None:  # type: ignore[no-untyped-def]
    document = json.loads((VECTORS / unsigned).read_text())
    options = json.loads(text(folder, f"proofConfig{tag}.json"))
    config = proof_configuration(document, options)
    if suite == "eddsa-jcs-2022":
        canonical_config, canonical_doc = (
            canonicalize(config).decode(),
            canonicalize(document).decode(),
        )
    else:
        canonical_config, canonical_doc = canonical_nquads(config), canonical_nquads(document)
    assert canonical_config == text(folder, f"proofCanon{tag}.txt").rstrip(
        "\n"
    ) or canonical_config == text(folder, f"proofCanon{tag}.txt")
    canon_doc_file = f"canonDoc{tag}.txt"
    assert canonical_doc in (
        text(folder, canon_doc_file),
        text(folder, canon_doc_file).rstrip("\n"),
    )
    assert (
        hashlib.sha256(canonical_doc.encode()).hexdigest()
        == text(folder, f"docHash{tag}.txt").strip()
    )
    assert (
        hashlib.sha256(canonical_config.encode()).hexdigest()
        == text(folder, f"proofHash{tag}.txt").strip()
    )
    combined = hash_data(document, config)
    assert combined.hex() == text(folder, f"combinedHash{tag}.txt").strip()
    assert KEY.sign(combined).hex() == text(folder, f"sigHex{tag}.txt").strip()
    signed = add_proof(
        document,
        KEY,
        verification_method=options["verificationMethod"],
        created=options["created"],
        cryptosuite=suite,
    )
    assert signed["proof"]["proofValue"] == text(folder, f"sigBTC58{tag}.txt").strip()
    assert signed == json.loads(text(folder, f"signed{tag}.json"))
    verify_proof(signed, resolve_key=resolve_did_key)


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "eddsa-rdfc-2022"])
@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "alumniOf"), "The School of Forgery"),
        (("validFrom",), "2020-01-01T00:00:00Z"),
        (("proof", "created"), "2024-01-01T00:00:00Z"),
        (("proof", "proofValue"), "z" + "1" * 86),
        (("issuer",), "https://vc.example/issuers/9999"),
    ],
)
def test_any_change_breaks_the_proof(suite: str, path: tuple[str, ...], value: str) -> None:
    document = json.loads((VECTORS / "unsigned.json").read_text())
    signed = add_proof(
        document,
        KEY,
        verification_method=f"did:key:{KEY_PAIR['publicKeyMultibase']}#{KEY_PAIR['publicKeyMultibase']}",
        created="2023-02-24T23:36:38Z",
        cryptosuite=suite,
    )
    verify_proof(signed, resolve_key=resolve_did_key)
    tampered = copy.deepcopy(signed)
    target = tampered
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(CredentialError):
        verify_proof(tampered, resolve_key=resolve_did_key)


def test_proof_set_members_verify_independently() -> None:
    """Each proof of the proof-set vectors also verifies on its own (sets and chains as a
    whole: test_proof_sets.py)."""
    folder = VECTORS / "proof-set-chain"
    signed = json.loads((folder / "signedProofSet2.json").read_text())
    keys = json.loads((folder / "multiKeyPairs.json").read_text())
    published = {pair["publicKeyMultibase"] for pair in keys.values()}
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 2
    for proof in signed["proof"]:
        assert proof["verificationMethod"].split("#")[1] in published
        single = {**{k: v for k, v in signed.items() if k != "proof"}, "proof": proof}
        verify_proof(single, resolve_key=resolve_did_key, expected_purpose=proof["proofPurpose"])
        forged = {**single, "proof": {**proof, "created": "2030-01-01T00:00:00Z"}}
        with pytest.raises(CredentialError):
            verify_proof(
                forged, resolve_key=resolve_did_key, expected_purpose=proof["proofPurpose"]
            )


def test_employ_vector_needs_a_context_that_is_not_shipped() -> None:
    """The employ vector needs w3id.org/citizenship/v4rc1, absent from shared/: never fetched."""
    document = json.loads((VECTORS / "employmentAuth.json").read_text())
    with pytest.raises(CredentialError) as refusal:
        canonical_nquads(document)
    assert "citizenship" in refusal.value.message


def test_undefined_terms_are_refused_for_rdfc() -> None:
    document = {
        "@context": {"name": "https://schema.org/name"},
        "name": "Ada",
        "undefinedTerm": "dropped silently by plain JSON-LD processing",
    }
    with pytest.raises(CredentialError) as refusal:
        canonical_nquads(document)
    assert refusal.value.code == "DATA_LOSS_DETECTION_ERROR"
    assert "undefinedTerm" in refusal.value.message


def test_canonicalization_work_is_bounded() -> None:
    document = json.loads((VECTORS / "unsigned.json").read_text())
    document["credentialSubject"]["alumniOf"] = [{"name": str(i)} for i in range(100)]
    with pytest.raises(CredentialError) as refusal:
        canonical_nquads(document)
    assert refusal.value.code == "canonicalization_limit"
