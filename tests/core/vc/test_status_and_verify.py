"""Bitstring Status List and end-to-end offline verification, with every failure code."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.core.vc.data_integrity import add_proof
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.status_list import StatusList, status_entry, status_list_credential
from commonweal.core.vc.verify import (
    SELF_BINDING,
    VC_API_BINDING,
    create_presentation,
    verify_credential,
    verify_presentation,
)

REC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
ISSUER_KEY = SigningKey(hashlib.sha256(b"issuer").digest())
ISSUER = did_key_from_public_key(ISSUER_KEY.public_key)
METHOD = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"
HOLDER_KEY = SigningKey(hashlib.sha256(b"holder").digest())
HOLDER = did_key_from_public_key(HOLDER_KEY.public_key)
LIST_URL = "http://127.0.0.1:8000/credentials/status/1"


def test_rec_example_decodes_to_131072_zero_bits() -> None:
    status = StatusList.decode(REC_EXAMPLE)
    assert status.length == 131_072 and not any(status.bits)


def test_bit_order_and_round_trip() -> None:
    status = StatusList()
    status.set(0)
    status.set(131_071)
    assert status.bits[0] == 0x80 and status.bits[-1] == 0x01
    back = StatusList.decode(status.encode())
    assert back.get(0) and back.get(131_071) and not back.get(1)
    status.set(0, revoked=False)
    assert not StatusList.decode(status.encode()).get(0)
    with pytest.raises(CredentialError):
        StatusList.decode("mAAAA")


def issue(index: int = 3, **extra: Any) -> dict[str, Any]:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER},
        "credentialStatus": status_entry(LIST_URL, index),
        **extra,
    }
    return add_proof(
        credential, ISSUER_KEY, verification_method=METHOD, created="2026-01-01T00:00:00Z"
    )


def status_credential(*revoked: int) -> dict[str, Any]:
    status = StatusList()
    for index in revoked:
        status.set(index)
    unsigned = status_list_credential(LIST_URL, ISSUER, status, valid_from="2026-01-01T00:00:00Z")
    return add_proof(
        unsigned, ISSUER_KEY, verification_method=METHOD, created="2026-01-01T00:00:00Z"
    )


def codes(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {p.code for p in result.problems}


def check(credential: dict[str, Any], *revoked: int, trusted: tuple[str, ...] = (ISSUER,)):  # type: ignore[no-untyped-def]
    return verify_credential(
        credential,
        trusted_issuers=set(trusted),
        status_credentials={LIST_URL: status_credential(*revoked)},
        now=NOW,
    )


def test_valid_credential_verifies() -> None:
    assert check(issue()).verified


def test_revoked_untrusted_and_missing_status() -> None:
    assert codes(check(issue(), 3)) == {"revoked"}
    assert check(issue(), 4).verified
    assert codes(check(issue(), trusted=("did:key:z6MkOther",))) == {"untrusted_issuer"}
    missing = verify_credential(issue(), trusted_issuers={ISSUER}, status_credentials={}, now=NOW)
    assert codes(missing) == {"status_unavailable"}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "id"), "did:key:z6MkSomeoneElse"),
        (("credentialStatus", "statusListIndex"), "4"),
        (("proof", "proofValue"), "z" + "2" * 86),
        (("validFrom",), "2025-01-01T00:00:00Z"),
    ],
)
def test_any_change_fails(path: tuple[str, ...], value: str) -> None:
    tampered = copy.deepcopy(issue())
    target = tampered
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert not check(tampered).verified


def test_validity_period() -> None:
    assert codes(check(issue(validUntil="2026-06-01T00:00:00Z"))) == {"expired"}
    assert codes(check(issue(validFrom="2027-01-01T00:00:00Z"))) == {"not_yet_valid"}


def test_forged_status_list_is_refused() -> None:
    forged = status_credential()
    forged["credentialSubject"]["encodedList"] = StatusList().encode()
    forged["credentialSubject"]["statusPurpose"] = "revocation"
    other_key = SigningKey(hashlib.sha256(b"mallory").digest())
    mallory = did_key_from_public_key(other_key.public_key)
    resigned = add_proof(
        {**{k: v for k, v in forged.items() if k != "proof"}, "issuer": mallory},
        other_key,
        verification_method=f"{mallory}#{mallory.removeprefix('did:key:')}",
        created="2026-01-01T00:00:00Z",
    )
    result = verify_credential(
        issue(), trusted_issuers={ISSUER}, status_credentials={LIST_URL: resigned}, now=NOW
    )
    assert codes(result) == {"invalid_status_list"}


def test_presentation_with_challenge_and_domain() -> None:
    presentation = create_presentation(
        HOLDER_KEY,
        [issue()],
        challenge="c-123",
        domain="node.example",
        created="2026-11-23T12:00:00Z",
    )
    statuses = {LIST_URL: status_credential()}

    def verify(vp, challenge="c-123", domain="node.example", binding=SELF_BINDING):  # type: ignore[no-untyped-def]
        return verify_presentation(
            vp,
            challenge=challenge,
            domain=domain,
            trusted_issuers={ISSUER},
            status_credentials=statuses,
            now=NOW,
            binding=binding,
        )

    assert verify(presentation).verified
    assert codes(verify(presentation, challenge="other")) == {"wrong_challenge"}
    assert codes(verify(presentation, domain="evil.example")) == {"wrong_domain"}
    stolen = create_presentation(
        ISSUER_KEY,
        [issue()],
        challenge="c-123",
        domain="node.example",
        created="2026-11-23T12:00:00Z",
    )
    assert codes(verify(stolen)) == {"not_the_holder"}
    # Holder binding is the verifier's policy: by default (the VC API's) a holder may
    # present a credential about someone else, as the data model allows.
    assert verify(stolen, binding=VC_API_BINDING).verified
