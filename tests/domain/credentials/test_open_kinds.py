"""An open kind in the constitution: what its definition may say."""

from __future__ import annotations

from typing import Any

import pytest

from commonweal.domain.credentials.kinds import parse_credential_kinds
from commonweal.domain.errors import InvalidBody


def test_an_open_kind_is_issued_by_token_revocable_and_has_no_schema() -> None:
    (kind,) = parse_credential_kinds({"w3c-suite": {"open": True}}).values()
    assert kind["open"] is True and kind["issuers"] == "token" and kind["revocable"] is True
    assert kind["type"] == "W3CSuiteCredential" and "claims" not in kind


@pytest.mark.parametrize(
    ("definition", "refusal"),
    [
        ({"open": False}, "open may only be true"),
        ({"open": True, "issuers": {"role": "steward"}}, 'issued by "token" only'),
        ({"open": True, "issuers": "vote"}, 'issued by "token" only'),
        ({"open": True, "claims": {"type": "object"}}, "claims"),
        ({"open": True, "type": "MembershipCredential"}, "already used"),
        ({"open": True, "revocable": "yes"}, "true or false"),
    ],
)
def test_a_malformed_open_kind_is_refused(definition: dict[str, Any], refusal: str) -> None:
    with pytest.raises(InvalidBody) as refused:
        parse_credential_kinds({"w3c-suite": definition})
    assert refusal in str(refused.value)
