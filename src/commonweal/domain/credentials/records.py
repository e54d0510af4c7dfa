"""The state tables of community-issued credentials, and the readers the rules share.

Issued credentials share the node's one status list with the credentials membership
owes (``membership.counters``'s ``status_index``): an index is taken only by an
issuance the rules accept, so a refused one consumes nothing.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.credentials.kinds import PASSPORT, PASSPORT_KIND
from commonweal.domain.errors import Conflict, InvalidBody, NotFound
from commonweal.domain.governance.constitution import CONSTITUTION
from commonweal.domain.membership.records import COUNTERS
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.timestamps import later

ISSUED = "credentials.issued"
"""``"<status index, 12 digits>"`` → an issued credential: kind, subject, claims
commitment, issuer, issued, valid until, revoked."""
REQUESTS = "credentials.requests"
"""``"<log index of the request, 12 digits>"`` → a member's request for a credential of
an endorsed or voted kind: kind, subject, claims commitment, endorsers, issued."""
KIND_VERSIONS = "credentials.kind_versions"
"""``"<kind> v<version>"`` → the kind's rules when it was first issued under that version:
what the node serves at the version's URLs, and rebuilds older credentials with."""
DAY = 86_400


def row_key(number: int) -> str:
    """The state key of a status index or request number (sorted as numbers)."""
    return f"{number:012d}"


def defined_kinds(state: State) -> dict[str, dict[str, Any]]:
    """Every kind of credential this node issues now: the constitution's, and passport."""
    constitution = state.get(CONSTITUTION, "constitution") or {}
    return {**constitution.get("credentials", {}), PASSPORT: PASSPORT_KIND}


def kind_of(state: State, name: Any) -> dict[str, Any]:
    """The rules of kind ``name``, or ``unknown_kind`` naming the kinds there are."""
    kinds = defined_kinds(state)
    if not isinstance(name, str) or name not in kinds:
        raise InvalidBody(
            "the constitution defines no credential kind %(name)s: the kinds are %(kinds)s",
            name=repr(name),
            kinds=", ".join(sorted(kinds)),
            code="unknown_kind",
        )
    return kinds[name]


def issued(state: State, index: int) -> dict[str, Any]:
    """The issued credential with status index ``index``."""
    row: dict[str, Any] | None = state.get(ISSUED, row_key(index))
    if row is None:
        raise NotFound(
            "no community credential has status index %(index)s", index=index, code="not_found"
        )
    return row


def issue(
    state: State,
    ctx: Context,
    *,
    kind: str,
    subject: str | None,
    claims: str,
    issuer: str,
    request: int | None = None,
) -> dict[str, Any]:
    """Record a credential of ``kind`` about ``subject``, taking the next status index."""
    rules = kind_of(state, kind)
    version_key = f"{kind} v{rules['version']}"
    kept = state.get(KIND_VERSIONS, version_key)
    if kept is not None and kept != rules:
        raise Conflict(
            "the %(kind)s kind changed since credentials were issued under version %(version)s: "
            "an amendment that changes a kind raises its version",
            kind=kind,
            version=rules["version"],
            code="kind_version_reused",
        )
    if kept is None:
        state.put(KIND_VERSIONS, version_key, rules)
    index = state.get(COUNTERS, "status_index", 0)
    state.put(COUNTERS, "status_index", index + 1)
    row: dict[str, Any] = {
        "index": index,
        "kind": kind,
        "type": rules["type"],
        "version": rules["version"],
        "subject": subject,
        "claims": claims,
        "issuer": issuer,
        "issued": ctx.received,
        "issued_at_entry": ctx.index,
        "valid_until": (
            later(ctx.received, rules["valid_days"] * DAY) if "valid_days" in rules else None
        ),
        "revocable": rules["revocable"],
        "revoked": None,
        "request": request,
    }
    state.put(ISSUED, row_key(index), row)
    return row


def kind_version(state: State, kind: str, version: int) -> dict[str, Any] | None:
    """The rules of ``kind`` at ``version``: as first issued, or as in force now."""
    kept: dict[str, Any] | None = state.get(KIND_VERSIONS, f"{kind} v{version}")
    if kept is not None:
        return kept
    current = defined_kinds(state).get(kind)
    return current if current is not None and current["version"] == version else None
