"""Membership over HTTP: applications with private profiles, the directory, the policy.

Every other membership action (vouch, approve, leave, suspend, expel, erase,
guardians, recovery) is an ordinary signed event for ``POST /v1/events``.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import member_directory, membership
from commonweal.web.api import json_body, json_response, read_body, read_route, receipt_json
from commonweal.web.paging import CURSOR, decode_cursor, encode_cursor, link_header

MAX_APPLICATION_BYTES = 80_000


def router(node: Node) -> APIRouter:
    """Membership routes over ``node``."""
    api = APIRouter(prefix="/v1")

    @api.post("/membership/applications", status_code=201)
    async def apply(request: Request) -> Response:
        """``{"event": <signed application>, "profile": {...}, "salt": "…"}``."""
        raw = await read_body(request, MAX_APPLICATION_BYTES)
        document = json_body(raw)
        if not isinstance(document, dict) or set(document) != {"event", "profile", "salt"}:
            raise Rejected("invalid_request", 'an application is {"event", "profile", "salt"}')
        limiter = getattr(request.app.state, "rate_limiter", None)
        if limiter is not None:  # an applicant is not a member: the address's anonymous budget
            limiter.check_authors(request.scope, (), ("applicant",))
        receipt = await run_in_threadpool(
            membership.apply, node, document["event"], document["profile"], document["salt"]
        )
        return json_response(receipt_json(receipt), 201)

    @api.get("/members")
    def members(
        request: Request,
        cursor: str | None = CURSOR,
        limit: int = Query(member_directory.DEFAULT_PAGE, ge=1, le=member_directory.MAX_PAGE),
        status: str | None = Query(None, max_length=40),
    ) -> Response:
        """A page of the directory in application order; ``next`` names the following one."""
        page = member_directory.page(
            node, after=member_position(cursor), limit=limit, status=status
        )
        following = encode_cursor(page.next) if page.next is not None else None
        response = json_response({"members": page.members, "next": following})
        response.headers.update(link_header(request, following))
        return response

    read_route(api, node, "/members/{did}", "member", membership.directory_entry, kind=str)

    @api.get("/membership/policy")
    def policy() -> Response:
        return json_response(membership.policy_summary(node))

    return api


def member_position(cursor: str | None) -> member_directory.Position | None:
    """The directory position a ``/members`` cursor names (None: the first page)."""
    if cursor is None:
        return None
    applied, did = decode_cursor(cursor, (int, str))
    return (applied, did)
