"""Secret ballots over HTTP (docs/secret-ballots.md).

- ``GET /v1/proposals/{id}/secret``: what a voter's client needs (token key, joint key,
  tellers, the ballot's fields and their ranges).
- ``POST /v1/proposals/{id}/secret/token``: a member's signed
  ``governance.ballot.token.requested``; the node logs it, blind-signs it at once and
  answers with the receipt and ``blind_signature``.
- ``GET /v1/proposals/{id}/secret/tokens/{did}``: that request and signature again.
- ``GET /v1/proposals/{id}/secret/ballots``: every sealed ballot's ciphertexts, and the
  tellers who decrypted it (what ``commonweal teller decrypt`` reads).
- ``GET /v1/proposals/{id}/secret/ballots/{index}``: a sealed ballot as counted (a
  voter's receipt check).

The sealed ballot itself is an ordinary ``POST /v1/events``, signed by a one-time key.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import secret_ballots
from commonweal.web.api import MAX_EVENT_BODY, json_response, read_body, read_route, receipt_json
from commonweal.web.bounds import Id
from commonweal.web.submitter import Submitter

TOKEN_REQUESTED = "governance.ballot.token.requested"


def router(node: Node, submitter: Submitter) -> APIRouter:
    """Secret-ballot routes over ``node``."""
    api = APIRouter(prefix="/v1")

    read_route(api, node, "/proposals/{proposal_id}/secret", "view", secret_ballots.vote_view)

    @api.post("/proposals/{proposal_id}/secret/token", status_code=201)
    async def request_token(proposal_id: Id, request: Request) -> Response:
        raw = await read_body(request, MAX_EVENT_BODY)
        prepared = node.prepare(raw)
        event = prepared.event
        if event.type != TOKEN_REQUESTED or event.body.get("proposal") != proposal_id:
            raise Rejected(
                "invalid_request",
                "post a %(token_requested)s event for proposal %(proposal_id)s here",
                token_requested=TOKEN_REQUESTED,
                proposal_id=proposal_id,
            )
        receipt = await submitter.submit(raw)
        signature = await run_in_threadpool(secret_ballots.issue, node, proposal_id, event.author)
        return json_response(
            {**receipt_json(receipt), "blind_signature": signature},
            200 if receipt.duplicate else 201,
        )

    @api.get("/proposals/{proposal_id}/secret/tokens/{did}")
    def token(proposal_id: Id, did: str) -> Response:
        return json_response(secret_ballots.token(node, proposal_id, did))

    @api.get("/proposals/{proposal_id}/secret/ballots")
    def ballots(proposal_id: Id) -> Response:
        return json_response({"ballots": secret_ballots.sealed_ballots(node, proposal_id)})

    @api.get("/proposals/{proposal_id}/secret/ballots/{index}")
    def ballot(proposal_id: Id, index: Id) -> Response:
        return json_response(secret_ballots.sealed_ballot(node, proposal_id, index))

    return api
