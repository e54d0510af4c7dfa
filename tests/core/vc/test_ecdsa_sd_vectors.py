"""ecdsa-sd-2023 against the W3C's own vectors (tests/fixtures/ecdsa_sd_2023, see its README):
the base transformation, hashes, base proof, disclosure data and derived proof, byte for byte;
then verification, and tampering that verifies false with the reason named."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from commonweal.core.vc import ecdsa_sd, p256
from commonweal.core.vc.contexts import DocumentLoader, loader_with
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.sd_primitives import (
    canonicalize_and_group,
    hmac_label_map_factory,
    select_json_ld,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ecdsa_sd_2023"
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"
CASES = {
    "employ": ("employMandatory.json", "employSelective.json"),
    "prc": ("prCredMandatory.json", "prCredSelective.json"),
}


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(scope="module")
def loader() -> DocumentLoader:
    return loader_with({CITIZENSHIP: load("citizenship-v4rc1.jsonld")})


def unsigned(case: str) -> dict[str, Any]:
    """The document the case's vectors were made from (see the fixtures' README for prc)."""
    signed = load(f"{case}/addSignedSDBase.json")
    return {k: v for k, v in signed.items() if k != "proof"}


KEYS = load("SDKeyMaterial.json")
ISSUER = p256.secret_from_multikey(KEYS["baseKeyPair"]["secretKeyMultibase"])
PROOF_KEY = p256.secret_from_multikey(KEYS["proofKeyPair"]["secretKeyMultibase"])
HMAC_KEY = bytes.fromhex(KEYS["hmacKeyString"])


def resolve(method: str) -> bytes:
    did, _, fragment = method.partition("#")
    assert did == "did:key:" + fragment
    return p256.public_key_from_multikey(fragment)


def test_key_material_round_trips() -> None:
    assert ISSUER.multikey == KEYS["baseKeyPair"]["publicKeyMultibase"]
    assert PROOF_KEY.multikey == KEYS["proofKeyPair"]["publicKeyMultibase"]
    assert unsigned("employ") == load("employmentAuth.json")


@pytest.mark.parametrize("case", CASES)
def test_base_transformation_and_hashes(case: str, loader: DocumentLoader) -> None:
    mandatory_pointers = load(CASES[case][0])
    groups, _nquads, _labels = canonicalize_and_group(
        unsigned(case), hmac_label_map_factory(HMAC_KEY), {"mandatory": mandatory_pointers}, loader
    )
    expected = load(f"{case}/addBaseTransform.json")
    mandatory = groups["mandatory"]["matching"]
    assert [[i, nq] for i, nq in mandatory.items()] == expected["mandatory"]["value"]
    non_mandatory = groups["mandatory"]["nonMatching"]
    assert [[i, nq] for i, nq in non_mandatory.items()] == expected["nonMandatory"]["value"]
    proof = {k: v for k, v in load(f"{case}/addProofConfig.json").items() if k != "@context"}
    hashes = load(f"{case}/addHashData.json")
    assert ecdsa_sd.proof_hash(unsigned(case), proof, loader).hex() == hashes["proofHash"]
    mandatory_hash = hashlib.sha256("".join(mandatory.values()).encode()).hexdigest()
    assert mandatory_hash == hashes["mandatoryHash"]


@pytest.mark.parametrize("case", CASES)
def test_base_proof_is_the_published_one(case: str, loader: DocumentLoader) -> None:
    config = load(f"{case}/addProofConfig.json")
    signed = ecdsa_sd.add_base_proof(
        unsigned(case),
        ISSUER,
        verification_method=config["verificationMethod"],
        created=config["created"],
        mandatory_pointers=load(CASES[case][0]),
        hmac_key=HMAC_KEY,
        proof_key=PROOF_KEY,
        loader=loader,
    )
    expected = load(f"{case}/addSignedSDBase.json")
    assert signed["proof"]["proofValue"] == expected["proof"]["proofValue"]
    assert signed == expected
    raw = load(f"{case}/addRawBaseSignatureInfo.json")
    parsed = ecdsa_sd.parse_base(signed["proof"]["proofValue"])
    assert parsed.base_signature.hex() == raw["baseSignature"]
    assert [s.hex() for s in parsed.signatures] == raw["signatures"]
    assert p256.public_multikey(parsed.public_key[2:]) == raw["publicKey"]


@pytest.mark.parametrize("case", CASES)
def test_derived_proof_is_the_published_one(case: str, loader: DocumentLoader) -> None:
    base = load(f"{case}/addSignedSDBase.json")
    selective = load(CASES[case][1])
    data = ecdsa_sd.create_disclosure_data(base, selective, loader)
    disclosure = load(f"{case}/derivedDisclosureData.json")
    assert data.value.base_signature.hex() == disclosure["baseSignature"]
    assert [s.hex() for s in data.value.signatures] == disclosure["signatures"]
    assert data.value.label_map == dict(disclosure["labelMap"]["value"])
    assert data.value.mandatory_indexes == disclosure["mandatoryIndexes"]
    assert data.reveal_document == load(f"{case}/derivedUnsignedReveal.json")
    derived = ecdsa_sd.derive(base, selective, loader)
    expected = load(f"{case}/derivedRevealDocument.json")
    assert derived["proof"]["proofValue"] == expected["proof"]["proofValue"]
    assert derived == expected


@pytest.mark.parametrize("case", CASES)
def test_published_derived_proof_verifies(case: str, loader: DocumentLoader) -> None:
    derived = load(f"{case}/derivedRevealDocument.json")
    assert ecdsa_sd.verify_derived(derived, resolve, loader)["cryptosuite"] == "ecdsa-sd-2023"
    value = ecdsa_sd.parse_derived(derived["proof"]["proofValue"])
    published = load(f"{case}/verifyDerivedProofValue.json")
    assert value.mandatory_indexes == published["mandatoryIndexes"]
    assert value.label_map == dict(published["labelMap"])


def test_an_altered_disclosed_claim_verifies_false_with_the_reason(loader: DocumentLoader) -> None:
    derived = load("employ/derivedRevealDocument.json")
    altered = copy.deepcopy(derived)
    altered["credentialSubject"]["birthCountry"] = "Arcadia"
    with pytest.raises(CredentialError) as caught:
        ecdsa_sd.verify_derived(altered, resolve, loader)
    assert caught.value.code == "invalid_signature"
    assert "disclosed claim was altered" in caught.value.message
    assert "Arcadia" in caught.value.message


def test_an_altered_mandatory_claim_breaks_the_base_signature(loader: DocumentLoader) -> None:
    altered = load("employ/derivedRevealDocument.json")
    altered["issuer"]["image"] = "data:image/png;base64,AAAA"
    with pytest.raises(CredentialError, match="base signature does not verify"):
        ecdsa_sd.verify_derived(altered, resolve, loader)


def test_an_added_claim_is_a_statement_without_a_signature(loader: DocumentLoader) -> None:
    altered = load("employ/derivedRevealDocument.json")
    altered["credentialSubject"]["givenName"] = "JOHN"
    with pytest.raises(
        CredentialError,
        match="the proof signs 6 non-mandatory statements, the credential shows 7",
    ):
        ecdsa_sd.verify_derived(altered, resolve, loader)


def test_a_base_proof_is_not_shown_to_a_verifier(loader: DocumentLoader) -> None:
    with pytest.raises(CredentialError, match="never the base proof"):
        ecdsa_sd.verify_derived(load("employ/addSignedSDBase.json"), resolve, loader)


@pytest.mark.parametrize(
    "value",
    ["zNotBase64url", "u", "u2V0B", "u2V0BgA", "u2V0BhUA"],
    ids=["not-multibase-u", "empty", "header-only", "empty-array", "short-array"],
)
def test_malformed_derived_proof_values_are_refused(value: str, loader: DocumentLoader) -> None:
    derived = load("employ/derivedRevealDocument.json")
    derived["proof"]["proofValue"] = value
    with pytest.raises(CredentialError) as caught:
        ecdsa_sd.verify_derived(derived, resolve, loader)
    assert caught.value.code == "PROOF_VERIFICATION_ERROR"


def test_a_pointer_to_nothing_is_refused() -> None:
    with pytest.raises(CredentialError, match="does not match"):
        select_json_ld(["/credentialSubject/nothing"], {"@context": [], "credentialSubject": {}})


def test_pointers_select_array_items_and_numeric_members() -> None:
    document = {
        "@context": ["x"],
        "id": "urn:a",
        "list": [{"type": "T", "n": 1}, {"n": 2}, {"n": 3}],
        "map": {"0": "zero", "1": "one"},
    }
    selected = select_json_ld(["/list/2/n", "/list/0/n", "/map/0"], document)
    assert selected == {
        "@context": ["x"],
        "id": "urn:a",
        "list": [{"type": "T", "n": 1}, {"n": 3}],
        "map": {"0": "zero"},
    }
    assert select_json_ld([], document) is None
