"""The term check's memo: a document of a shape found sound skips expansion, and nothing
that expansion would refuse slips through it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from commonweal.core.vc import term_shapes
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.rdfc import check_terms

V2 = "https://www.w3.org/ns/credentials/v2"


def credential(subject: str, index: str) -> dict[str, Any]:
    return {
        "@context": [V2, {"@protected": True, "hours": {"@id": "https://example.org/v#hours"}}],
        "id": "urn:uuid:0b5a4b5c-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": "did:key:z6MkIssuer",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": subject, "hours": 3},
        "credentialStatus": {
            "id": f"https://node.example/credentials/status/1#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": index,
            "statusListCredential": "https://node.example/credentials/status/1",
        },
    }


def test_documents_of_one_shape_share_a_key_and_others_do_not() -> None:
    first, second = credential("did:key:z6MkA", "7"), credential("did:key:z6MkB", "12")
    assert term_shapes.shape(first) == term_shapes.shape(second)
    renamed = copy.deepcopy(first)
    renamed["credentialSubject"]["minutes"] = renamed["credentialSubject"].pop("hours")
    assert term_shapes.shape(renamed) != term_shapes.shape(first)
    relative = credential("alice", "7")  # a relative id: a different shape
    assert term_shapes.shape(relative) != term_shapes.shape(first)


def test_a_sound_shape_does_not_let_an_undefined_term_or_relative_id_through() -> None:
    check_terms(credential("did:key:z6MkA", "7"))  # sound, now remembered
    assert term_shapes.known_sound(term_shapes.shape(credential("did:key:z6MkC", "9")))
    undefined = credential("did:key:z6MkA", "7")
    undefined["credentialSubject"]["minutes"] = 4
    with pytest.raises(CredentialError) as refused:
        check_terms(undefined)
    assert refused.value.code == "DATA_LOSS_DETECTION_ERROR" and "minutes" in refused.value.message
    with pytest.raises(CredentialError, match="not absolute IRIs: alice"):
        check_terms(credential("alice", "7"))


@pytest.mark.parametrize(
    "risky",
    [
        {"@vocab": "https://example.org/v#"},
        {"kind": "@type"},
        {"level": {"@id": "https://example.org/v#level", "@type": "@vocab"}},
    ],
)
def test_an_embedded_context_that_could_make_values_matter_keeps_them_all(
    risky: dict[str, Any],
) -> None:
    document = credential("did:key:z6MkA", "7")
    document["@context"][1].update(risky)
    other = copy.deepcopy(document)
    other["credentialSubject"]["id"] = "did:key:z6MkB"
    assert term_shapes.shape(document) != term_shapes.shape(other)
