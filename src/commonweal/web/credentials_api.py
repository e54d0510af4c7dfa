"""The W3C VC API shapes: issue, verify, presentations, and the status list.

``POST /credentials/verify`` answers exactly ``200 {"verified": true, "results": [],
"problemDetails": []}`` for a valid credential, 422 with the problems otherwise,
and 400 for a request that is not a VC API request at all. Commonweal's own JSON-LD
contexts are served here too, as the exact bytes whose digest credentials name.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from commonweal.core.vc.contexts import OWN_CONTEXTS, PinnedContext, context_bytes
from commonweal.core.vc.data_integrity import JCS, SUITES
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.model import check_credential
from commonweal.core.vc.verify import (
    ALL_CHECKS,
    CHECK_ALIASES,
    CHECKS,
    HolderBinding,
    VerificationResult,
    named_checks,
)
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import community_credentials as community
from commonweal.node.services import credentials, listings, open_credentials
from commonweal.web import community_credentials_api
from commonweal.web.api import json_object, json_response, read_body
from commonweal.web.paging import CURSOR, decode_cursor, limit_query, paged

MAX_BODY = 256 * 1024
CONTEXT_CACHE = "public, max-age=31536000, immutable"
"""A versioned context never changes: a new meaning is a new version (``v2``)."""


def router(
    node: Node,
    issuer_tokens: Callable[[], frozenset[str]],
    contexts: Mapping[str, PinnedContext] = OWN_CONTEXTS,
) -> APIRouter:
    """VC API routes over ``node``; ``issuer_tokens`` gives the SHA-256 hex of the bearer
    tokens accepted now (asked on every issue request, so new tokens work at once);
    ``contexts``: the JSON-LD contexts served, by path (the capabilities declare them)."""
    api = APIRouter()
    _published_routes(api, node, contexts)
    _verifier_routes(api, node, issuer_tokens)
    return api


def _published_routes(api: APIRouter, node: Node, contexts: Mapping[str, PinnedContext]) -> None:
    """What the node publishes: members' credentials, its DID document, its JSON-LD
    contexts (``contexts``, by path) and its status list."""

    @api.get("/v1/members/{did}/credentials")
    def member_credentials(
        request: Request,
        did: str,
        cursor: str | None = CURSOR,
        limit: int = limit_query(100, listings.MAX_PAGE),
    ) -> Response:
        """A page of the credentials issued to ``did``: those the log owes (in the order
        they were owed), then the community's (by status index); ``next`` names the
        following page. A cursor is ``[0, log index]`` or ``[1, status index]``."""
        phase, after = decode_cursor(cursor, (int, int)) if cursor is not None else (0, -1)
        found: list[dict[str, Any]] = []
        if phase == 0:
            owed, last = listings.credentials_page(
                node, did, after=None if after < 0 else after, limit=limit
            )
            if last is not None:
                return paged(request, "credentials", owed, (0, last))
            found, after = owed, -1
        rows = [row for row in community.issued_rows(node, did) if row["index"] > after]
        room = limit - len(found)
        for row in rows[:room]:
            built = community.credential(node, row)
            if built is not None:
                found.append(built)
        if len(rows) <= room:
            return paged(request, "credentials", found, None)
        return paged(request, "credentials", found, (1, rows[room - 1]["index"] if room else -1))

    @api.get("/.well-known/did.json")
    def did_json() -> Response:
        if not node.identity.did.startswith("did:web:"):
            raise Rejected(
                "not_found", "this node is identified by a did:key; it has no DID document"
            )
        return json_response(credentials.did_document_of(node))

    @api.get("/contexts/{name}/{version}")
    def own_context(name: str, version: str, request: Request) -> Response:
        pinned = contexts.get(f"/contexts/{name}/{version}")
        if pinned is None:
            raise Rejected(
                "not_found",
                "this node serves no context %(name)s/%(version)s",
                name=name,
                version=version,
            )
        headers = {
            "Cache-Control": CONTEXT_CACHE,
            "ETag": f'"sha256-{pinned.sha256}"',
            "Access-Control-Allow-Origin": "*",
        }
        if request.headers.get("if-none-match") == headers["ETag"]:
            return Response(status_code=304, headers=headers)
        return Response(context_bytes(pinned), media_type="application/ld+json", headers=headers)

    @api.get(credentials.STATUS_LIST_PATH)
    def status_list() -> Response:
        return json_response(credentials.status_list(node))

    @api.get(credentials.AUTOMATION_STATUS_LIST_PATH)
    def automation_status_list() -> Response:
        if not open_credentials.open_kinds(node):
            raise Rejected("not_found", "this node's constitution defines no open kind")
        return json_response(credentials.status_list(node, automation=True))


def _verifier_routes(
    api: APIRouter, node: Node, issuer_tokens: Callable[[], frozenset[str]]
) -> None:
    """The VC API's verifier and issuer."""

    @api.post("/credentials/verify")
    async def verify_credential(request: Request) -> Response:
        document = await _document(request, "verifiableCredential")
        options = _options(document)
        result = await run_in_threadpool(
            credentials.verify,
            node,
            document["verifiableCredential"],
            node.clock(),
            options.get("statusLists"),
            checks_of(options),
        )
        return _answer(result)

    @api.post("/presentations/verify")
    async def verify_presentation(request: Request) -> Response:
        document = json_object(
            await read_body(request, MAX_BODY), "verifiablePresentation", "options"
        )
        options = _options(document)
        challenge, domain = options.get("challenge"), options.get("domain")
        if not isinstance(challenge, str) or not isinstance(domain, str):
            raise Rejected("invalid_request", "options.challenge and options.domain are required")
        result = await run_in_threadpool(
            lambda: credentials.verify_vp(
                node,
                document["verifiablePresentation"],
                challenge=challenge,
                domain=domain,
                now=node.clock(),
                extra_status=options.get("statusLists"),
                binding=_holder_binding(options),
                checks=checks_of(options),
            )
        )
        return _answer(result)

    @api.post("/credentials/issue", status_code=201)
    async def issue(request: Request) -> Response:
        document = await _document(request, "credential")
        kind = community_credentials_api.community_kind(node, document["credential"])
        scopes: Mapping[str, frozenset[str]] = getattr(issuer_tokens, "scopes", dict)()
        opened = community_credentials_api.open_kind_of_token(
            node, request, issuer_tokens(), scopes
        )
        if opened is not None and kind in (None, opened):  # the automation issuer
            return await community_credentials_api.issue_open(
                node, request, document, opened, issuer_tokens(), scopes
            )
        if kind is not None and kind in open_credentials.open_kinds(node):
            return await community_credentials_api.issue_open(
                node, request, document, kind, issuer_tokens(), scopes
            )
        if kind is not None:  # a kind the constitution defines
            return await community_credentials_api.issue(
                node, request, document, kind, issuer_tokens(), scopes
            )
        community_credentials_api.refuse_unknown_types(node, document["credential"])
        _require_issuer(request, issuer_tokens())
        try:
            check_credential(document["credential"], issued=False)
        except CredentialError as error:
            raise Rejected.saying("invalid_credential", error) from None
        suite = _options(document).get("cryptosuite", JCS)
        if suite not in SUITES:
            raise Rejected(
                "invalid_request", "cryptosuite must be one of %(suites)s", suites=", ".join(SUITES)
            )
        subject = document["credential"].get("credentialSubject", {})
        subject = subject if isinstance(subject, dict) else {}
        kinds = set(document["credential"].get("type", [])) - {"VerifiableCredential"}
        attended = subject.get("attended")
        owed = credentials.owed(
            node,
            subject.get("id"),
            kinds,
            attended.get("id") if isinstance(attended, dict) else attended,
        )
        return json_response(
            {"verifiableCredential": credentials.credential(node, owed, suite)}, 201
        )


async def _document(request: Request, *required: str) -> dict[str, Any]:
    return json_object(await read_body(request, MAX_BODY), *required)


def options_of(document: dict[str, Any]) -> dict[str, Any]:
    """A VC API request's ``options`` (an object, or none)."""
    return _options(document)


def answer(result: VerificationResult) -> Response:
    """The VC API's answer to a verification (see the module's docstring)."""
    return _answer(result)


def _options(document: dict[str, Any]) -> dict[str, Any]:
    options = document.get("options", {})
    if not isinstance(options, dict):
        raise Rejected("invalid_request", "options must be an object")
    return options


def checks_of(options: dict[str, Any]) -> frozenset[str]:
    """The checks a verify request asks for (``options.checks``; all when absent), refusing
    names this verifier does not know."""
    if "checks" not in options:
        return ALL_CHECKS
    try:
        return named_checks(options["checks"])
    except CredentialError as error:
        if error.code == "unknown_check":
            raise Rejected(
                "invalid_request",
                "options.checks names checks this verifier does not know: %(unknown)s "
                "(it knows %(known)s)",
                unknown=error.message,
                known=", ".join([*CHECKS, *CHECK_ALIASES]),
            ) from None
        raise Rejected(
            "invalid_request", "options.checks must be a non-empty list of check names"
        ) from None


def _holder_binding(options: dict[str, Any]) -> HolderBinding:
    """The holder binding a verifier asks for; by default what the VC API checks (a named
    holder signed the presentation), with ``holderRequired`` and ``holderIsSubject``."""
    asked = {name: options.get(name, False) for name in ("holderRequired", "holderIsSubject")}
    wrong = [name for name, value in asked.items() if not isinstance(value, bool)]
    if wrong:
        raise Rejected("invalid_request", "options.%(wrong)s must be true or false", wrong=wrong[0])
    return HolderBinding(
        holder_required=asked["holderRequired"], holder_is_subject=asked["holderIsSubject"]
    )


def _require_issuer(request: Request, tokens: frozenset[str]) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    digest = hashlib.sha256(token.encode()).hexdigest()
    if scheme.lower() != "bearer" or not any(hmac.compare_digest(digest, t) for t in tokens):
        raise Rejected("unauthorized", "issuing needs an issuer's bearer token")


def _answer(result: VerificationResult) -> Response:
    body = {
        "verified": result.verified,
        "results": [],
        "problemDetails": [p.as_json() for p in result.problems],
    }
    return json_response(body, 200 if result.verified else 422)
