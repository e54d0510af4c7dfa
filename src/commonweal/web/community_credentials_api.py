"""Community-issued credentials over HTTP: the kinds, their contexts and schemas, requests,
and ``POST /credentials/issue`` for a kind the constitution defines.

A kind's credential is issued by a member the constitution authorises (their signed
``credentials.issued`` event in ``options.event``, the claims' salt in ``options.salt``)
or by an operator's bearer token scoped to the kind. Endorsing and revoking carry no
private data: they are ordinary signed events (``POST /v1/events``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from commonweal.core.jcs import canonicalize
from commonweal.core.vc.data_integrity import JCS, SUITES
from commonweal.domain.credentials.kinds import is_open
from commonweal.domain.credentials.records import defined_kinds
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.services import community_credentials as community
from commonweal.node.services import open_credentials
from commonweal.web.api import json_object, json_response, read_body

MAX_BODY = 256 * 1024
KindVersion = Annotated[
    int, Path(ge=1, le=10_000, description="A kind's version, as the constitution numbers it.")
]
TokenScopes = Callable[[], Mapping[str, frozenset[str]]]


def router(node: Node) -> APIRouter:
    """The kinds, their contexts and schemas, members' requests and credentials."""
    api = APIRouter()

    @api.get("/credentials/kinds")
    def kinds() -> Response:
        with node.reading() as state:
            defined = defined_kinds(state)
        return json_response(
            {"kinds": [_described(name, rules) for name, rules in sorted(defined.items())]}
        )

    def _described(name: str, rules: dict[str, Any]) -> dict[str, Any]:
        if is_open(rules):  # signed by the automation issuer; no context or schema of its own
            return {"name": name, **rules, "issuer": node.identity.automation_did}
        url = community.kind_url(node, name, rules["version"])
        return {"name": name, **rules, "context": url + "/context", "schema": url + "/schema"}

    @api.get("/credentials/kinds/{kind}/v{version}/context")
    def kind_context(kind: str, version: KindVersion) -> Response:
        rules = community.kind_rules(node, kind, version)
        body = canonicalize(community.kind_context(node, kind, rules))
        return Response(body, media_type="application/ld+json", headers=_public())

    @api.get("/credentials/kinds/{kind}/v{version}/schema")
    def kind_schema(kind: str, version: KindVersion) -> Response:
        rules = community.kind_rules(node, kind, version)
        body = community.schema_bytes(node, kind, rules)
        return Response(body, media_type="application/schema+json", headers=_public())

    @api.get("/v1/credentials/requests")
    def open_requests() -> Response:
        shown = [
            {k: v for k, v in row.items() if k != "claims_shown"} | {"claims": row["claims"]}
            for row in community.requests(node)
        ]
        return json_response({"requests": shown})

    @api.post("/v1/credentials/requests", status_code=201)
    async def request_credential(request: Request) -> Response:
        document = json_object(await read_body(request, MAX_BODY), "event", "claims", "salt")
        receipt = await run_in_threadpool(
            community.submit_signed, node, document["event"], document["claims"], document["salt"]
        )
        return json_response({"index": receipt.index, "received": receipt.received}, 201)

    @api.get("/v1/members/{did}/passport-claims")
    def passport_claims(did: str) -> Response:
        return json_response({"claims": community.passport_claims(node, did)})

    return api


def _public() -> dict[str, str]:
    return {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}


def community_kind(node: Node, credential: Any) -> str | None:
    """The community kind an issue request's credential names by its type, if any."""
    if not isinstance(credential, dict):
        return None
    types = _type_names(credential.get("type", []))
    with node.reading() as state:
        defined = defined_kinds(state)
    for name, rules in defined.items():
        if rules["type"] in types:
            return name
    return None


def _type_names(value: Any) -> set[str]:
    """The string types of a credential's ``type`` (anything else is for the model's checks)."""
    return {t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)}


OWED_TYPES = frozenset({"MembershipCredential", "RoleCredential", "AttendanceCredential"})
"""The types membership and gatherings owe (``credentials.owed``)."""


def refuse_unknown_types(node: Node, credential: Any) -> None:
    """Refuse (``unknown_kind``) a credential whose types name no kind this node issues."""
    types = _type_names(credential.get("type", []) if isinstance(credential, dict) else [])
    unknown = sorted(str(t) for t in types - OWED_TYPES - {"VerifiableCredential"})
    if unknown:
        with node.reading() as state:
            defined = defined_kinds(state)
        kinds = ", ".join(f"{name} ({rules['type']})" for name, rules in sorted(defined.items()))
        raise Rejected(
            "unknown_kind",
            "this node issues no credential of type %(unknown)s: the constitution defines "
            "%(kinds)s, besides membership, role and attendance",
            unknown=", ".join(unknown),
            kinds=kinds,
        )


async def issue(
    node: Node,
    request: Request,
    document: dict[str, Any],
    kind: str,
    tokens: frozenset[str],
    scopes: Mapping[str, frozenset[str]],
) -> Response:
    """``POST /credentials/issue`` for a community kind (see the module's docstring)."""
    credential = document["credential"]
    options = document.get("options", {})
    if not isinstance(options, dict):
        raise Rejected("invalid_request", "options must be an object")
    suite = options.get("cryptosuite", JCS)
    if suite not in SUITES:
        raise Rejected(
            "invalid_request", "cryptosuite must be one of %(suites)s", suites=", ".join(SUITES)
        )
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("id"), str):
        raise Rejected("invalid_credential", "credentialSubject must be an object with an id")
    claims = {k: v for k, v in subject.items() if k != "id"}
    if "event" in options:
        receipt: Receipt = await run_in_threadpool(
            community.submit_signed, node, options["event"], claims, options.get("salt")
        )
    else:
        _require_scope(request, tokens, scopes, kind)
        receipt = await run_in_threadpool(
            community.issue_as_node, node, kind, subject["id"], claims
        )
    (row,) = [r for r in community.issued_rows(node) if r["issued_at_entry"] == receipt.index]
    vc = await run_in_threadpool(community.credential, node, row, suite)
    return json_response({"verifiableCredential": vc}, 201)


def bearer_scope(
    request: Request, tokens: frozenset[str], scopes: Mapping[str, frozenset[str]]
) -> frozenset[str] | None:
    """The kinds the request's issuer token may issue (None: every closed kind), or
    ``unauthorized`` without a known token."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    digest = hashlib.sha256(token.encode()).hexdigest()
    known = [t for t in tokens if hmac.compare_digest(digest, t)]
    if scheme.lower() != "bearer" or not known:
        raise Rejected(
            "unauthorized",
            "issuing needs a member's signed credentials.issued event (options.event) or an "
            "issuer's bearer token",
        )
    return scopes.get(known[0])


def open_kind_of_token(
    node: Node, request: Request, tokens: frozenset[str], scopes: Mapping[str, frozenset[str]]
) -> str | None:
    """The one open kind the request's token is scoped to, if it is scoped to exactly one
    (a request without a token, or with an unscoped one, names none)."""
    header = request.headers.get("authorization", "")
    if not header:
        return None
    allowed = bearer_scope(request, tokens, scopes)
    if allowed is None:
        return None
    opened = sorted(allowed & set(open_credentials.open_kinds(node)))
    return opened[0] if len(opened) == 1 else None


async def issue_open(
    node: Node,
    request: Request,
    document: dict[str, Any],
    kind: str,
    tokens: frozenset[str],
    scopes: Mapping[str, frozenset[str]],
) -> Response:
    """``POST /credentials/issue`` for an open kind: only a token scoped to it."""
    allowed = bearer_scope(request, tokens, scopes)
    if allowed is None or kind not in allowed:
        raise Rejected(
            "forbidden",
            "%(kind)s is an open kind: only an issuer token scoped to it may issue it (commonweal "
            "issuer-token --kind %(kind)s)",
            kind=kind,
        )
    options = document.get("options", {})
    if not isinstance(options, dict):
        raise Rejected("invalid_request", "options must be an object")
    suite = options.get("cryptosuite", JCS)
    if suite not in SUITES:
        raise Rejected(
            "invalid_request", "cryptosuite must be one of %(suites)s", suites=", ".join(SUITES)
        )
    vc = await run_in_threadpool(open_credentials.issue, node, kind, document["credential"], suite)
    return json_response({"verifiableCredential": vc}, 201)


def _require_scope(
    request: Request, tokens: frozenset[str], scopes: Mapping[str, frozenset[str]], kind: str
) -> None:
    allowed = bearer_scope(request, tokens, scopes)
    if allowed is not None and kind not in allowed:
        raise Rejected(
            "forbidden",
            "this issuer token may issue %(allowed)s, not %(kind)s",
            allowed=", ".join(sorted(allowed)) or "no kind",
            kind=kind,
        )
