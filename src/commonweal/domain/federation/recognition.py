"""Recognition: a node recognises another, in its own log; two recognitions make a treaty.

``federation.recognition.granted`` names the other node (its DID, signing key, log
origin, checkpoint key, witness key and URL) and the terms (``terms.py``).
``federation.recognition.withdrawn`` ends it. Each node logs only its own half;
the pair — A recognises B in A's log, B recognises A in B's log — is the treaty,
and anyone holding both logs can prove it.

When the constitution has a kind of proposal that carries ``federation.recognize``
(the default constitution's ``recognition`` kind), recognising or withdrawing
takes a passed proposal: the node executes the action. Otherwise a holder of the
``federation.recognize`` permission (stewards, by default) or the node itself
logs the event directly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.federation.standing import RECOGNITIONS, RECOGNIZED, WITHDRAWN
from commonweal.domain.federation.terms import parse_terms
from commonweal.domain.fields import only, optional_text
from commonweal.domain.governance.actions import Action
from commonweal.domain.governance.constitution import CONSTITUTION
from commonweal.domain.membership.records import require_permission
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State
from commonweal.domain.words import N_

GRANTED = "federation.recognition.granted"
WITHDRAWN_EVENT = "federation.recognition.withdrawn"
RECOGNIZE_ACTION = "federation.recognize"
WITHDRAW_ACTION = "federation.withdraw"
PERMISSION = "federation.recognize"

_DID = re.compile(r"^did:(key:z6Mk[1-9A-HJ-NP-Za-km-z]{40,60}|web:[A-Za-z0-9.%:-]{1,200})$")
_KEY_DID = re.compile(r"^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{40,60}$")
_VKEY = re.compile(r"^[^\s+]{1,200}\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$")
_ORIGIN = re.compile(r"^[^\s+]{1,200}$")
_URL = re.compile(r"^https?://[^\s/?#]{1,200}(/[^\s?#]{0,200})?$")
C2SP_KEY = N_("%(name)s must be a C2SP verifier key")


def parse_recognition(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"node", "key", "origin", "vkey", "witness"?, "url", "name"?, "terms"?}``, normalised."""
    only(body, {"node", "key", "origin", "vkey", "witness", "url", "name", "terms"})
    return {
        "node": _match(body, "node", _DID, N_("%(name)s must be a did:key or did:web")),
        "key": _match(body, "key", _KEY_DID, N_("%(name)s must be the node's signing did:key")),
        "origin": _match(
            body, "origin", _ORIGIN, N_("%(name)s must be a log origin (no spaces or '+')")
        ),
        "vkey": _match(body, "vkey", _VKEY, C2SP_KEY),
        "witness": _match(body, "witness", _VKEY, C2SP_KEY, optional=True),
        "url": _match(body, "url", _URL, N_("%(name)s must be an http(s) URL")).rstrip("/"),
        "name": optional_text(body, "name", max_length=120),
        "terms": parse_terms(body.get("terms")),
    }


def parse_withdrawal(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"node": did, "reason"?: text}``."""
    only(body, {"node", "reason"})
    return {
        "node": _match(body, "node", _DID, N_("%(name)s must be a did:key or did:web")),
        "reason": optional_text(body, "reason", max_length=1000),
    }


def decision_required(state: State) -> bool:
    """Whether the constitution in force lets only a passed proposal recognise a node."""
    constitution = state.get(CONSTITUTION, "constitution")
    if constitution is None:
        return False
    return any(RECOGNIZE_ACTION in kind["actions"] for kind in constitution["kinds"].values())


def require_direct_allowed(state: State, ctx: Context) -> None:
    """A direct recognition needs the permission, and a constitution that does not reserve it."""
    require_permission(state, ctx, PERMISSION)
    if decision_required(state):
        raise NotPermitted(
            "the constitution reserves recognition for a passed proposal "
            "(a kind whose actions include %(action)s)",
            code="decision_required",
            action=RECOGNIZE_ACTION,
        )


def apply_granted(state: State, ctx: Context, recognition: dict[str, Any]) -> None:
    """Recognise a node directly (see :func:`require_direct_allowed`)."""
    require_direct_allowed(state, ctx)
    recognize(state, ctx, recognition)


def apply_withdrawn(state: State, ctx: Context, withdrawal: dict[str, Any]) -> None:
    """Withdraw a recognition directly."""
    require_direct_allowed(state, ctx)
    withdraw(state, ctx, withdrawal)


def recognize(state: State, ctx: Context, recognition: dict[str, Any]) -> None:
    """Put a recognition in force (a new one, or new terms for one in force)."""
    if recognition["node"] in (ctx.node_did, ctx.node_key) or recognition["key"] == ctx.node_key:
        raise Conflict("a node does not recognise itself", code="self_recognition")
    for did, other in state.items(RECOGNITIONS):
        same = other["origin"] == recognition["origin"] or other["key"] == recognition["key"]
        if did != recognition["node"] and other["status"] == RECOGNIZED and same:
            raise Conflict(
                "%(node)s is already recognised with that origin or key",
                code="duplicate_key",
                node=did,
            )
    previous = state.get(RECOGNITIONS, recognition["node"])
    revision = 0 if previous is None else previous["revision"] + 1
    state.put(
        RECOGNITIONS,
        recognition["node"],
        {
            "node": recognition["node"],
            "key": recognition["key"],
            "origin": recognition["origin"],
            "vkey": recognition["vkey"],
            "witness": recognition["witness"],
            "url": recognition["url"],
            "name": recognition["name"],
            "terms": recognition["terms"],
            "status": RECOGNIZED,
            "since": ctx.received,
            "index": ctx.index,
            "revision": revision,
            "withdrawn": None,
        },
    )


def withdraw(state: State, ctx: Context, withdrawal: dict[str, Any]) -> None:
    """End a recognition in force; its visitors lose their rights with it."""
    record = state.get(RECOGNITIONS, withdrawal["node"])
    if record is None or record["status"] != RECOGNIZED:
        raise NotPermitted(
            "%(node)s is not recognised", code="not_recognized", node=withdrawal["node"]
        )
    state.put(
        RECOGNITIONS,
        withdrawal["node"],
        {
            **record,
            "status": WITHDRAWN,
            "withdrawn": {"at": ctx.received, "index": ctx.index, "reason": withdrawal["reason"]},
        },
    )


def _run_recognize(state: State, ctx: Context, params: dict[str, Any]) -> None:
    recognize(state, ctx, params)


def _run_withdraw(state: State, ctx: Context, params: dict[str, Any]) -> None:
    withdraw(state, ctx, params)


ACTIONS: tuple[Action, ...] = (
    Action(RECOGNIZE_ACTION, "Recognise another node.", parse_recognition, _run_recognize),
    Action(WITHDRAW_ACTION, "Withdraw a recognition.", parse_withdrawal, _run_withdraw),
)

EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(GRANTED, "This node recognises another node.", parse_recognition, apply_granted),
    EventType(
        WITHDRAWN_EVENT, "This node withdraws a recognition.", parse_withdrawal, apply_withdrawn
    ),
)


def _match(
    body: Mapping[str, Any],
    name: str,
    pattern: re.Pattern[str],
    refusal: str,
    *,
    optional: bool = False,
) -> str:
    value = body.get(name)
    if value is None and optional:
        return ""
    if not isinstance(value, str) or not pattern.match(value):
        raise InvalidBody(refusal, name=name)
    return value
