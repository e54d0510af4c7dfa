"""The census figures: every one a function of the state at the census's index.

The state a rule sees when the census event is applied is the projection of the
log's first ``size`` entries (``size`` being the census event's own index), so the
figures are a function of the log at that tree size, and ``verify`` — which replays
the same rule over the same entries — recomputes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.census.records import LAST_ACTIVE, PLACES
from commonweal.domain.gatherings.records import GATHERINGS
from commonweal.domain.membership.records import ACTIVE, MEMBERS, SUSPENDED
from commonweal.domain.state import State
from commonweal.domain.timestamps import moment
from commonweal.domain.treasury.accounts import EXTERNAL, MEMBER_PREFIX
from commonweal.domain.treasury.records import BALANCES

DEPARTED = ("left", "expelled", "moved")
"""The statuses a member's record ends with when they leave, are expelled, or move to another
node (a move counts as leaving here and joining there); each such record keeps ``ended``,
the index of the event that ended it."""


@dataclass(frozen=True, slots=True)
class Epoch:
    """What a census covers: log entries ``[first, size)`` received in ``(since, until]``.

    ``since`` is the previous census's receipt time (None for the first census, whose
    epoch starts with the log), ``until`` this census's own receipt time.
    """

    first: int
    size: int
    since: str | None
    until: str


def figures(state: State, epoch: Epoch) -> dict[str, Any]:
    """Every figure of a census of ``state`` over ``epoch`` (docs/census.md says each)."""
    members = joined = left = 0
    counted_as_active: set[str] = set()
    for did, record in state.items(MEMBERS):
        if record.get("admitted") is None:
            continue
        status, ended = record["status"], record.get("ended")
        in_epoch = ended is not None and epoch.first <= ended < epoch.size
        if status == ACTIVE:
            members += 1
        if epoch.first <= record["admitted"] < epoch.size:
            joined += 1
        if status in DEPARTED and in_epoch:
            left += 1
        if status in (ACTIVE, SUSPENDED) or (status in DEPARTED and in_epoch):
            counted_as_active.add(str(did))
    active = sum(
        1
        for did, index in state.items(LAST_ACTIVE)
        if index >= epoch.first and did in counted_as_active
    )
    gatherings, attendance = _gatherings(state, epoch)
    places, area, capacity = footprint(state)
    return {
        "members": members,
        "joined": joined,
        "left": left,
        "active": active,
        "gatherings": gatherings,
        "attendance": attendance,
        "funds": pooled_funds(state),
        "places": places,
        "area_m2": area,
        "capacity": capacity,
    }


def good_standing(state: State) -> list[str]:
    """The DIDs of the members in good standing, sorted: whom the census counts."""
    return sorted(str(did) for did, record in state.items(MEMBERS) if record["status"] == ACTIVE)


def _gatherings(state: State, epoch: Epoch) -> tuple[int, int]:
    """Gatherings that ended in the epoch and were not cancelled, and their check-ins."""
    since = moment(epoch.since) if epoch.since is not None else None
    until = moment(epoch.until)
    held = attendance = 0
    for _id, record in state.items(GATHERINGS):
        if record["cancelled"] is not None:
            continue
        ends = moment(record["ends"])
        if ends <= until and (since is None or ends > since):
            held += 1
            attendance += record["attended"]
    return held, attendance


def pooled_funds(state: State) -> dict[str, int]:
    """What the node holds in common, by unit: every balance but members' own and ``external``.

    That is the node's account, its funds, and the escrows of campaigns, rounds, pools
    and deposits (money held by the node for a purpose). Units with nothing pooled are left out.
    """
    totals: dict[str, int] = {}
    for key, value in state.items(BALANCES):
        account, unit = str(key[0]), str(key[1])  # type: ignore[index]
        if account == EXTERNAL or account.startswith(MEMBER_PREFIX):
            continue
        totals[unit] = totals.get(unit, 0) + value
    return {unit: total for unit, total in sorted(totals.items()) if total}


def footprint(state: State) -> tuple[int, int, int]:
    """Places held now, their area in square metres and their capacity (0 before places exist).

    A place whose record is ``closed`` (let go, sold) is not counted; capacity given by
    kind (``{"beds": 10, "seats": 40}``) is summed. The places registry (its own branch)
    keeps records of this shape in ``places.places``; its ``footprint`` may replace this
    reader when both are merged, as long as the figures stay these three.
    """
    places = area = capacity = 0
    for _id, record in state.items(PLACES):
        if not isinstance(record, Mapping) or record.get("closed") or record.get("ended"):
            continue
        places += 1
        area += _whole(record.get("area_m2", record.get("area", 0)))
        held = record.get("capacity", 0)
        if isinstance(held, Mapping):
            capacity += sum(_whole(value) for value in held.values())
        else:
            capacity += _whole(held)
    return places, area, capacity


def _whole(value: Any) -> int:
    """A non-negative whole number from a record's field (anything else counts as 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return 0
    return int(value)
