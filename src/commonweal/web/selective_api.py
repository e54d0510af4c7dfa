"""Selective-disclosure credentials (``ecdsa-sd-2023``): a member's base credentials.

Derived credentials are verified by ``POST /credentials/verify`` like any other (the
VC API verifier dispatches on the proof's cryptosuite).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from commonweal.node.kernel.service import Node
from commonweal.node.services import selective
from commonweal.web.api import json_response


def router(node: Node) -> APIRouter:
    """``GET /v1/members/{did}/credentials/selective``."""
    api = APIRouter()

    @api.get("/v1/members/{did}/credentials/selective")
    def selective_credentials(did: str) -> Response:
        """The member's credentials with an ecdsa-sd-2023 base proof, for the holder to
        derive from (``commonweal credential derive``)."""
        return json_response({"credentials": selective.selective_credentials_of(node, did)})

    return api
