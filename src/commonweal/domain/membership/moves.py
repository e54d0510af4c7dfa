"""Member moves: a member leaves this node for another recognised node, history linked.

On the old node the member logs ``membership.move.requested`` naming the destination
(a node this one recognises for membership credentials): they are no longer a member
here (status ``moved``, ``moved_to``), their credentials are revoked. On the new node,
the node itself logs ``membership.move.admitted`` once it has proven that departure
entry in the old node's log under a checkpoint signed by the old node's key
(node/services/federation/moves.py); the entry names the old node, its log's origin, the
departure's leaf index and hash, and the checkpoint size it was proven under. The
new node's record says ``moved_from``. Each departure admits once.

So a census counts a moved member in exactly one place: ``status`` is ``active`` on
the new node and ``moved`` on the old. What is kept of their history is the old log
itself — every event they signed there stays, linked from the new node's admission.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.federation.standing import recognition
from commonweal.domain.fields import only, optional_text
from commonweal.domain.membership import home_credential
from commonweal.domain.membership.lifecycle import admit
from commonweal.domain.membership.records import (
    ACTIVE,
    APPLICANT,
    MEMBERS,
    SUSPENDED,
    applicant_row,
    did_member,
    member,
    require_active_member,
    revoke_credentials,
)
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.words import N_, WP_

REQUESTED = "membership.move.requested"
ADMITTED = "membership.move.admitted"
MOVED = "moved"
"""The status of a member who moved to another node (``moved_to`` names it)."""
ARRIVALS = "membership.move_arrivals"
"""``<origin>#<index>`` of each departure a move admitted here → the member's did."""


def parse_request(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"to": node did, "reason"?: text, "credential"?: the member's membership VC}``.

    The credential is what the new node admits the member on; a move without one (as
    logged before moves carried it) is kept, but the new node will not admit on it."""
    only(body, {"to", "reason", "credential"})
    to = body.get("to")
    if not isinstance(to, str) or not to.startswith("did:") or len(to) > 300:
        raise InvalidBody("to must be the DID of the node you move to")
    credential = body.get("credential")
    if "credential" in body and not isinstance(credential, dict):
        raise InvalidBody("credential must be your membership credential (a VC object)")
    return {
        "to": to,
        "reason": optional_text(body, "reason", max_length=1000),
        "credential": credential,
    }


def apply_request(state: State, ctx: Context, request: dict[str, Any]) -> None:
    """A member in good standing moves to a node this node recognises for memberships,
    presenting the membership credential this node holds in force for them."""
    record = require_active_member(state, ctx.author, WP_("to do", "move to another node"))
    _require_treaty(state, request["to"])
    if request["credential"] is not None:
        home_credential.require_in_force(state, ctx, request["credential"])
    state.put(
        MEMBERS,
        ctx.author,
        {
            **record,
            "status": MOVED,
            "roles": [],
            "moved_to": request["to"],
            "departed": ctx.index,
            "reason": request["reason"],
        },
    )
    revoke_credentials(state, ctx, ctx.author, "moved")


def parse_admission(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"member": did, "from": node did, "departure": {"origin", "index", "leaf_hash",
    "checkpoint"}}``."""
    only(body, {"member", "from", "departure", "credential"})
    source, departure = body.get("from"), body.get("departure")
    if not isinstance(source, str) or not source.startswith("did:") or len(source) > 300:
        raise InvalidBody("from must be the DID of the node the member moves from")
    keys = {"origin", "index", "leaf_hash", "checkpoint"}
    if not isinstance(departure, dict) or not keys <= set(departure) <= keys | {"cosigners"}:
        raise InvalidBody(
            "departure is {%(names)s, cosigners?} of the old node's log",
            names=", ".join(sorted(keys)),
        )
    cosigners = departure.get("cosigners", 0)
    if type(cosigners) is not int or not 0 <= cosigners <= 100:
        raise InvalidBody("departure.cosigners must be how many witnesses cosigned the checkpoint")
    credential = body.get("credential")
    if "credential" in body and not isinstance(credential, dict):
        raise InvalidBody("credential must be the member's home membership credential")
    origin, index = departure["origin"], departure["index"]
    leaf_hash, size = departure["leaf_hash"], departure["checkpoint"]
    if not isinstance(origin, str) or not origin or len(origin) > 300:
        raise InvalidBody("departure.origin must be the old node's log origin")
    if type(index) is not int or type(size) is not int or not 0 <= index < size:
        raise InvalidBody("departure.index must be an entry under departure.checkpoint")
    if not isinstance(leaf_hash, str) or len(leaf_hash) != 44:
        raise InvalidBody("departure.leaf_hash must be the entry's base64 leaf hash")
    proven = {"origin": origin, "index": index, "leaf_hash": leaf_hash, "checkpoint": size}
    if "cosigners" in departure:
        proven["cosigners"] = cosigners
    return {
        "member": did_member(dict(body)),
        "from": source,
        "departure": proven,
        "credential": credential,
    }


def apply_admission(state: State, ctx: Context, admission: dict[str, Any]) -> None:
    """The node admits a member who moved here, on their departure from a recognised node."""
    require_node_key(
        ctx, refusal=N_("only the node admits a moving member, after proving the departure")
    )
    treaty = _require_treaty(state, admission["from"])
    departure = admission["departure"]
    if departure["origin"] != treaty["origin"]:
        raise Conflict("the departure is not in the log of the node it names", code="wrong_log")
    key = f"{departure['origin']}#{departure['index']}"
    if state.get(ARRIVALS, key) is not None:
        raise Conflict("that departure has admitted its member already", code="departure_used")
    did = admission["member"]
    if admission["credential"] is not None:
        # the proof and the validity at departure the node checked before logging this;
        # what the entry itself must say, the rule checks (so ``verify`` does too)
        refusal = home_credential.claims_refusal(
            admission["credential"], issuer=admission["from"], subject=did, at=ctx.received
        )
        if refusal is not None and refusal.code != "credential_expired":
            raise refusal
    existing = member(state, did)
    if existing is not None and existing["status"] in (APPLICANT, ACTIVE, SUSPENDED):
        raise Conflict(
            "%(did)s is already a member or applicant here", code="already_member", did=did
        )
    if existing is not None and existing["status"] == "expelled":
        raise NotPermitted("an expelled member may not come back by moving", code="expelled")
    state.put(ARRIVALS, key, did)
    state.put(
        MEMBERS,
        did,
        {
            **applicant_row(ctx, ""),
            "moved_from": {
                "node": admission["from"],
                **departure,
                "credential": admission["credential"] is not None,
            },
        },
    )
    admit(state, ctx, did)


def _require_treaty(state: State, node: str) -> dict[str, Any]:
    treaty = recognition(state, node)
    if treaty is None or "MembershipCredential" not in treaty["terms"]["credentials"]:
        raise NotPermitted(
            "this node does not recognise %(node)s's memberships", code="not_recognized", node=node
        )
    return treaty


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        REQUESTED, "A member moves to another recognised node.", parse_request, apply_request
    ),
    EventType(
        ADMITTED,
        "The node admits a member who moved here from a recognised node.",
        parse_admission,
        apply_admission,
    ),
)
