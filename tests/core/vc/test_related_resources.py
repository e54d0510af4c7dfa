"""relatedResource (VC Data Model 2.0 §5.3): form, uniqueness, digests, and digests that
must match the resources this verifier holds offline."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.core.vc.contexts import CREDENTIALS_V2, MEMBERSHIP_PATH, OWN_CONTEXTS, digest_sri
from commonweal.core.vc.data_integrity import add_proof
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.model import check_credential
from commonweal.core.vc.verify import verify_credential
from tests.vectors import find_vectors

FIXTURES = find_vectors() / "identity" / "vc-data-model-2.0-test-suite" / "input"
V2_MULTIBASE = "uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA"
"""The credentials/v2 context's digest as VC Data Model 2.0 Appendix B.1 publishes it
(SHA-256 59955ced…2734 as a base64url multihash)."""
V2_SRI = "sha384-l/HrjlBCNWyAX91hr6LFV2Y3heB5Tcr6IeE4/Tje8YyzYBM8IhqjHWiWpr8+ZbYU"
"""The same bytes as Subresource Integrity (SHA-384), computed from the pinned file."""
EXAMPLES_SRI = "sha384-zNNbQTWCSUSi0bbz7dbua+RcENv7C6FvlmYJ1Y+I727HsPOHdzwELMYO9Mz68M26"
"""The examples/v2 context's SHA-384: a real digest, of another resource."""
NODE_CONTEXT = "https://commons.example" + MEMBERSHIP_PATH


def credential(related: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / "credential-ok.json").read_text())
    document["relatedResource"] = related
    return document


def refusal(related: Any) -> CredentialError:
    with pytest.raises(CredentialError) as refused:
        check_credential(credential(related), issued=False)
    return refused.value


def test_published_digests_of_pinned_and_own_contexts_verify() -> None:
    check_credential(
        credential(
            [
                {"id": CREDENTIALS_V2, "digestMultibase": V2_MULTIBASE, "digestSRI": V2_SRI},
                {"id": NODE_CONTEXT, "digestSRI": digest_sri(OWN_CONTEXTS[MEMBERSHIP_PATH])},
                {"id": "https://elsewhere.example/terms", "digestSRI": EXAMPLES_SRI},
            ]
        ),
        issued=False,
    )
    check_credential(credential({"id": CREDENTIALS_V2, "digestSRI": V2_SRI}), issued=False)


@pytest.mark.parametrize(
    ("related", "says"),
    [
        ([CREDENTIALS_V2], "is an object"),
        ([{"digestSRI": V2_SRI}], "URL id"),
        ([{"id": "not a url", "digestSRI": V2_SRI}], "URL id"),
        ([{"id": CREDENTIALS_V2, "digestSRI": V2_SRI}] * 2, "twice"),
        ([{"id": CREDENTIALS_V2}], "digestSRI or digestMultibase"),
        ([{"id": CREDENTIALS_V2, "digestSRI": "md5-" + V2_SRI[7:]}], "algorithm"),
        ([{"id": CREDENTIALS_V2, "digestSRI": V2_SRI[:-8]}], "not a sha384 digest"),
        ([{"id": CREDENTIALS_V2, "digestMultibase": V2_MULTIBASE[:-4]}], "length"),
        ([{"id": CREDENTIALS_V2, "digestMultibase": "m" + V2_MULTIBASE[1:]}], "multihash"),
        ([{"id": CREDENTIALS_V2, "digestMultibase": "u!!!" + V2_MULTIBASE[4:]}], "multihash"),
        ([], "one or more"),
    ],
)
def test_malformed_related_resources_are_refused(related: Any, says: str) -> None:
    refused = refusal(related)
    assert refused.code == "invalid_related_resource" and says in refused.message


@pytest.mark.parametrize(
    "entry",
    [
        {"id": CREDENTIALS_V2, "digestSRI": EXAMPLES_SRI},
        {"id": CREDENTIALS_V2, "digestMultibase": V2_MULTIBASE, "digestSRI": EXAMPLES_SRI},
        {"id": NODE_CONTEXT, "digestSRI": V2_SRI},
    ],
)
def test_a_digest_that_does_not_match_a_resource_held_offline_is_refused(
    entry: dict[str, str],
) -> None:
    refused = refusal([entry])
    assert refused.code == "related_resource_mismatch" and entry["id"] in refused.message


def test_a_signed_credential_with_a_wrong_digest_does_not_verify() -> None:
    key = SigningKey(hashlib.sha256(b"issuer").digest())
    issuer = did_key_from_public_key(key.public_key)
    document = {
        **credential([{"id": CREDENTIALS_V2, "digestSRI": EXAMPLES_SRI}]),
        "issuer": issuer,
    }
    signed = add_proof(
        document,
        key,
        verification_method=f"{issuer}#{issuer.removeprefix('did:key:')}",
        created="2026-01-01T00:00:00Z",
    )
    result = verify_credential(
        signed,
        trusted_issuers={issuer},
        status_credentials={},
        now=datetime(2026, 11, 23, tzinfo=UTC),
    )
    assert [p.code for p in result.problems] == ["related_resource_mismatch"]
