"""VC Data Model 2.0: the 120 fixtures of the W3C test suite, accepted or rejected as named."""

from __future__ import annotations

import json

import pytest

from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.model import check_credential, check_presentation, check_self_asserted
from tests.vectors import find_vectors

FOLDER = find_vectors() / "identity" / "vc-data-model-2.0-test-suite" / "input"
FIXTURES = sorted(FOLDER.rglob("*.json"))
PLACEHOLDERS = {"PAST DATE": "2020-01-01T00:00:00Z", "FUTURE DATE": "2099-01-01T00:00:00Z"}


def load(path):  # type: ignore[no-untyped-def]
    text = path.read_text()
    for placeholder, value in PLACEHOLDERS.items():  # the suite's templates fill these in
        text = text.replace(placeholder, value)
    return json.loads(text)


def test_all_120_fixtures_are_here() -> None:
    assert len(FIXTURES) == 120


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture(path) -> None:  # type: ignore[no-untyped-def]
    document = load(path)
    name = path.stem
    if "self-asserted" in name:
        # Inputs for a holder asked to self-assert: unsigned credentials must be the holder's.
        check_presentation(document)
        if name.endswith("-ok"):
            check_self_asserted(document)
        else:
            with pytest.raises(CredentialError):
                check_self_asserted(document)
        return
    check = check_presentation if name.startswith("presentation") else _issuer_input
    if name.endswith("-ok"):
        check(document)
    else:
        assert name.endswith(("-fail", "-fail-or-inject"))
        with pytest.raises(CredentialError):
            check(document)


def _issuer_input(document) -> None:  # type: ignore[no-untyped-def]
    check_credential(document, issued=False)


def test_an_issued_credential_needs_its_issuer() -> None:
    document = load(FOLDER / "credential-ok.json")
    with pytest.raises(CredentialError, match="issuer"):
        check_credential(document)
