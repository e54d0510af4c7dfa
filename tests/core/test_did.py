"""did:key for Ed25519 against the w3c-ccg and vc-di-eddsa vectors."""

from __future__ import annotations

import json

import pytest

from commonweal.core.did import (
    did_key_from_public_key,
    multikey_from_public_key,
    public_key_from_did_key,
)
from commonweal.core.keys import SigningKey
from commonweal.core.multibase import decode_z
from tests.vectors import find_vectors

VECTORS = json.loads((find_vectors() / "identity" / "did-key" / "ed25519-x25519.json").read_text())
KEYPAIR = json.loads((find_vectors() / "identity" / "w3c-vc-di-eddsa" / "keyPair.json").read_text())


@pytest.mark.parametrize("did", sorted(VECTORS))
def test_seed_to_did(did: str) -> None:
    key = SigningKey.from_seed(bytes.fromhex(VECTORS[did]["seed"]))
    assert did_key_from_public_key(key.public_key) == did
    assert public_key_from_did_key(did) == key.public_key


def test_vc_di_eddsa_key_pair() -> None:
    private = decode_z(KEYPAIR["privateKeyMultibase"])
    assert private[:2] == b"\x80\x26"
    key = SigningKey.from_seed(private[2:])
    assert multikey_from_public_key(key.public_key) == KEYPAIR["publicKeyMultibase"]


@pytest.mark.parametrize(
    ("did", "message"),
    [
        ("did:web:example.com", "not a did:key"),
        ("did:key:z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW", "not an Ed25519"),
        ("did:key:zQ3s", "Ed25519"),
        ("did:key:6Mk", "multibase"),
        ("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#x", "fragment"),
    ],
)
def test_bad_dids_say_why(did: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        public_key_from_did_key(did)
