"""Federation over HTTP: the C2SP witness, mirrors in the tlog-tiles layout, recognitions,
fork evidence, visitors, alliances, and the operator's signed requests (docs/federation.md).

Requests that change anything carry an RFC 9421 signature: by a recognised node
(``/witness/add-checkpoint``, ``POST /v1/federation/evidence``) or by this node's own
key (the operator's ``POST /v1/federation/peers|recognitions|withdrawals|sync`` and
``POST /v1/checkpoints``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as StarletteRequest

from commonweal.core.events import EventError, load_json
from commonweal.core.http_signatures import PeerSignature
from commonweal.core.tiles import parse_tile_path
from commonweal.core.witness import EvidenceError, ForkEvidence
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services.federation import (
    alliance,
    evidence,
    mirror,
    moves,
    nullifiers,
    peers,
    requests,
    rollback,
    visitors,
    vote_audit,
    witness,
)
from commonweal.node.services.federation.auth import authenticate
from commonweal.node.services.federation.service import Federation
from commonweal.node.services.federation.sync import sync_once
from commonweal.web.api import json_object, json_response, read_body, read_route, receipt_json
from commonweal.web.bounds import Id
from commonweal.web.problems import rejection

MAX_BODY = 1024 * 1024
TEXT = "text/plain; charset=utf-8"


WITNESS_PATH = "/witness/add-checkpoint"


async def witness_response(
    federation: Federation, url: str, headers: Iterable[tuple[str, str]], body: bytes
) -> Response:
    """Answer an add-checkpoint request (signature and witness checked in one worker thread)."""
    try:
        reply = await run_in_threadpool(
            witness.handle, federation, url=url, headers=list(headers), body=body
        )
    except Rejected as refused:
        return rejection(refused)
    return Response(reply.body, status_code=reply.status, media_type=reply.content_type)


class WitnessEdge:
    """Serves ``POST /witness/add-checkpoint`` ahead of the framework, as ``web.edge`` serves
    submissions: a witness answers many logs, and per request the framework's stack would
    cost more than checking the checkpoint. Everything else goes to ``app``."""

    def __init__(self, app: Any, federation: Federation) -> None:
        self.app = app
        self.federation = federation

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != WITNESS_PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        request = StarletteRequest(scope, receive)
        try:
            body = await read_body(request, MAX_BODY)
        except Rejected as refused:
            await rejection(refused)(scope, receive, send)
            return
        response = await witness_response(
            self.federation, str(request.url), request.headers.items(), body
        )
        await response(scope, receive, send)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)


def router(federation: Federation) -> APIRouter:
    """The federation routes of one node."""
    api = APIRouter()
    _witness_routes(api, federation)
    _operator_routes(api, federation)
    _evidence_routes(api, federation)
    _mirror_routes(api, federation)
    _visitor_routes(api, federation)
    _alliance_routes(api, federation)
    return api


async def signed(
    federation: Federation,
    request: Request,
    action: str,
    *,
    operator: bool = False,
    keep_nonce: bool = True,
) -> tuple[PeerSignature, bytes]:
    """The body of a request signed (RFC 9421) for ``action``, and its signature."""
    body = await read_body(request, MAX_BODY)
    signature = await run_in_threadpool(
        authenticate,
        federation,
        method=request.method,
        url=str(request.url),
        headers=list(request.headers.items()),
        body=body,
        action=action,
        operator=operator,
        keep_nonce=keep_nonce,
    )
    return signature, body


def _witness_routes(api: APIRouter, federation: Federation) -> None:
    """The witness, and this node's checkpoints as its witnesses cosigned them."""
    node = federation.node

    # -- the witness (C2SP tlog-witness) -----------------------------------------------

    # Served by WitnessEdge ahead of the framework; declared here for the OpenAPI document.
    @api.post(WITNESS_PATH)
    async def add_checkpoint(request: Request) -> Response:
        body = await read_body(request, MAX_BODY)
        return await witness_response(federation, str(request.url), request.headers.items(), body)

    @api.get("/v1/federation/witnessed")
    def witnessed() -> Response:
        forked = evidence.forked(federation)
        return json_response(
            {
                "witness": node.identity.witness.vkey,
                "logs": [
                    {
                        "origin": row.origin,
                        "size": row.size,
                        "root": row.root,
                        "checkpoint": row.note,
                        "updated_at": row.updated_at,
                        "forked": row.origin in forked,
                    }
                    for row in federation.store.all_witnessed()
                ],
            }
        )

    # -- this node's checkpoints, cosigned -------------------------------------------------

    @api.get("/v1/federation/checkpoint")
    def final_checkpoint() -> Response:
        row = witness.final_checkpoint(federation)
        if row is None:
            raise Rejected(
                "not_found",
                "no checkpoint has %(witness_quorum)s witness cosignature(s) yet",
                witness_quorum=node.config.witness_quorum,
            )
        return Response(witness.cosigned_note(federation, row), media_type=TEXT)

    @api.get("/v1/federation/cosignatures")
    def cosignatures() -> Response:
        final = witness.final_checkpoint(federation)
        by_size: dict[int, list[dict[str, Any]]] = {}
        for size, name, line, timestamp in federation.store.all_cosignatures():
            by_size.setdefault(size, []).append(
                {"witness": name, "timestamp": timestamp, "line": line}
            )
        return json_response(
            {
                "quorum": node.config.witness_quorum,
                "final": final.size if final is not None else None,
                "checkpoints": [{"size": s, "cosignatures": c} for s, c in sorted(by_size.items())],
            }
        )


def _operator_routes(api: APIRouter, federation: Federation) -> None:
    """Recognitions and peers, and the operator's signed requests."""
    node = federation.node

    # -- recognitions, peers, the operator's requests ------------------------------------

    @api.get("/v1/federation")
    def summary() -> Response:
        final = witness.final_checkpoint(federation)
        return json_response(
            {
                "did": node.identity.did,
                "key": node.identity.key_did,
                "origin": node.identity.origin,
                "witness": node.identity.witness.vkey,
                "witness_quorum": node.config.witness_quorum,
                "final_size": final.size if final is not None else None,
                "peers": peers.overview(federation),
                "forked": sorted(evidence.forked(federation)),
                "rollback": rollback.summary(federation),
            }
        )

    @api.get("/v1/federation/recognitions")
    def recognitions() -> Response:
        return json_response({"recognitions": federation.recognitions(in_force=False)})

    @api.get("/v1/federation/peers")
    def peer_list() -> Response:
        return json_response({"peers": peers.overview(federation)})

    @api.post("/v1/federation/peers", status_code=201)
    async def add_peer(request: Request) -> Response:
        _keyid, body = await signed(federation, request, "peer.add", operator=True)
        url = json_object(body, "url")["url"]
        identity = await run_in_threadpool(peers.add, federation, str(url))
        return json_response(identity, 201)

    @api.post("/v1/federation/recognitions", status_code=201)
    async def recognize(request: Request) -> Response:
        _keyid, body = await signed(federation, request, "recognize", operator=True)
        request_document = json_object(body, "url")
        receipt = await run_in_threadpool(
            peers.recognize, federation, str(request_document["url"]), request_document.get("terms")
        )
        return json_response(receipt_json(receipt), 201)

    @api.post("/v1/federation/withdrawals", status_code=201)
    async def withdraw(request: Request) -> Response:
        _keyid, body = await signed(federation, request, "withdraw", operator=True)
        request_document = json_object(body, "node")
        receipt = await run_in_threadpool(
            peers.withdraw,
            federation,
            str(request_document["node"]),
            str(request_document.get("reason", "")),
        )
        return json_response(receipt_json(receipt), 201)

    @api.get("/v1/federation/requests")
    def request_list() -> Response:
        """Stewards' requests (``federation.peer.requested`` …) and what came of each."""
        waiting = requests.pending(federation)
        return json_response({"pending": len(waiting), "requests": requests.listing(federation)})

    @api.post("/v1/federation/sync")
    async def sync(request: Request) -> Response:
        await signed(federation, request, "sync", operator=True)
        return json_response(await run_in_threadpool(sync_once, federation))

    # -- the operator's own requests about the log --------------------------------------

    @api.post("/v1/checkpoints", status_code=201)
    async def sign_checkpoint(request: Request) -> Response:
        """Sign a checkpoint now: the operator only (``commonweal log checkpoint --node``),
        a request signed with this node's own key. Anyone else waits for the next one."""
        await signed(federation, request, "checkpoint", operator=True)
        row = await run_in_threadpool(node.checkpoint)
        return json_response({"size": row.size, "signed_at": row.signed_at, "note": row.note}, 201)

    @api.get("/v1/federation/refusals")
    def refusals() -> Response:
        rows = federation.store.refusals()
        return json_response({"refusals": [row.__dict__ for row in rows]})


def _evidence_routes(api: APIRouter, federation: Federation) -> None:
    """Fork evidence, kept and received."""
    # -- fork evidence -------------------------------------------------------------------

    @api.get("/v1/federation/evidence")
    def evidence_list() -> Response:
        return json_response({"evidence": evidence.documents(federation)})

    @api.post("/v1/federation/evidence")
    async def receive_evidence(request: Request) -> Response:
        signature, body = await signed(federation, request, "evidence")
        keyid = signature.keyid
        try:
            found = ForkEvidence.from_json(load_json(body))
        except (EvidenceError, EventError) as error:
            federation.refuse(keyid, "evidence", "invalid_evidence", str(error))
            raise Rejected.saying("invalid_evidence", error) from None
        outcome = await run_in_threadpool(evidence.record, federation, found, keyid)
        if outcome == evidence.REFUSED:
            raise Rejected("invalid_evidence", "the evidence does not prove a fork of a known log")
        return json_response({"origin": found.origin, "new": outcome == evidence.NEW})


def _mirror_routes(api: APIRouter, federation: Federation) -> None:
    """The mirrors this node keeps, served in the tlog-tiles layout."""
    # -- mirrors -------------------------------------------------------------------------

    @api.get("/v1/federation/mirrors")
    def mirrors() -> Response:
        return json_response({"mirrors": mirror.status(federation)})

    def mirror_row(did: str) -> Any:
        row = federation.store.mirror_of(did)
        if row is None:
            raise Rejected("not_found", "this node keeps no mirror of %(did)s", did=did)
        return row

    @api.get("/mirror/{did}/checkpoint")
    def mirror_checkpoint(did: str) -> Response:
        return Response(
            mirror_row(did).note, media_type=TEXT, headers={"Cache-Control": "no-store"}
        )

    @api.get("/mirror/{did}/checkpoints")
    def mirror_checkpoints(did: str) -> Response:
        row = mirror_row(did)
        notes = federation.store.mirror_checkpoints(row.origin)
        return json_response({"checkpoints": [{"size": s, "note": n} for s, n in notes]})

    @api.get("/mirror/{did}/tile/{path:path}")
    def mirror_tile(did: str, path: str) -> Response:
        row = mirror_row(did)
        try:
            level, index, width = parse_tile_path("tile/" + path)
        except ValueError as error:
            raise Rejected("not_found", "not a tile path: %(error)s", error=error) from None
        if level != "entries":
            raise Rejected(
                "not_found", "a mirror serves entry bundles; hash tiles follow from them"
            )
        data = mirror.served_bundle(federation.store, row, index, width or 256)
        if data is None:
            raise Rejected("not_found", "the mirror holds %(size)s entries", size=row.size)
        return Response(data, media_type="application/octet-stream")


def _visitor_routes(api: APIRouter, federation: Federation) -> None:
    """Visitors from recognised nodes, and members moving here from one."""
    node = federation.node

    # -- visitors ------------------------------------------------------------------------

    @api.get("/v1/federation/challenge")
    def challenge() -> Response:
        return json_response({"challenge": federation.new_challenge(), "domain": node.identity.did})

    @api.post("/v1/federation/visitors", status_code=201)
    async def visit(request: Request) -> Response:
        body = await read_body(request, MAX_BODY)
        presentation = json_object(body, "presentation")["presentation"]
        receipt = await run_in_threadpool(visitors.admit, federation, presentation)
        return json_response(receipt_json(receipt), 201)

    @api.get("/v1/federation/visitors")
    def visitor_list() -> Response:
        return json_response({"visitors": visitors.visits(node)})

    # -- members moving here from a recognised node --------------------------------------

    @api.post("/v1/members/moves", status_code=201)
    async def move_here(request: Request) -> Response:
        """Admit a member who moved here: ``{"from": old node DID, "index": departure}``."""
        body = await read_body(request, MAX_BODY)
        receipt = await run_in_threadpool(
            moves.admit, federation, json_object(body, "from", "index")
        )
        return json_response(receipt_json(receipt), 201)


def _alliance_routes(api: APIRouter, federation: Federation) -> None:
    """An alliance's votes and precincts, and the nullifiers that count each person once."""
    node = federation.node

    @api.get("/v1/federation/alliance")
    def alliance_view() -> Response:
        return json_response(alliance.view(node))

    read_route(api, node, "/v1/federation/votes/{vote_id}", "vote", alliance.vote_view)

    @api.get("/v1/federation/votes/{vote_id}/audit")
    def vote_audit_view(vote_id: Id) -> Response:
        audits = vote_audit.audit_from_mirrors(federation, vote_id)
        return json_response({"vote": vote_id, "precincts": audits})

    @api.post("/v1/federation/votes/{vote_id}/nullifiers")
    async def nullifiers_for(vote_id: Id, request: Request) -> Response:
        """A member node's blinded elements, evaluated under the vote's OPRF key."""
        signature, body = await signed(federation, request, "nullifiers")
        blinded = json_object(body, "blinded")["blinded"]
        evaluated = await run_in_threadpool(
            nullifiers.evaluate_for, node, signature.keyid, vote_id, blinded
        )
        return json_response({"evaluated": evaluated})

    @api.post("/v1/federation/census/nullifiers")
    async def census_nullifiers(request: Request) -> Response:
        """A member node's blinded members, evaluated under a census epoch's OPRF key."""
        signature, body = await signed(federation, request, "nullifiers")
        asked = json_object(body, "epoch", "blinded")
        evaluated = await run_in_threadpool(
            nullifiers.evaluate_census, node, signature.keyid, asked["epoch"], asked["blinded"]
        )
        return json_response({"evaluated": evaluated})

    @api.get("/v1/federation/precincts")
    def precincts() -> Response:
        return json_response({"precincts": alliance.precinct_list(node)})

    read_route(
        api, node, "/v1/federation/precincts/{precinct_id}", "precinct", alliance.precinct_view
    )
