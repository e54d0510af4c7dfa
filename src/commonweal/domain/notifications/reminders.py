"""Reminders decided from the state and the time: a gathering or a booking within a day.

Pure, like ``decisions.closing_soon``: given the state, the time and the keys already
told, the notices of each gathering and booking that starts within 24 hours, each once
(docs/notifications.md):

- ``gathering_soon`` (key ``gathering:<id>``): to each member going to it (their RSVP
  has a place), unless it was cancelled. ``mention``: it is their own plan.
- ``booking_soon`` (key ``booking:<id>``): to the member who booked a shared resource,
  while the booking stands. ``mention``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from commonweal.domain.notifications.decisions import CLOSING_WINDOW, MENTION, Notice
from commonweal.domain.notifications.said import Time, said
from commonweal.domain.state import State
from commonweal.domain.timestamps import moment

GATHERINGS = "gatherings.gatherings"
RSVPS = "gatherings.rsvps"
BOOKINGS = "commons.bookings"
RESOURCES = "commons.resources"


def _soon(instant: datetime, starts: object) -> bool:
    return isinstance(starts, str) and instant < moment(starts) <= instant + CLOSING_WINDOW


def reminders(state: State, now: str, told: Collection[str] = ()) -> list[Notice]:
    """The reminders due at ``now`` but those whose key is in ``told``."""
    instant = moment(now)
    found: list[Notice] = []
    going: dict[int, list[str]] | None = None
    for _id, gathering in state.items(GATHERINGS):
        key = f"gathering:{gathering['id']}"
        if key in told or gathering.get("cancelled") or not _soon(instant, gathering["starts"]):
            continue
        if going is None:
            going = _going(state)
        found.extend(
            Notice(
                did,
                key,
                "gathering_soon",
                "gatherings",
                MENTION,
                said("Tomorrow or sooner: %(title)s", title=gathering["title"]),
                said(
                    "“%(title)s” starts at %(time)s; you said you are coming.",
                    title=gathering["title"],
                    time=Time(gathering["starts"]),
                ),
                f"/gatherings/{gathering['id']}",
            )
            for did in going.get(int(gathering["id"]), [])
        )
    for _id, booking in state.items(BOOKINGS):
        key = f"booking:{booking['id']}"
        if key in told or booking.get("status") != "confirmed":
            continue
        if not _soon(instant, booking["start"]):
            continue
        shared = state.get(RESOURCES, booking["resource"]) or {}
        title = shared.get("title") or said("resource %(id)s", id=booking["resource"])
        found.append(
            Notice(
                str(booking["member"]),
                key,
                "booking_soon",
                "commons",
                MENTION,
                said("Your booking starts soon: %(title)s", title=title),
                said(
                    "Your booking of “%(title)s” runs from %(start)s to %(end)s.",
                    title=title,
                    start=Time(booking["start"]),
                    end=Time(booking["end"]),
                ),
                f"/bookings/{booking['id']}",
            )
        )
    return found


def _going(state: State) -> dict[int, list[str]]:
    """Gathering id → the members with a place at it, in DID order."""
    found: dict[int, list[str]] = {}
    for ref, rsvp in state.items(RSVPS):
        if rsvp.get("status") != "going":
            continue
        gathering, _space, did = str(ref).partition(" ")
        found.setdefault(int(gathering), []).append(did)
    return {g: sorted(dids) for g, dids in found.items()}
