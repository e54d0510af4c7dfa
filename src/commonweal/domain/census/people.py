"""``census.people.committed``: a node's commitment to the nullifiers of the members its
census counted, for the network's count of distinct people.

The nullifiers are the alliance's RFC 9497 OPRF of each counted member's did:key under
the key of one *period* the whole alliance shares (the UTC calendar month of the
census's time: ``"2026-12"``), so the sets of every node's censuses in that month are
under one key and their union counts each person once (``domain/federation/people.py``,
``distinct_people``). The log carries only ``people_root``, the RFC 9162 Merkle root over
the sorted 32-byte nullifiers; the node serves the set itself
(``GET /v1/census/{epoch}/people``). The rule checks what the log can: the census
exists, ``count`` is its ``members``, the period is its month, and one commitment per
epoch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.census.records import CENSUSES
from commonweal.domain.errors import Conflict, InvalidBody, NotFound
from commonweal.domain.fields import only, sha256_digest
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.words import N_

COMMITTED = "census.people.committed"
PEOPLE = "census.people"
"""epoch → the commitment: ``{"period", "people_root", "count", "index"}``."""


def period_of(at: str) -> str:
    """The period of a census logged at ``at`` (RFC 3339 UTC): its calendar month."""
    return at[:7]


def commitment(state: State, epoch: int) -> dict[str, Any] | None:
    """The people commitment of census ``epoch``, or None."""
    record: dict[str, Any] | None = state.get(PEOPLE, epoch)
    return record


def parse_committed(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"epoch", "period", "people_root", "count"}``."""
    keys = {"epoch", "period", "people_root", "count"}
    only(body, keys, keys)
    for name in ("epoch", "count"):
        if type(body[name]) is not int or body[name] < 0:
            raise InvalidBody("%(name)s must be a non-negative integer", name=name)
    period = body["period"]
    if not isinstance(period, str) or len(period) != 7 or period[4] != "-":
        raise InvalidBody('period must be a calendar month, "YYYY-MM"')
    sha256_digest(body, "people_root")
    return {name: body[name] for name in sorted(keys)}


def apply_committed(state: State, ctx: Context, body: dict[str, Any]) -> None:
    """The node commits to its census's nullifiers: once per epoch, as many as it counted."""
    require_node_key(ctx, refusal=N_("only the node itself commits to its census's people"))
    epoch = body["epoch"]
    census = state.get(CENSUSES, epoch)
    if census is None:
        raise NotFound("there is no census of epoch %(epoch)s", epoch=epoch)
    if state.get(PEOPLE, epoch) is not None:
        raise Conflict(
            "census %(epoch)s's people are committed already", code="census_mismatch", epoch=epoch
        )
    members = census["body"]["figures"]["members"]
    if body["count"] != members:
        raise Conflict(
            "census %(epoch)s counted %(members)s members, not %(count)s",
            code="census_mismatch",
            epoch=epoch,
            members=members,
            count=body["count"],
        )
    if body["period"] != period_of(census["at"]):
        raise Conflict(
            "census %(epoch)s was taken in period %(taken)s, not %(period)s",
            code="census_mismatch",
            epoch=epoch,
            taken=period_of(census["at"]),
            period=body["period"],
        )
    record = {k: body[k] for k in ("period", "people_root", "count")}
    state.put(PEOPLE, epoch, {**record, "index": ctx.index})


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        COMMITTED,
        "The node commits to the nullifiers of the members its census counted.",
        parse_committed,
        apply_committed,
    ),
)
