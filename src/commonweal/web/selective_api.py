"""Selective-disclosure credentials (``ecdsa-sd-2023``): a member's base credentials.

A signed-in member asks the node to derive one of their credentials, showing only the
claims they choose (``POST /v1/members/{did}/credentials/selective/derive``, from their
credentials page). The base credentials themselves go to their holder only: to the
signed-in member, or for a request the member signs (the CLI). Derived credentials are
verified by ``POST /credentials/verify`` like any other (the VC API verifier dispatches on
the proof's cryptosuite).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import selective
from commonweal.web.api import json_body, json_response, read_body
from commonweal.web.session import member_did

MAX_BODY = 16 * 1024


def router(node: Node) -> APIRouter:
    """``GET /v1/members/{did}/credentials/selective`` and ``POST …/selective/derive``."""
    api = APIRouter()

    @api.get("/v1/members/{did}/credentials/selective")
    def selective_credentials(did: str, request: Request) -> Response:
        """The signed-in member's credentials with an ecdsa-sd-2023 base proof, for the
        holder to derive from. A base proof carries the holder's HMAC key: it goes to the
        holder only (a session of theirs, or the signed request below)."""
        _signed_in_as(request, did)
        return json_response({"credentials": selective.selective_credentials_of(node, did)})

    @api.post("/v1/members/{did}/credentials/selective")
    async def selective_credentials_signed(did: str, request: Request) -> Response:
        """The same for a request the member signs (``{"did", "at", "sig"}``, purpose
        ``commonweal/selective-credentials``): ``commonweal credential selective``."""
        document = json_body(await read_body(request, MAX_BODY))
        signer, credentials = selective.selective_credentials_signed(node, document)
        if signer != did:
            raise Rejected("forbidden", "a member fetches only their own credentials")
        return json_response({"credentials": credentials})

    @api.post("/v1/members/{did}/credentials/selective/derive")
    async def derive(did: str, request: Request) -> Response:
        """For the signed-in member ``did``: ``{"id": <credential id>, "reveal": [JSON
        Pointers]}`` → ``{"verifiableCredential": <derived credential>}``, which shows the
        chosen claims and those the issuer made mandatory, and nothing else."""
        _signed_in_as(request, did)
        body = json_body(await read_body(request, MAX_BODY))
        if not isinstance(body, dict):
            raise Rejected("invalid_request", "the body must be a JSON object")
        derived = await run_in_threadpool(
            selective.derive_for, node, did, body.get("id"), body.get("reveal")
        )
        return json_response({"verifiableCredential": derived})

    return api


def _signed_in_as(request: Request, did: str) -> None:
    signed_in = member_did(request)
    if signed_in is None:
        raise Rejected("unauthorized", "sign in to see your selective-disclosure credentials")
    if signed_in != did:
        raise Rejected("forbidden", "a member sees only their own credentials")
