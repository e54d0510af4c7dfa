"""Presentations: ``eddsa-rdfc-2022`` with embedded credentials (the VC 2.0 context resets
the context on ``verifiableCredential``), data-loss detection inside them, and holder
binding as the verifier's policy. Credentials from the W3C vectors and fixtures."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.core.vc.contexts import CREDENTIALS_V2
from commonweal.core.vc.data_integrity import RDFC, add_proof, resolve_did_key, verify_proof
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.model import check_presentation
from commonweal.core.vc.rdfc import canonical_nquads
from commonweal.core.vc.verify import (
    VC_API_BINDING,
    HolderBinding,
    create_presentation,
    verify_presentation,
)
from tests.vectors import find_vectors

IDENTITY = find_vectors() / "identity"
SIGNED_RDFC = IDENTITY / "w3c-vc-di-eddsa" / "eddsa-rdfc-2022" / "signedDataInt.json"
FIXTURES = IDENTITY / "vc-data-model-2.0-test-suite" / "input"
HOLDER_KEY = SigningKey(hashlib.sha256(b"holder").digest())
HOLDER = did_key_from_public_key(HOLDER_KEY.public_key)
HOLDER_METHOD = f"{HOLDER}#{HOLDER.removeprefix('did:key:')}"
ISSUER_KEY = SigningKey(hashlib.sha256(b"issuer").digest())
ISSUER = did_key_from_public_key(ISSUER_KEY.public_key)
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
CREATED = "2026-11-23T12:00:00Z"


def w3c_credential() -> dict[str, Any]:
    """The W3C vc-di-eddsa ``eddsa-rdfc-2022`` signed credential."""
    credential: dict[str, Any] = json.loads(SIGNED_RDFC.read_text())
    return credential


def presented(credentials: list[dict[str, Any]]) -> dict[str, Any]:
    return create_presentation(
        HOLDER_KEY,
        credentials,
        challenge="c-1",
        domain="v.example",
        created=CREATED,
        cryptosuite=RDFC,
    )


def check_holder_proof(vp: dict[str, Any]) -> None:
    verify_proof(
        vp,
        resolve_key=resolve_did_key,
        expected_purpose="authentication",
        challenge="c-1",
        domain="v.example",
    )


def test_an_rdfc_presentation_embedding_a_w3c_credential_signs_and_verifies() -> None:
    vp = presented([w3c_credential()])
    check_presentation(vp)
    check_holder_proof(vp)
    (embedded,) = vp["verifiableCredential"]
    verify_proof(embedded, resolve_key=resolve_did_key)
    tampered = copy.deepcopy(vp)
    tampered["verifiableCredential"][0]["credentialSubject"]["alumniOf"] = "Elsewhere"
    with pytest.raises(CredentialError) as refusal:
        check_holder_proof(tampered)
    assert refusal.value.code == "invalid_signature"
    with pytest.raises(CredentialError):
        verify_proof(tampered["verifiableCredential"][0], resolve_key=resolve_did_key)


def test_an_rdfc_presentation_of_the_data_model_fixture_and_of_nothing() -> None:
    check_holder_proof(presented([fixture_credential()]))
    check_holder_proof(presented([]))


def fixture_credential() -> dict[str, Any]:
    """The credential of the data-model suite's ``presentation-vc-ok`` (VC 2.0 context only:
    the W3C examples context has an ``@vocab`` that defines every term)."""
    fixture = json.loads((FIXTURES / "presentation-vc-ok.json").read_text())
    credential: dict[str, Any] = fixture["verifiableCredential"][0]
    return credential


def test_undefined_terms_inside_an_embedded_credential_are_still_caught() -> None:
    credential = fixture_credential()
    credential["credentialSubject"]["favouriteColour"] = "green"
    vp = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [credential],
    }
    with pytest.raises(CredentialError) as refusal:
        canonical_nquads(vp)
    assert refusal.value.code == "DATA_LOSS_DETECTION_ERROR"
    assert "favouriteColour" in refusal.value.message
    with pytest.raises(CredentialError, match="favouriteColour"):
        check_presentation(vp)
    with pytest.raises(CredentialError, match="favouriteColour"):
        presented([credential])
    undefined_type = {**fixture_credential(), "type": ["VerifiableCredential", "MysteryCredential"]}
    with pytest.raises(CredentialError, match="MysteryCredential"):
        canonical_nquads({**vp, "verifiableCredential": [undefined_type]})


def test_an_undefined_term_in_the_presentation_itself_is_caught() -> None:
    vp = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER,
        "nickname": "ada",
    }
    with pytest.raises(CredentialError, match="nickname"):
        canonical_nquads(vp)


def issued(subject: str) -> dict[str, Any]:
    credential = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": subject},
    }
    method = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"
    return add_proof(credential, ISSUER_KEY, verification_method=method, created=CREATED)


def unbound(credentials: list[dict[str, Any]], *, holder: str | None) -> dict[str, Any]:
    """A presentation signed by the holder's key, naming ``holder`` (or no holder)."""
    document: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": credentials,
    }
    if holder is not None:
        document["holder"] = holder
    return add_proof(
        document,
        HOLDER_KEY,
        verification_method=HOLDER_METHOD,
        created=CREATED,
        proof_purpose="authentication",
        challenge="c-1",
        domain="v.example",
    )


def codes(vp: dict[str, Any], binding: HolderBinding = VC_API_BINDING) -> set[str]:
    result = verify_presentation(
        vp,
        challenge="c-1",
        domain="v.example",
        trusted_issuers={ISSUER},
        status_credentials={},
        now=NOW,
        binding=binding,
    )
    return {p.code for p in result.problems}


def test_holder_binding_is_the_verifiers_policy() -> None:
    about_someone_else = [issued("did:example:someone-else")]
    # The data model and the VC API allow both: no holder, and credentials about others.
    assert codes(unbound(about_someone_else, holder=None)) == set()
    assert codes(unbound(about_someone_else, holder=HOLDER)) == set()
    # Asked for, they are refused with the reason named.
    assert codes(unbound([], holder=None), HolderBinding(holder_required=True)) == {
        "holder_missing"
    }
    strict = HolderBinding(holder_required=True, holder_is_subject=True)
    assert codes(unbound(about_someone_else, holder=HOLDER), strict) == {"not_the_holder"}
    assert codes(unbound([issued(HOLDER)], holder=HOLDER), strict) == set()
    # A named holder must always be who signed (the VC API checks it).
    assert codes(unbound([], holder=ISSUER)) == {"wrong_signer"}


def test_a_relative_identifier_would_be_dropped_and_is_refused() -> None:
    """URDNA2015 drops triples with relative IRIs: refused, as jsonld.js's safe mode does."""
    credential = {**fixture_credential(), "credentialSubject": {"id": "subject-42"}}
    with pytest.raises(CredentialError, match="subject-42") as refusal:
        canonical_nquads(credential)
    assert refusal.value.code == "DATA_LOSS_DETECTION_ERROR"
