"""Community-issued credentials as the node runs them: claims, issuing, signing, serving.

The log carries each issuance (kind, subject, a salted commitment to the claims, the
status index); the claims stay in ``private_credential_claims``. A credential is rebuilt
from its row and its claims, and signed with the node key like every credential the node
issues (``credentials.py``): the same log and claims always give the same bytes.

Each kind's JSON-LD context and JSON Schema are derived from its rules and served at
``/credentials/kinds/<kind>/v<version>/context`` and ``…/schema``. The context is also
embedded in every credential of the kind, so a verifier needs no fetch at all; the
schema is named by ``credentialSchema`` and pinned by its digest (``relatedResource``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema_rs

from commonweal.core.commitment import commitment, new_salt
from commonweal.core.jcs import canonicalize
from commonweal.core.vc.contexts import CREDENTIALS_V2, W3C_CONTEXTS, context_bytes
from commonweal.core.vc.data_integrity import JCS
from commonweal.core.vc.status_list import status_entry
from commonweal.domain.credentials.events import ISSUED_TYPE, REQUESTED_TYPE
from commonweal.domain.credentials.kinds import PASSPORT, claim_terms, is_open
from commonweal.domain.credentials.records import (
    ISSUED,
    REQUESTS,
    defined_kinds,
    kind_of,
    kind_version,
    row_key,
)
from commonweal.domain.errors import DomainError
from commonweal.domain.federation.standing import RECOGNITIONS, credential_issuers
from commonweal.domain.membership.records import MEMBERS, in_good_standing
from commonweal.domain.state import State
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.public_url import public_url_of
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.services.credentials import signed_by_node, status_list_url
from commonweal.store.credential_claims import ClaimStore

JSON_SCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def kind_url(node: Node, kind: str, version: int) -> str:
    """Where the node describes one version of a kind (``…/context``, ``…/schema``)."""
    return f"{public_url_of(node)}/credentials/kinds/{kind}/v{version}"


def kind_rules(node: Node, kind: str, version: int | None = None) -> dict[str, Any]:
    """The rules of ``kind`` (now, or at ``version``), or ``not_found`` (also for an open
    kind: it has no context or schema of its own)."""
    with node.reading() as state:
        rules = defined_kinds(state).get(kind)
        if version is not None:
            rules = kind_version(state, kind, version)
    if rules is None or is_open(rules):
        raise Rejected(
            "not_found",
            "this node defines no credential kind %(kind)s at that version",
            kind=repr(kind),
        )
    return rules


def kind_context(node: Node, kind: str, rules: dict[str, Any]) -> dict[str, Any]:
    """The JSON-LD context of a kind: its type and each claim, under the kind's URL
    (terms the VC 2.0 context already defines, such as ``name``, keep its meaning)."""
    base = kind_url(node, kind, rules["version"]) + "#"
    terms: dict[str, Any] = {"@protected": True, rules["type"]: base + rules["type"]}
    for term in claim_terms(rules["claims"]):
        if term not in _vc_terms():
            terms[term] = {"@id": base + term}
    return {"@context": terms}


@cache
def _vc_terms() -> frozenset[str]:
    document = json.loads(context_bytes(W3C_CONTEXTS[CREDENTIALS_V2]))
    return frozenset(document["@context"])


def kind_schema(node: Node, kind: str, rules: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema (2020-12) a credential of the kind meets (VC JSON Schema's
    ``JsonSchema``: it describes the whole credential)."""
    claims = rules["claims"]
    subject = {
        **claims,
        "properties": {"id": {"type": "string"}, **claims["properties"]},
        "required": ["id", *claims.get("required", [])],
    }
    return {
        "$schema": JSON_SCHEMA_2020_12,
        "$id": kind_url(node, kind, rules["version"]) + "/schema",
        "title": rules["title"],
        "description": rules["description"],
        "type": "object",
        "properties": {"credentialSubject": subject},
        "required": ["credentialSubject"],
    }


def schema_bytes(node: Node, kind: str, rules: dict[str, Any]) -> bytes:
    """The exact bytes served for the schema (RFC 8785), whose digest credentials carry."""
    return canonicalize(kind_schema(node, kind, rules))


def check_claims(kind: str, rules: dict[str, Any], claims: Any) -> dict[str, Any]:
    """The claims, if they meet the kind's schema; otherwise ``invalid_claims`` saying where."""
    if is_open(rules):
        raise Rejected(
            "invalid_request",
            "%(kind)s is an open kind: it is issued by POST /credentials/issue with an issuer "
            "token scoped to it, the whole credential given",
            kind=kind,
        )
    if not isinstance(claims, dict):
        raise Rejected("invalid_claims", "the claims (credentialSubject) must be an object")
    given: dict[str, Any] = {str(k): v for k, v in claims.items() if k != "id"}
    validator = jsonschema_rs.validator_for(rules["claims"])
    errors = sorted(validator.iter_errors(given), key=lambda e: list(e.instance_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.instance_path) or "credentialSubject"
        raise Rejected(
            "invalid_claims",
            "the claims do not meet the %(kind)s kind's schema at %(where)s: %(problem)s",
            kind=kind,
            where=where,
            problem=first.message,
        )
    return given


def issue_as_node(node: Node, kind: str, subject: str, claims: Any) -> Receipt:
    """Issue a credential of ``kind`` with the node's key (an operator's scoped token).
    The claims are checked before anything is kept; a refused issuance keeps nothing."""
    with node.reading() as state:
        rules = _kind(state, kind)
    if kind == PASSPORT:
        claims = passport_claims(node, subject)
    checked = check_claims(kind, rules, claims)
    salt = new_salt()
    digest = commitment(checked, salt)
    return kept_while_logged(
        node,
        digest,
        salt,
        checked,
        lambda: node.submit_as_node(
            ISSUED_TYPE, {"kind": kind, "subject": subject, "claims": digest}
        ),
    )


def submit_signed(node: Node, event: object, claims: Any, salt: object) -> Receipt:
    """Log a member's signed ``credentials.issued`` or ``credentials.requested`` whose
    ``claims`` commits to exactly ``claims`` under ``salt``; keep the claims."""
    prepared = node.prepare_value_of(
        event, (ISSUED_TYPE, REQUESTED_TYPE), f"a {ISSUED_TYPE} or {REQUESTED_TYPE}"
    )
    body = prepared.body
    kind = body.get("kind") if isinstance(body, dict) else None
    with node.reading() as state:
        rules = _kind(state, kind)
    if kind == PASSPORT:  # the node says what a passport holds, from the log
        expected = passport_claims(node, str(body.get("subject", prepared.event.author)))
        if claims not in (None, {}) and claims != expected:
            raise Rejected(
                "invalid_claims",
                "a passport holds what the log says (GET /v1/members/{did}/passport-claims), "
                "not claims of the holder's choosing",
            )
        claims = expected
    checked = check_claims(str(kind), rules, claims)
    if not isinstance(salt, str):
        raise Rejected("invalid_claims", "salt must be a string")
    try:
        digest = commitment(checked, salt)
    except ValueError as error:
        raise Rejected.saying("invalid_claims", error) from None
    if digest != body.get("claims"):
        raise Rejected("commitment_mismatch", "the event does not commit to these claims and salt")
    return kept_while_logged(node, digest, salt, checked, lambda: node.commit([prepared])[0])


def _kind(state: State, kind: Any) -> dict[str, Any]:
    try:
        return kind_of(state, kind)
    except DomainError as error:
        raise Rejected.from_error(error) from None


def kept_while_logged(
    node: Node, digest: str, salt: str, claims: dict[str, Any], log: Callable[[], Receipt]
) -> Receipt:
    """Keep the claims, log the event; if the event is refused, erase them again."""
    store = ClaimStore(node.store)
    store.put(digest, salt, claims)
    try:
        receipt: Receipt = log()
    except Exception:
        if not _referenced(node, digest):
            store.erase([digest])
        raise
    return receipt


def _referenced(node: Node, digest: str) -> bool:
    with node.reading() as state:
        rows = [*state.items(ISSUED), *state.items(REQUESTS)]
    return any(row["claims"] == digest for _key, row in rows)


def passport_claims(node: Node, did: str) -> dict[str, Any]:
    """A member's passport, from the log: membership, standing, roles and visas (the
    recognised nodes that accept this node's credentials, and the rights they grant)."""
    with node.reading() as state:
        record = state.get(MEMBERS, did)
        if record is None or not in_good_standing(state, did):
            raise Rejected("not_a_member", "%(did)s is not a member in good standing here", did=did)
        admitted = _entry_time(node, record["admitted"])
        visas = [
            {"node": issuer, "since": since, "rights": rights}
            for issuer, since, rights in _visas(state)
        ]
        roles = sorted(record.get("roles", []))
    return {
        "memberOf": node.identity.did,
        "memberSince": admitted,
        "standing": "good",
        "roles": roles,
        "visas": visas,
    }


def _visas(state: State) -> list[tuple[str, str, list[str]]]:
    visas = []
    for issuer in sorted(credential_issuers(state)):
        row = state.get(RECOGNITIONS, issuer)
        rights = row["terms"].get("visitors", [])
        visas.append((issuer, str(row["since"]), sorted(str(r) for r in rights)))
    return visas


def _entry_time(node: Node, index: int | None) -> str:
    if index is None:
        return ""
    entry = node.store.entry(index)
    return str(entry.received) if entry is not None else ""


def credential(node: Node, row: dict[str, Any], cryptosuite: str = JCS) -> dict[str, Any] | None:
    """The signed credential of an issued row, or None if its claims were erased."""
    claims = ClaimStore(node.store).claims(row["claims"])
    with node.reading() as state:
        rules = kind_version(state, row["kind"], row["version"])
    if claims is None or rules is None:
        return None
    if is_open(rules):
        from commonweal.node.services import open_credentials  # it builds on this module

        return open_credentials.credential(node, row, claims, cryptosuite)
    schema_url = kind_url(node, row["kind"], row["version"]) + "/schema"
    name = f"{node.identity.did} community credential {row['index']}"
    document: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, kind_context(node, row["kind"], rules)["@context"]],
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}",
        "type": ["VerifiableCredential", row["type"]],
        "issuer": node.identity.did,
        "name": rules["title"],
        "validFrom": row["issued"],
        "credentialSubject": {"id": row["subject"], **claims},
        "credentialSchema": {"id": schema_url, "type": "JsonSchema"},
        "credentialStatus": status_entry(status_list_url(node), row["index"]),
        "relatedResource": [
            {"id": schema_url, "digestSRI": _sri(schema_bytes(node, row["kind"], rules))}
        ],
    }
    if row["valid_until"] is not None:
        document["validUntil"] = row["valid_until"]
    return signed_by_node(node, document, row["issued"], cryptosuite)


def _sri(data: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()


def issued_rows(node: Node, did: str | None = None) -> list[dict[str, Any]]:
    """Every issued community credential (of ``did``), by status index."""
    with node.reading() as state:
        rows = [dict(row) for _key, row in state.items(ISSUED)]
    return sorted(
        (row for row in rows if did is None or row["subject"] == did), key=lambda r: r["index"]
    )


def credentials_of(node: Node, did: str) -> list[dict[str, Any]]:
    """Every community credential issued to ``did`` whose claims are still kept."""
    built = (credential(node, row) for row in issued_rows(node, did))
    return [vc for vc in built if vc is not None]


def issued_row(node: Node, index: int) -> dict[str, Any]:
    """The issued row at status index ``index``, or ``not_found``."""
    with node.reading() as state:
        row = state.get(ISSUED, row_key(index))
    if row is None:
        raise Rejected(
            "not_found", "no community credential has status index %(index)s", index=index
        )
    return dict(row)


def requests(node: Node, *, open_only: bool = True) -> list[dict[str, Any]]:
    """Credential requests (the open ones by default), each with its claims if kept."""
    with node.reading() as state:
        rows = [dict(row) for _key, row in state.items(REQUESTS)]
    store = ClaimStore(node.store)
    return [
        {**row, "claims_shown": store.claims(row["claims"])}
        for row in sorted(rows, key=lambda r: r["request"])
        if not open_only or row["issued"] is None
    ]
