"""A member node's precinct of an alliance's network-wide vote.

When an alliance this node belongs to calls a vote, the node opens a precinct
(``federation.precinct.opened``, logged by the node, copying the call from the
alliance's log entry); its own members cast ballots in its own log
(``federation.precinct.ballot.cast``: the newest ballot of each member counts);
when voting time is up the node closes the precinct with its subtotal
(``federation.precinct.closed``), which the rule recomputes from the ballots and
refuses if it differs — so ``verify`` recounts every subtotal the node ever
reported. The node then reports the subtotal to the alliance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.federation.calls import ballot_options, canonical, parse_call, subtotal_of
from commonweal.domain.federation.standing import recognition
from commonweal.domain.fields import only
from commonweal.domain.governance.ballots import ballot_body, check_ballot
from commonweal.domain.governance.records import parse_id
from commonweal.domain.membership.records import ACTIVE, MEMBERS, require_active_member
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State, existing
from commonweal.domain.timestamps import moment, reached
from commonweal.domain.words import WP_

PRECINCTS = "federation.precincts"
"""precinct id (the leaf index of its opening) → the precinct: alliance, vote, call, phase."""
BALLOTS_PREFIX = "federation.precinct_ballots."
"""``federation.precinct_ballots.<id>``: member did → their ballot."""
ROLLS = "federation.precinct_rolls"
"""precinct id → its electorate at closing: member did → the index of their ballot's
pattern in the subtotal, or None. Never served: the node turns it into nullifiers
(``domain/federation/people.py``) when it reports to the alliance."""

OPENED = "federation.precinct.opened"
BALLOT_CAST = "federation.precinct.ballot.cast"
CLOSED = "federation.precinct.closed"
VOTING, DONE = "voting", "closed"


def ballots_table(precinct: int) -> str:
    """The state table of one precinct's ballots."""
    return f"{BALLOTS_PREFIX}{precinct}"


def parse_opening(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"alliance": did, "vote": index, "call": {...}, "voting_until": time}``."""
    only(body, {"alliance", "vote", "call", "voting_until"})
    alliance, until = body.get("alliance"), body.get("voting_until")
    if not isinstance(alliance, str) or not alliance.startswith("did:"):
        raise InvalidBody("alliance must be the alliance's DID")
    if not isinstance(until, str):
        raise InvalidBody("voting_until must be a time")
    try:
        moment(until)
    except ValueError:
        raise InvalidBody("voting_until must be an RFC 3339 time") from None
    call = body.get("call")
    if not isinstance(call, dict):
        raise InvalidBody("call must be the alliance's call, as logged there")
    return {
        "alliance": alliance,
        "vote": parse_id(dict(body), "vote"),
        "call": parse_call(call),
        "voting_until": until,
    }


def apply_opening(state: State, ctx: Context, opening: dict[str, Any]) -> None:
    """The node opens a precinct for a vote of an alliance it belongs to."""
    require_node_key(ctx)
    treaty = recognition(state, opening["alliance"])
    if treaty is None or not treaty["terms"]["alliance"]:
        raise NotPermitted(
            "%(alliance)s is not recognised as an alliance this node belongs to",
            code="not_recognized",
            alliance=opening["alliance"],
        )
    for _id, other in state.items(PRECINCTS):
        if (other["alliance"], other["vote"]) == (opening["alliance"], opening["vote"]):
            raise Conflict("a precinct for that vote is open already", code="already_open")
    if reached(ctx.received, opening["voting_until"]):
        raise Conflict("voting on that call has ended", code="voting_closed")
    call = opening["call"]
    state.put(
        PRECINCTS,
        ctx.index,
        {
            "id": ctx.index,
            "alliance": opening["alliance"],
            "vote": opening["vote"],
            "title": call["title"],
            "text": call["text"],
            "method": call["method"],
            "method_options": call["method_options"],
            "options": ballot_options(call),
            "weighting": call["weighting"],
            "voting_until": opening["voting_until"],
            "phase": VOTING,
            "opened_at": ctx.received,
            "subtotal": None,
            "closed_at": None,
            "closed_index": None,
        },
    )


def parse_ballot(body: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """``{"precinct": id, "ballot": {...}}`` (the ballot's shape depends on the method)."""
    return ballot_body(body, "precinct")


def apply_ballot(state: State, ctx: Context, cast: tuple[int, dict[str, Any]]) -> None:
    """A member votes (again) while the precinct is open."""
    precinct_id, ballot = cast
    record = precinct(state, precinct_id)
    if record["phase"] != VOTING or reached(ctx.received, record["voting_until"]):
        raise Conflict(
            "voting in precinct %(precinct)s has ended", code="voting_closed", precinct=precinct_id
        )
    require_active_member(state, ctx.author, WP_("to do", "vote in a network-wide vote"))
    normal = check_ballot(record["method"], record["method_options"], ballot, record["options"])
    state.put(ballots_table(precinct_id), ctx.author, normal)


def parse_close(body: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """``{"precinct": id, "subtotal": {...}}``."""
    only(body, {"precinct", "subtotal"})
    subtotal = body.get("subtotal")
    if not isinstance(subtotal, dict):
        raise InvalidBody("subtotal must be the precinct's subtotal")
    return parse_id(dict(body), "precinct"), dict(subtotal)


def subtotal(state: State, record: Mapping[str, Any]) -> dict[str, Any]:
    """The precinct's subtotal now: members in good standing, and their newest ballots."""
    members: Mapping[Any, Any] = state.tables.get(MEMBERS, {})
    active = {did for did, m in members.items() if m["status"] == ACTIVE}
    ballots = state.tables.get(ballots_table(record["id"]), {})
    counted = [ballot for voter, ballot in sorted(ballots.items()) if voter in active]
    return subtotal_of(counted, len(active))


def roll(state: State, record: Mapping[str, Any]) -> dict[str, int | None]:
    """The precinct's electorate now, each member with their ballot's pattern index."""
    members: Mapping[Any, Any] = state.tables.get(MEMBERS, {})
    ballots = state.tables.get(ballots_table(record["id"]), {})
    active = {did for did, m in members.items() if m["status"] == ACTIVE}
    texts = sorted({canonical(b) for voter, b in ballots.items() if voter in active})
    position = {text: index for index, text in enumerate(texts)}
    rolled: dict[str, int | None] = {}
    for did in sorted(active):
        ballot = ballots.get(did)
        rolled[str(did)] = None if ballot is None else position[canonical(ballot)]
    return rolled


def apply_close(state: State, ctx: Context, close: tuple[int, dict[str, Any]]) -> None:
    """The node closes the precinct; the subtotal it logs must be exactly the recount."""
    require_node_key(ctx)
    precinct_id, claimed = close
    record = precinct(state, precinct_id)
    if record["phase"] != VOTING:
        raise Conflict(
            "precinct %(precinct)s is closed already", code="wrong_phase", precinct=precinct_id
        )
    if not reached(ctx.received, record["voting_until"]):
        raise Conflict(
            "voting in precinct %(precinct)s lasts until %(until)s",
            code="too_early",
            precinct=precinct_id,
            until=record["voting_until"],
        )
    counted = subtotal(state, record)
    if claimed != counted:
        raise Conflict(
            "the subtotal does not match the recount of precinct %(precinct)s",
            code="tally_mismatch",
            precinct=precinct_id,
        )
    rolled = roll(state, record)
    state.put(ROLLS, precinct_id, rolled)
    state.put(
        PRECINCTS,
        precinct_id,
        {
            **record,
            "phase": DONE,
            "subtotal": counted,
            "closed_at": ctx.received,
            "closed_index": ctx.index,
        },
    )


def precinct(state: State, precinct_id: int) -> dict[str, Any]:
    """The precinct ``precinct_id``, or ``not_found``."""
    return existing(state, PRECINCTS, precinct_id, "precinct")


def due(state: State, now: str) -> list[int]:
    """Precincts whose voting time is over and which the node should close now."""
    return [
        int(record["id"])
        for _id, record in sorted(state.items(PRECINCTS))
        if record["phase"] == VOTING and reached(now, record["voting_until"])
    ]


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        OPENED, "The node opens its precinct of an alliance's vote.", parse_opening, apply_opening
    ),
    EventType(BALLOT_CAST, "A member votes in a network-wide vote.", parse_ballot, apply_ballot),
    EventType(CLOSED, "The node closes its precinct with the subtotal.", parse_close, apply_close),
)
