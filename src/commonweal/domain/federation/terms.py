"""The terms of a recognition: what this node accepts from the other and grants its members.

```json
{"credentials": ["MembershipCredential"], "visitors": ["attend", "book", "comment"],
 "witness": true, "mirror": true, "alliance": false}
```

- ``credentials``: the credential types of the other node this node accepts
  (``MembershipCredential``, ``RoleCredential``); its DID then joins the trust list;
- ``visitors``: what the other node's members may do here once admitted as visitors;
- ``witness``: this node cosigns the other's checkpoints, and asks it for cosignatures;
- ``mirror``: this node keeps a full, verified copy of the other's log;
- ``alliance``: the other node is an alliance this node belongs to: its network-wide
  votes open a precinct here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.federation.standing import VISITOR_RIGHTS
from commonweal.domain.fields import boolean

CREDENTIAL_TYPES = frozenset({"MembershipCredential", "RoleCredential"})
DEFAULT_TERMS: dict[str, Any] = {
    "credentials": ["MembershipCredential"],
    "visitors": sorted(VISITOR_RIGHTS),
    "witness": True,
    "mirror": True,
    "alliance": False,
}


def parse_terms(value: Any) -> dict[str, Any]:
    """Terms in normal form: every member present, lists sorted, defaults filled in."""
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise InvalidBody("terms must be an object")
    unknown = sorted(set(value) - set(DEFAULT_TERMS))
    if unknown:
        raise InvalidBody("terms: unexpected member(s) %(names)s", names=", ".join(unknown))
    credentials = _names(value.get("credentials", DEFAULT_TERMS["credentials"]), "credentials")
    if not credentials <= CREDENTIAL_TYPES:
        raise InvalidBody(
            "terms.credentials may name %(names)s", names=", ".join(sorted(CREDENTIAL_TYPES))
        )
    visitors = _names(value.get("visitors", DEFAULT_TERMS["visitors"]), "visitors")
    if not visitors <= VISITOR_RIGHTS:
        raise InvalidBody(
            "terms.visitors may name %(names)s", names=", ".join(sorted(VISITOR_RIGHTS))
        )
    flags = {}
    for flag in ("witness", "mirror", "alliance"):
        flags[flag] = boolean(value.get(flag, DEFAULT_TERMS[flag]), f"terms.{flag}")
    if visitors and "MembershipCredential" not in credentials:
        raise InvalidBody("visitor rights need the other node's MembershipCredential accepted")
    return {
        "credentials": sorted(credentials),
        "visitors": sorted(visitors),
        "witness": flags["witness"],
        "mirror": flags["mirror"],
        "alliance": flags["alliance"],
    }


def _names(value: Any, name: str) -> set[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidBody("terms.%(name)s must be a list of names", name=name)
    return set(value)
