"""Pages about people: your key, joining, the directory, a member, credentials, verifying,
and the steward console. Actions on them are events signed in the browser."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from commonweal.core.events import EventError, load_json
from commonweal.core.vc.verify import SELF_BINDING
from commonweal.domain.membership.policy import ADMISSION
from commonweal.domain.membership.roles import PERMISSIONS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import standing
from commonweal.node.services import (
    credentials,
    member_directory,
    membership,
    notifications,
    selective,
)
from commonweal.web.api import read_body
from commonweal.web.bounds import MAX_INTEGER, Id
from commonweal.web.membership_api import member_position
from commonweal.web.paging import CURSOR, encode_cursor, next_url
from commonweal.web.qr import qr_svg
from commonweal.web.rendering import page_router, render, signed_in, speaking_to_reader, viewer
from commonweal.web.verdicts import verdict

MAX_VERIFY_BYTES = 256 * 1024
STEWARD_PERMISSIONS = ("membership.admit", "membership.roles", "node.profile")


def router(node: Node) -> APIRouter:
    """Member pages over ``node``."""
    pages = page_router()
    _people_pages(pages, node)
    _credential_pages(pages, node)
    _steward_pages(pages, node)
    return pages


def _people_pages(pages: APIRouter, node: Node) -> None:
    """Your key, joining, the directory, a member's page and your own."""

    @pages.get("/key", response_class=HTMLResponse)
    def key(request: Request) -> HTMLResponse:
        return render(request, node, "key.html")

    @pages.get("/join", response_class=HTMLResponse)
    def join(request: Request) -> HTMLResponse:
        me = viewer(request, node)
        return render(
            request,
            node,
            "join.html",
            {
                "application": standing.application(node, me["did"]) if me else None,
                "policy": membership.policy_summary(node)["policy"],
                "limits": membership.PROFILE_LIMITS,
            },
            me=me,
        )

    @pages.get("/members", response_class=HTMLResponse)
    def members(
        request: Request,
        status: str = Query("member", max_length=40),
        cursor: str | None = CURSOR,
        limit: int = Query(member_directory.DEFAULT_PAGE, ge=1, le=member_directory.MAX_PAGE),
    ) -> HTMLResponse:
        page = member_directory.page(
            node,
            after=member_position(cursor),
            limit=limit,
            status=None if status == "all" else status,
        )
        following = encode_cursor(page.next) if page.next is not None else None
        return render(
            request,
            node,
            "members.html",
            {
                "members": page.members,
                "status": status,
                "counts": member_directory.counts(node),
                "words": standing.STATUS_WORDS,
                "next_page": next_url(request, following) if following else None,
                "first_page": cursor is not None,
            },
        )

    @pages.get("/members/{did}", response_class=HTMLResponse)
    def member(request: Request, did: str) -> HTMLResponse:
        me = viewer(request, node)
        page = standing.member_page(node, did)
        policy = membership.policy_summary(node)["policy"]
        return render(
            request,
            node,
            "member.html",
            {
                "member": page,
                "policy": policy,
                **standing.application_actions(node, me["did"] if me else None, did),
                "is_me": bool(me and me["did"] == did),
                "undelivered": notifications.undelivered(node, did)
                if me and me["did"] == did
                else 0,
            },
            me=me,
        )

    @pages.get("/me", response_class=HTMLResponse)
    def me_page(request: Request) -> Response:
        me = signed_in(request, node, "see your own page")
        return member(request, me["did"])


def _credential_pages(pages: APIRouter, node: Node) -> None:
    """Credentials held, as files and QR codes, and the verifier."""

    @pages.get("/members/{did}/credentials/{number}.json")
    def credential_file(did: str, number: Id) -> Response:
        held = standing.held_credential(node, did, number)
        return Response(
            orjson.dumps(held["credential"], option=orjson.OPT_INDENT_2),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="credential-{number}.json"'},
        )

    @pages.get("/members/{did}/credentials/{number}/qr.svg")
    def credential_qr(did: str, number: Id) -> Response:
        held = standing.held_credential(node, did, number)
        text = orjson.dumps(held["credential"]).decode()
        svg = qr_svg(text, f"QR code of {held['kind']} credential {number}")
        if svg is None:
            raise Rejected("not_found", "this credential is too large for a QR code")
        return Response(svg, media_type="image/svg+xml")

    @pages.post("/qr.svg")
    async def any_qr(request: Request) -> Response:
        """A QR code of the posted text: for presentations made in the browser."""
        raw = await read_body(request, 4096)
        svg = qr_svg(raw.decode("utf-8", "replace"), "QR code")
        if svg is None:
            raise Rejected("invalid_request", "that is too long for a QR code")
        return Response(svg, media_type="image/svg+xml")

    @pages.get("/me/credentials", response_class=HTMLResponse)
    def my_credentials(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "see your credentials")
        with speaking_to_reader(request, node, me):
            held = standing.held_credentials(node, me["did"])
        chosen = [
            {
                "id": base["id"],
                "type": next(t for t in base["type"] if t != "VerifiableCredential"),
                "choices": selective.choosable_pointers(base),
            }
            for base in selective.selective_credentials_of(node, me["did"])
        ]
        return render(request, node, "credentials.html", {"held": held, "selective": chosen}, me=me)

    @pages.get("/verify", response_class=HTMLResponse)
    def verify_form(
        request: Request,
        member: str | None = None,
        n: int = Query(0, ge=0, le=MAX_INTEGER),
    ) -> HTMLResponse:
        text = ""
        if member and n:
            held = standing.held_credential(node, member, n)
            text = orjson.dumps(held["credential"], option=orjson.OPT_INDENT_2).decode()
        return render(request, node, "verify.html", {"text": text, "verdict": None, "form": {}})

    @pages.post("/verify", response_class=HTMLResponse)
    async def verify(request: Request) -> HTMLResponse:
        raw = await read_body(request, MAX_VERIFY_BYTES)
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        text = form.get("document", "")
        checked, problem = _check(node, text, form)
        return render(
            request,
            node,
            "verify.html",
            {"text": text, "verdict": checked, "problem": problem, "form": form},
            status=200 if problem is None else 400,
        )


def _steward_pages(pages: APIRouter, node: Node) -> None:
    """The steward console."""

    @pages.get("/steward", response_class=HTMLResponse)
    def steward(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "use the steward console")
        allowed = set(me["permissions"]) & set(STEWARD_PERMISSIONS)
        if not allowed:
            raise Rejected("forbidden", "the steward console is for members with a steward's role")
        everyone = membership.directory(node)
        return render(
            request,
            node,
            "steward.html",
            {
                "allowed": allowed,
                "applications": standing.pending_applications(
                    node, with_profiles="membership.admit" in allowed
                ),
                "policy": membership.policy_summary(node)["policy"],
                "admissions": ADMISSION,
                "roles": standing.roles(node),
                "permissions": sorted(PERMISSIONS),
                "active": [m for m in everyone if m["status"] == "member"],
            },
            me=me,
        )


def _check(node: Node, text: str, form: dict[str, str]) -> tuple[Any, str | None]:
    """Verify the pasted credential or presentation; (verdict, None) or (None, why not)."""
    if not text.strip():
        return None, "Paste a credential or a presentation (JSON) first, or choose a file."
    try:
        document = load_json(text.encode())
    except EventError:
        return None, "That is not JSON: paste the whole credential, from { to }."
    if not isinstance(document, dict):
        return None, "A credential is a JSON object, from { to }."
    if "VerifiablePresentation" in (document.get("type") or []):
        challenge, domain = form.get("challenge", ""), form.get("domain", "")
        if not challenge or not domain:
            return None, (
                "This is a presentation: give the challenge and the domain you asked the "
                "holder to sign, so a copy made for someone else is not accepted."
            )
        result = credentials.verify_vp(
            node,
            document,
            challenge=challenge,
            domain=domain,
            now=node.clock(),
            binding=SELF_BINDING,
        )
        return verdict(result, document, kind="presentation"), None
    result = credentials.verify(node, document, node.clock())
    return verdict(result, document, kind="credential"), None
