"""Issuing, requesting, endorsing and revoking community credentials: the rules.

- ``credentials.issued`` — a member the kind's rules authorise (a role holder), the
  subject themselves for their passport, or the node (an operator's scoped token, or a
  passed vote's ``credentials.issue`` action) issues a credential of a defined kind to
  a member in good standing. The body carries the kind, the subject and a salted
  commitment to the claims; the claims stay in the node's private tables.
- ``credentials.requested`` — a member asks for a credential of a kind issued by
  endorsement or by vote, committing to its claims.
- ``credentials.endorsed`` — another member in good standing endorses a request; the
  endorsement that reaches the kind's number issues the credential.
- ``credentials.revoked`` — the node, or a holder of the issuing role, revokes a revocable
  credential: its status bit flips.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.credentials.kinds import PASSPORT, is_open
from commonweal.domain.credentials.records import (
    ISSUED,
    REQUESTS,
    issue,
    issued,
    kind_of,
    row_key,
)
from commonweal.domain.errors import Conflict, InvalidBody, NotFound, NotPermitted
from commonweal.domain.fields import integer_in, only, optional_text, sha256_digest
from commonweal.domain.governance.actions import Action
from commonweal.domain.membership.records import (
    did_member,
    in_good_standing,
    member,
    require_active_member,
)
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State
from commonweal.domain.words import WP_

ISSUED_TYPE = "credentials.issued"
REQUESTED_TYPE = "credentials.requested"
ENDORSED_TYPE = "credentials.endorsed"
REVOKED_TYPE = "credentials.revoked"
ISSUE_ACTION = "credentials.issue"
MAX_INDEX = 2**40


def parse_issued(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"kind", "subject"?, "claims": "sha256:…"}``: an open kind's credential names no
    member (its subjects are in the committed document); every other kind's does."""
    only(body, {"kind", "subject", "claims"})
    if not isinstance(body.get("kind"), str):
        raise InvalidBody("kind must name a kind of credential")
    return {
        "kind": body["kind"],
        "subject": did_member(body, "subject") if "subject" in body else None,
        "claims": sha256_digest(body, "claims"),
    }


def apply_issued(state: State, ctx: Context, body: dict[str, Any]) -> None:
    """The author may issue this kind, and the subject is a member in good standing
    (an open kind: the node, for an issuer token scoped to it, about anyone)."""
    rules = kind_of(state, body["kind"])
    if is_open(rules):
        if ctx.author != ctx.node_key:
            raise NotPermitted(
                "%(kind)s credentials are issued only with an issuer token scoped to the kind",
                kind=body["kind"],
                code="forbidden",
            )
        issue(state, ctx, **body, issuer=ctx.author)
        return
    if body["subject"] is None:
        raise InvalidBody("subject must be a member's did:key")
    require_issuer(state, ctx, body["kind"], rules, body["subject"])
    require_active_member(state, body["subject"], WP_("to do", "hold a credential of this node"))
    issue(state, ctx, **body, issuer=ctx.author)


def require_issuer(
    state: State, ctx: Context, kind: str, rules: Mapping[str, Any], subject: str
) -> None:
    """Refuse (``forbidden``) an author the constitution does not let issue ``kind``."""
    if ctx.author == ctx.node_key:
        return  # an operator's token scoped to this kind, or a passed vote's action
    issuers = rules["issuers"]
    if kind == PASSPORT:
        if ctx.author != subject:
            raise NotPermitted("a member asks for their own passport only", code="forbidden")
        return
    if isinstance(issuers, dict) and "role" in issuers:
        record = member(state, ctx.author)
        if in_good_standing(state, ctx.author) and record and issuers["role"] in record["roles"]:
            return
        raise NotPermitted(
            "only members holding the %(role)s role may issue %(kind)s credentials",
            role=repr(issuers["role"]),
            kind=kind,
            code="forbidden",
        )
    if issuers == "vote":
        raise NotPermitted(
            "%(kind)s credentials are issued by a passed vote (the %(action)s action)",
            kind=kind,
            action=ISSUE_ACTION,
            code="forbidden",
        )
    raise NotPermitted(
        "%(kind)s credentials are issued once %(endorsements)s members endorse a request: request "
        "one, and ask members to endorse it",
        kind=kind,
        endorsements=issuers["endorsements"],
        code="forbidden",
    )


def parse_requested(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"kind", "claims": "sha256:…"}``: the subject is the author."""
    only(body, {"kind", "claims"})
    if not isinstance(body.get("kind"), str):
        raise InvalidBody("kind must name a kind of credential")
    return {"kind": body["kind"], "claims": sha256_digest(body, "claims")}


def apply_requested(state: State, ctx: Context, body: dict[str, Any]) -> None:
    """A member in good standing asks for a credential issued by endorsements or a vote."""
    rules = kind_of(state, body["kind"])
    require_active_member(state, ctx.author, WP_("to do", "request a credential"))
    issuers = rules["issuers"]
    if not (issuers == "vote" or (isinstance(issuers, dict) and "endorsements" in issuers)):
        raise Conflict(
            "%(kind)s credentials are issued directly, not on request (only kinds issued by "
            "endorsement or by vote are requested)",
            kind=body["kind"],
            code="not_requestable",
        )
    state.put(
        REQUESTS,
        row_key(ctx.index),
        {
            "request": ctx.index,
            "kind": body["kind"],
            "subject": ctx.author,
            "claims": body["claims"],
            "requested": ctx.received,
            "endorsers": [],
            "issued": None,
        },
    )


def parse_request_ref(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"request": <log index of the request>}``."""
    only(body, {"request"})
    return {"request": integer_in(body.get("request"), "request", 0, MAX_INDEX)}


def open_request(state: State, number: int) -> dict[str, Any]:
    """The request logged at ``number``, not issued yet."""
    request: dict[str, Any] | None = state.get(REQUESTS, row_key(number))
    if request is None:
        raise NotFound("there is no credential request %(number)s", number=number, code="not_found")
    if request["issued"] is not None:
        raise Conflict(
            "request %(number)s was already issued (status index %(issued)s)",
            number=number,
            issued=request["issued"],
            code="already_issued",
        )
    return request


def apply_endorsed(state: State, ctx: Context, body: dict[str, Any]) -> None:
    """A member endorses someone else's request; the last endorsement needed issues it."""
    request = open_request(state, body["request"])
    rules = kind_of(state, request["kind"])
    require_active_member(state, ctx.author, WP_("to do", "endorse a credential"))
    if not isinstance(rules["issuers"], dict) or "endorsements" not in rules["issuers"]:
        raise Conflict(
            "%(kind)s credentials are not issued by endorsement",
            kind=request["kind"],
            code="not_endorsable",
        )
    if ctx.author == request["subject"]:
        raise NotPermitted("a member cannot endorse their own request", code="forbidden")
    if ctx.author in request["endorsers"]:
        raise Conflict("you already endorsed this request", code="already_endorsed")
    endorsers = sorted([*request["endorsers"], ctx.author])
    request = {**request, "endorsers": endorsers}
    if len(endorsers) >= rules["issuers"]["endorsements"]:
        request["issued"] = _issue_request(state, ctx, request, issuer="endorsements")
    state.put(REQUESTS, row_key(body["request"]), request)


def _issue_request(state: State, ctx: Context, request: dict[str, Any], *, issuer: str) -> int:
    require_active_member(state, request["subject"], WP_("to do", "hold a credential of this node"))
    row = issue(
        state,
        ctx,
        kind=request["kind"],
        subject=request["subject"],
        claims=request["claims"],
        issuer=issuer,
        request=request["request"],
    )
    index: int = row["index"]
    return index


def parse_revoked(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"index": <status index>, "reason"?: text}``."""
    only(body, {"index", "reason"})
    return {
        "index": integer_in(body.get("index"), "index", 0, MAX_INDEX),
        "reason": optional_text(body, "reason", max_length=500),
    }


def apply_revoked(state: State, ctx: Context, body: dict[str, Any]) -> None:
    """The node or a holder of the issuing role revokes a revocable credential."""
    row = issued(state, body["index"])
    rules = kind_of(state, row["kind"])
    if ctx.author != ctx.node_key:
        role = rules["issuers"].get("role") if isinstance(rules["issuers"], dict) else None
        record = member(state, ctx.author)
        if (
            role is None
            or not in_good_standing(state, ctx.author)
            or role not in (record or {"roles": []})["roles"]
        ):
            if role is None:
                raise NotPermitted(
                    "only the node may revoke %(kind)s credentials",
                    kind=row["kind"],
                    code="forbidden",
                )
            raise NotPermitted(
                "only the node or a holder of the %(role)s role may revoke %(kind)s credentials",
                role=repr(role),
                kind=row["kind"],
                code="forbidden",
            )
    if not row["revocable"]:
        raise Conflict(
            "%(kind)s credentials cannot be revoked", kind=row["kind"], code="not_revocable"
        )
    if row["revoked"] is not None:
        raise Conflict(
            "credential %(index)s is already revoked", index=body["index"], code="already_revoked"
        )
    revoked = {"at": ctx.received, "reason": body["reason"], "by": ctx.author}
    state.put(ISSUED, row_key(body["index"]), {**row, "revoked": revoked})


def _parse_action(params: Mapping[str, Any]) -> dict[str, Any]:
    return parse_request_ref(params)


def _run_action(state: State, ctx: Context, params: dict[str, Any]) -> None:
    request = open_request(state, params["request"])
    if kind_of(state, request["kind"])["issuers"] != "vote":
        raise Conflict(
            "%(kind)s credentials are not issued by vote",
            kind=request["kind"],
            code="not_voted_kind",
        )
    request = {**request, "issued": _issue_request(state, ctx, request, issuer="vote")}
    state.put(REQUESTS, row_key(params["request"]), request)


CREDENTIAL_ACTIONS: tuple[Action, ...] = (
    Action(ISSUE_ACTION, "Issue the credential a member requested.", _parse_action, _run_action),
)

EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        ISSUED_TYPE,
        "A credential of a kind the constitution defines is issued.",
        parse_issued,
        apply_issued,
    ),
    EventType(
        REQUESTED_TYPE,
        "A member requests a credential issued by endorsement or vote.",
        parse_requested,
        apply_requested,
    ),
    EventType(
        ENDORSED_TYPE, "A member endorses a credential request.", parse_request_ref, apply_endorsed
    ),
    EventType(REVOKED_TYPE, "A community credential is revoked.", parse_revoked, apply_revoked),
)
