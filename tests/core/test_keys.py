"""Ed25519: RFC 8032 §7.1, all 151 Wycheproof verdicts, and key files."""

from __future__ import annotations

import json
import os
import stat

import pytest

from commonweal.core.keys import SigningKey, dump_key_file, load_key_file, verify_signature
from tests.vectors import find_vectors

ED = find_vectors() / "identity" / "ed25519"
RFC = json.loads((ED / "rfc8032-section7.1-ed25519.json").read_text())["vectors"]
WYCHEPROOF = json.loads((ED / "wycheproof-ed25519_test.json").read_text())
WYCHE_CASES = [
    (group["publicKey"]["pk"], test)
    for group in WYCHEPROOF["testGroups"]
    for test in group["tests"]
]


def test_all_151_wycheproof_cases_are_run() -> None:
    assert len(WYCHE_CASES) == 151


@pytest.mark.parametrize("vector", RFC, ids=[v["name"] for v in RFC])
def test_rfc8032(vector: dict[str, str]) -> None:
    key = SigningKey.from_seed(bytes.fromhex(vector["secretKey"]))
    message = bytes.fromhex(vector["message"])
    assert key.public_key.hex() == vector["publicKey"]
    assert key.sign(message).hex() == vector["signature"]
    assert verify_signature(key.public_key, message, bytes.fromhex(vector["signature"]))


@pytest.mark.parametrize(
    ("pk", "case"), WYCHE_CASES, ids=[f"tc{c['tcId']}" for _, c in WYCHE_CASES]
)
def test_wycheproof_verdict(pk: str, case: dict[str, object]) -> None:
    verdict = verify_signature(
        bytes.fromhex(pk), bytes.fromhex(str(case["msg"])), bytes.fromhex(str(case["sig"]))
    )
    assert verdict is (case["result"] == "valid"), case["comment"]


def test_key_file_round_trip_plain_and_encrypted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    key = SigningKey.generate()
    assert load_key_file(dump_key_file(key.seed, None), None).seed == key.seed
    sealed = dump_key_file(key.seed, "correct horse")
    assert key.seed.hex() not in sealed.decode() and b'"seed"' not in sealed
    assert load_key_file(sealed, "correct horse").public_key == key.public_key
    with pytest.raises(ValueError, match="wrong passphrase"):
        load_key_file(sealed, "wrong")
    with pytest.raises(ValueError, match="passphrase is needed"):
        load_key_file(sealed, None)
    with pytest.raises(ValueError, match="not a Commonweal key file"):
        load_key_file(b"garbage", None)


def test_key_files_are_private(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from commonweal.node.kernel.setup import write_key_file

    path = tmp_path / "me.key"
    write_key_file(path, SigningKey.generate(), None)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_key_file_cannot_demand_unbounded_scrypt_work() -> None:
    import json

    document = json.loads(dump_key_file(SigningKey.generate().seed, "pw"))
    document["encrypted"]["memlimit"] = 1 << 40
    with pytest.raises(ValueError, match="beyond the allowed limits"):
        load_key_file(json.dumps(document).encode(), "pw")


def test_pbkdf2_key_files_the_browser_can_open() -> None:
    import json

    from commonweal.core.did import did_key_from_public_key
    from commonweal.core.keys import PBKDF2

    key = SigningKey.generate()
    sealed = dump_key_file(key.seed, "Grüße", kdf=PBKDF2)
    document = json.loads(sealed)
    assert "did" not in document and did_key_from_public_key(key.public_key) not in sealed.decode()
    assert document["encrypted"]["kdf"] == "pbkdf2-sha256"
    assert document["encrypted"]["iterations"] == 600_000
    assert load_key_file(sealed, "Grüße").seed == key.seed
    # The passphrase is NFC-normalised, as the browser does: a decomposed ü opens it too.
    assert load_key_file(sealed, "Gru\u0308ße").seed == key.seed
    with pytest.raises(ValueError, match="wrong passphrase"):
        load_key_file(sealed, "Grusse")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"iterations": 10**9}, "outside the allowed limits"),
        ({"iterations": 1000}, "outside the allowed limits"),
        ({"cipher": "rot13"}, "wrong passphrase or corrupted"),
        ({"nonce": "not base64!"}, "wrong passphrase or corrupted"),
    ],
)
def test_pbkdf2_key_files_are_checked(change: dict[str, object], message: str) -> None:
    import json

    from commonweal.core.keys import PBKDF2

    document = json.loads(dump_key_file(SigningKey.generate().seed, "pw", kdf=PBKDF2))
    document["encrypted"].update(change)
    with pytest.raises(ValueError, match=message):
        load_key_file(json.dumps(document).encode(), "pw")


def test_a_key_file_naming_another_key_is_refused() -> None:
    import json

    document = json.loads(dump_key_file(SigningKey.generate().seed, "pw"))
    document["did"] = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    with pytest.raises(ValueError, match="names another key"):
        load_key_file(json.dumps(document).encode(), "pw")
