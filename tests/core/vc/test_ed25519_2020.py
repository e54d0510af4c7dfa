"""``Ed25519Signature2020`` proofs verify (never signed), and ``checks`` selects the checks.

The vector is the suite's published one (tests/fixtures/ed25519_signature_2020/README.md),
also the credential the VC API verifier test suite posts in "MUST verify a valid VC".
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from commonweal.core.keys import SigningKey
from commonweal.core.multibase import encode_z
from commonweal.core.vc import ed25519_2020
from commonweal.core.vc.contexts import ED25519_2020, SUITE_CONTEXTS, context_bytes
from commonweal.core.vc.data_integrity import add_proof, resolve_did_key
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.proof_suites import verify_proofs
from commonweal.core.vc.rdfc import canonical_nquads
from commonweal.core.vc.verify import named_checks, verify_credential

VECTORS = Path(__file__).parents[2] / "fixtures" / "ed25519_signature_2020"
NOW = datetime(2026, 12, 7, tzinfo=UTC)


def vector() -> dict[str, Any]:
    signed: dict[str, Any] = json.loads((VECTORS / "signedEdSig.json").read_text())
    return signed


def text(name: str) -> str:
    return (VECTORS / name).read_text()


def test_the_shipped_context_is_the_one_w3id_serves() -> None:
    pinned = SUITE_CONTEXTS[ED25519_2020]
    data = context_bytes(pinned)
    assert hashlib.sha256(data).hexdigest() == pinned.sha256
    assert "Ed25519Signature2020" in json.loads(data)["@context"]


def test_the_vectors_canonical_forms_and_hashes_are_reproduced() -> None:
    signed = vector()
    config = json.loads(text("proofConfigEdSig.json"))
    assert {**signed["proof"], "@context": signed["@context"]} == {
        **config,
        "proofValue": signed["proof"]["proofValue"],
    }
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    assert canonical_nquads(unsecured) == text("canonDocEdSig.txt")
    assert canonical_nquads(config) == text("proofCanonEdSig.txt")
    hashed = ed25519_2020.hash_data(signed, signed["proof"])
    assert hashed[:32].hex() == text("proofHashEdSig.txt").strip()
    assert hashed[32:].hex() == text("docHashEdSig.txt").strip()
    assert hashed.hex() == text("combinedHashEdSig.txt").strip()


def test_the_published_vector_verifies() -> None:
    signed = vector()
    assert verify_proofs(signed, resolve_key=resolve_did_key) == [signed["proof"]]


@pytest.mark.parametrize(
    ("change", "code", "detail"),
    [
        (
            lambda vc: vc["credentialSubject"].update(alumniOf="Another School"),
            "invalid_signature",
            "does not verify",
        ),
        (
            lambda vc: vc["proof"].update(created="2023-02-24T23:36:39Z"),
            "invalid_signature",
            "does not verify",
        ),
        (
            lambda vc: vc["proof"].update(proofValue=encode_z(bytes(64))),
            "invalid_signature",
            "does not verify",
        ),
        (lambda vc: vc["proof"].update(proofValue=encode_z(bytes(63))), "invalid_proof", "64-byte"),
        (
            lambda vc: vc["proof"].update(proofValue="u" + vc["proof"]["proofValue"][1:]),
            "invalid_proof",
            "base58btc",
        ),
        (
            lambda vc: vc["proof"].update(proofPurpose="authentication"),
            "wrong_purpose",
            "assertionMethod",
        ),
        (lambda vc: vc["proof"].pop("created"), "invalid_proof", "lacks created"),
        (lambda vc: vc["proof"].update(created="yesterday"), "invalid_proof", "date-time"),
        (lambda vc: vc["@context"].remove(ED25519_2020), "invalid_proof", ED25519_2020),
    ],
)
def test_a_tampered_vector_fails_with_its_reason(change, code: str, detail: str) -> None:  # type: ignore[no-untyped-def]
    tampered = copy.deepcopy(vector())
    change(tampered)
    with pytest.raises(CredentialError) as refused:
        verify_proofs(tampered, resolve_key=resolve_did_key)
    assert refused.value.code == code
    assert detail in refused.value.message


def test_the_node_never_signs_with_it() -> None:
    unsigned = {k: v for k, v in vector().items() if k != "proof"}
    with pytest.raises(CredentialError) as refused:
        add_proof(
            unsigned,
            SigningKey(bytes(32)),
            verification_method="did:key:z6Mk#z6Mk",
            created="2026-01-01T00:00:00Z",
            cryptosuite="Ed25519Signature2020",
        )
    assert refused.value.code == "unsupported_cryptosuite"


def verify(vc: dict[str, Any], checks: frozenset[str] | None = None):  # type: ignore[no-untyped-def]
    more = {} if checks is None else {"checks": checks}
    return verify_credential(
        vc,
        trusted_issuers=set(),
        status_credentials={},
        now=NOW,
        resolve_key=resolve_did_key,
        **more,
    )


def test_by_default_the_issuer_must_control_the_key_and_be_trusted() -> None:
    result = verify(vector())
    assert {p.code for p in result.problems} == {"wrong_signer", "untrusted_issuer"}


def test_the_proof_check_alone_verifies_it() -> None:
    assert verify(vector(), named_checks(["proof"])).verified
    tampered = copy.deepcopy(vector())
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    assert [p.code for p in verify(tampered, named_checks(["proof"])).problems] == [
        "invalid_signature"
    ]


def test_the_form_is_always_checked() -> None:
    tampered = copy.deepcopy(vector())
    del tampered["issuer"]
    assert not verify(tampered, named_checks(["proof"])).verified


def test_validity_alone_skips_the_proof() -> None:
    expired = {**vector(), "validUntil": "2024-01-01T00:00:00Z"}
    assert [p.code for p in verify(expired, named_checks(["expiration"])).problems] == ["expired"]
    assert [p.code for p in verify(expired, named_checks(["issuer"])).problems] == [
        "wrong_signer",
        "untrusted_issuer",
    ]


@pytest.mark.parametrize("names", [["proof", "signature"], [], "proof", [1]])
def test_unknown_or_malformed_checks_are_refused(names: Any) -> None:
    with pytest.raises(CredentialError) as refused:
        named_checks(names)
    if names == ["proof", "signature"]:
        assert (refused.value.code, refused.value.message) == ("unknown_check", "signature")
    else:
        assert refused.value.code == "invalid_checks"
