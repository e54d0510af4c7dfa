"""Visitors: members of a recognised node, admitted here on their home node's credential.

The node checks the visitor's presentation — their home's membership credential,
its signature, its status list, and that the treaty accepts that credential —
and then logs ``federation.visitor.admitted`` itself, carrying the credential so
anyone can check it again offline. The visitor's rights are not copied: they
are read from the recognition in force whenever a rule asks
(``standing.visitor_rights``), so a withdrawn recognition ends them at once.
When the home node revokes the credential (its status list says so), the node
logs ``federation.visitor.departed``; a visitor may also end their visit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.federation.standing import ENDED, VISITING, VISITORS, recognition
from commonweal.domain.fields import only, optional_text
from commonweal.domain.membership.records import ACTIVE, SUSPENDED, did_member, member
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.words import N_

ADMITTED = "federation.visitor.admitted"
DEPARTED = "federation.visitor.departed"


def parse_admission(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"visitor": did:key, "home": did, "credential": <the home's membership VC>}``."""
    only(body, {"visitor", "home", "credential"})
    home = body.get("home")
    credential = body.get("credential")
    if not isinstance(home, str) or not home.startswith("did:"):
        raise InvalidBody("home must be the DID of the visitor's node")
    if not isinstance(credential, dict):
        raise InvalidBody("credential must be the visitor's membership credential")
    return {"visitor": did_member(dict(body), "visitor"), "home": home, "credential": credential}


def parse_departure(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"visitor": did:key, "reason"?: text}``."""
    only(body, {"visitor", "reason"})
    return {
        "visitor": did_member(dict(body), "visitor"),
        "reason": optional_text(body, "reason", max_length=1000),
    }


def apply_admission(state: State, ctx: Context, admission: dict[str, Any]) -> None:
    """The node admits a visitor whose presentation it verified (see the module docstring)."""
    require_node_key(
        ctx, refusal=N_("only the node admits visitors, after checking their credential")
    )
    visitor, home, credential = admission["visitor"], admission["home"], admission["credential"]
    treaty = recognition(state, home)
    if treaty is None or "MembershipCredential" not in treaty["terms"]["credentials"]:
        raise NotPermitted(
            "this node does not accept %(home)s's members", code="not_recognized", home=home
        )
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    subject = credential.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    types = credential.get("type")
    if issuer_id != home or subject_id != visitor or not isinstance(types, list):
        raise InvalidBody("the credential must be issued by the home node to the visitor")
    if "MembershipCredential" not in types:
        raise InvalidBody("a visit needs a MembershipCredential")
    record = member(state, visitor)
    if record is not None and record["status"] in (ACTIVE, SUSPENDED):
        raise Conflict(
            "%(visitor)s is a member here, not a visitor", code="already_member", visitor=visitor
        )
    state.put(
        VISITORS,
        visitor,
        {
            "visitor": visitor,
            "home": home,
            "credential": str(credential.get("id", "")),
            "credential_status": _status_entry(credential),
            "since": ctx.received,
            "admitted": ctx.index,
            "status": VISITING,
            "ended": None,
        },
    )


def apply_departure(state: State, ctx: Context, departure: dict[str, Any]) -> None:
    """The visit ends: the visitor leaves, or the node logs that their credential was revoked."""
    visitor = departure["visitor"]
    if ctx.author not in (ctx.node_key, visitor):
        raise NotPermitted("only the visitor or the node ends a visit")
    record = state.get(VISITORS, visitor)
    if record is None or record["status"] != VISITING:
        raise Conflict("%(visitor)s is not visiting", code="not_visiting", visitor=visitor)
    state.put(
        VISITORS,
        visitor,
        {
            **record,
            "status": ENDED,
            "ended": {"at": ctx.received, "index": ctx.index, "reason": departure["reason"]},
        },
    )


def _status_entry(credential: Mapping[str, Any]) -> dict[str, str] | None:
    """Where the home node publishes the credential's revocation bit (as plain strings)."""
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return None
    return {
        "list": str(entry.get("statusListCredential", "")),
        "index": str(entry.get("statusListIndex", "")),
        "purpose": str(entry.get("statusPurpose", "")),
    }


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        ADMITTED,
        "A member of a recognised node is admitted as a visitor.",
        parse_admission,
        apply_admission,
    ),
    EventType(DEPARTED, "A visit ends.", parse_departure, apply_departure),
)
