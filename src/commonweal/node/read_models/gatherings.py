"""What the gathering pages show: what is coming and what was, one gathering with its
places, waitlist and attendance, the viewer's RSVP and check-in, and the organiser's
check-in sheet. Reads only, gathered from ``node.gatherings`` and the projection.
"""

from __future__ import annotations

from typing import Any

from commonweal.core.language import N_
from commonweal.domain.gatherings.checkins import CODE_REVEALED
from commonweal.domain.gatherings.records import (
    ATTENDANCE,
    CLAIMED,
    CONFIRMED,
    GATHERINGS,
    GOING,
    OPENS_BEFORE,
    ORGANISER_GRACE,
    RSVPS,
    WAITLISTED,
    key,
)
from commonweal.domain.gatherings.rsvps import RSVP_GIVEN
from commonweal.domain.membership.records import ACTIVE, CREDENTIALS, MEMBERS
from commonweal.domain.timestamps import later, utc_stamp
from commonweal.node.kernel.dry_run import ask_each
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.commons_parts import by_name, names_of
from commonweal.node.services import gatherings, listings

# Marked for the catalogues; the pages translate them where they are shown ({{ _(words) }}).
PHASE_WORDS = {
    "upcoming": N_("Coming up"),
    "on": N_("On now"),
    "over": N_("Over"),
    "cancelled": N_("Cancelled"),
}
RSVP_WORDS = {
    GOING: N_("You are going"),
    WAITLISTED: N_("You are on the waitlist"),
    "not_going": "",
}
ATTENDANCE_WORDS = {  # what the viewer did, as a sentence
    CONFIRMED: N_("You attended."),
    CLAIMED: N_("You checked in with the code; confirmed when the organiser reveals it."),
    "rejected": N_("You check-in rejected: the proof did not match the code."),
}


def phase(record: dict[str, Any], now: str) -> str:
    """``cancelled``, ``upcoming``, ``on`` or ``over`` at ``now`` (normal form)."""
    if record["cancelled"]:
        return "cancelled"
    if now < record["starts"]:
        return "upcoming"
    return "on" if now < record["ends"] else "over"


def listing_page(
    node: Node,
    when: str,
    viewer: str | None,
    *,
    after: tuple[Any, ...] | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """A page of gatherings coming up (soonest first) or past (latest first), each with
    the viewer's RSVP and attendance; ``following``: where the next page goes on from."""
    now = utc_stamp(node.clock())
    found, following = listings.gathering_list(node, when=when, after=after, limit=limit)
    with node.reading() as state:
        for g in found:
            g["phase"] = phase(g, now)
            rsvp = state.get(RSVPS, key(g["id"], viewer)) if viewer else None
            attended = state.get(ATTENDANCE, key(g["id"], viewer)) if viewer else None
            g["my_rsvp"] = rsvp["status"] if rsvp else None
            g["my_attendance"] = attended["status"] if attended else None
    return {"gatherings": found, "when": when, "now": now, "following": following}


def gathering_page(node: Node, gathering_id: int, viewer: str | None) -> dict[str, Any]:
    """A gathering: when, where, places and waitlist, who is going and who came; for the
    viewer, their RSVP, their place on the waitlist, self check-in, and their credential."""
    view = gatherings.gathering_view(node, gathering_id)
    now = utc_stamp(node.clock())
    with node.dry_run() as rules:
        state = rules.state
        answers = ask_each(
            rules,
            viewer,
            {
                response: (RSVP_GIVEN, {"gathering": gathering_id, "response": response})
                for response in ("yes", "no")
            },
        )
        active = bool(viewer and (state.get(MEMBERS, viewer) or {}).get("status") == ACTIVE)
        credential = _credential_number(state, viewer, gathering_id) if viewer else None
        keeps_waitlist = bool(state.get(GATHERINGS, gathering_id)["waitlist"])
    going = [r for r in view["rsvps"] if r["status"] == GOING]
    mine = next((r for r in view["rsvps"] if r["member"] == viewer), None)
    attended = next((a for a in view["attendance"] if a["member"] == viewer), None)
    people = [*view["organisers"], *(r["member"] for r in view["rsvps"])]
    people += [a["member"] for a in view["attendance"]]
    names = names_of(node, people)
    when = phase(view, now)
    opens = later(view["starts"], -OPENS_BEFORE)
    place = None
    if mine and mine["status"] == WAITLISTED and viewer in view["waitlist"]:
        place = view["waitlist"].index(viewer) + 1
    return {
        "gathering": view,
        "phase": when,
        "phase_words": PHASE_WORDS[when],
        "names": names,
        "going": going,
        "waiting": view["waitlist"],
        "confirmed": [a for a in view["attendance"] if a["status"] == CONFIRMED],
        "claims": [a for a in view["attendance"] if a["status"] == CLAIMED],
        "rejected": [a for a in view["attendance"] if a["status"] == "rejected"],
        "places_left": (max(view["capacity"] - view["going"], 0) if view["capacity"] else None),
        "mine": mine,
        "my_words": RSVP_WORDS.get(mine["status"], "") if mine else "",
        "waitlist_place": place,
        "attended": attended,
        "attended_words": ATTENDANCE_WORDS.get(attended["status"], "") if attended else "",
        "credential": credential,
        "keeps_waitlist": keeps_waitlist,
        "active": active,
        # The rule takes a yes or a no from this viewer now (a full gathering that keeps no
        # waitlist refuses only the place: the page says so rather than hide the section).
        "may_rsvp": answers["yes"].ok or answers["no"].ok or answers["yes"].code == "full",
        "is_organiser": bool(viewer and viewer in view["organisers"]),
        "checkin_opens": opens,
        "self_checkin_open": view["self_checkin"] and when in ("upcoming", "on") and opens <= now,
        "needs_place": view["rsvp_required"] and not (mine and mine["status"] == GOING),
        "now": now,
    }


def checkin_page(node: Node, gathering_id: int, organiser: str) -> dict[str, Any]:
    """The organiser's sheet: every member in good standing, those with a place first, each
    with their RSVP and attendance; when check-in is open; and whether the code may be
    revealed. Only for the gathering's organisers (``forbidden`` otherwise)."""
    view = gatherings.gathering_view(node, gathering_id)
    if organiser not in view["organisers"]:
        raise Rejected("forbidden", "only the gathering's organisers check attendees in")
    now = utc_stamp(node.clock())
    with node.dry_run() as rules:
        members = sorted(str(d) for d, r in rules.state.items(MEMBERS) if r["status"] == ACTIVE)
        # Asked with a stand-in code: the organiser types the real one, and a wrong code is
        # the rule's last check, so any other refusal means there is nothing to reveal now.
        reveal = rules.check(CODE_REVEALED, organiser, {"gathering": gathering_id, "code": "?"})
    rsvps = {r["member"]: r for r in view["rsvps"]}
    attendance = {a["member"]: a for a in view["attendance"]}
    names = names_of(node, [*members, *attendance])
    order = {GOING: 0, WAITLISTED: 1}
    sheet = sorted(
        (
            {
                "did": did,
                "name": names.get(did),
                "rsvp": rsvps[did]["status"] if did in rsvps else None,
                "attendance": attendance.get(did),
                "has_place": did in rsvps and rsvps[did]["status"] == GOING,
            }
            for did in {*members, *attendance}
        ),
        key=lambda row: (
            order.get(row["rsvp"], 2),
            rsvps[row["did"]]["at"] if row["did"] in rsvps else "",
            (row["name"] or "~").lower(),
            row["did"],
        ),
    )
    opens = later(view["starts"], -OPENS_BEFORE)
    closes = later(view["ends"], ORGANISER_GRACE)
    window = "early" if now < opens else "open" if now < closes else "closed"
    when = phase(view, now)
    return {
        "gathering": view,
        "phase": when,
        "phase_words": PHASE_WORDS[when],
        "sheet": sheet,
        "window": window if when != "cancelled" else "closed",
        "opens": opens,
        "closes": closes,
        "claims": [a for a in view["attendance"] if a["status"] == CLAIMED],
        "may_reveal": reveal.ok or reveal.code == "wrong_code",
        "names": names,
        "now": now,
    }


def co_organisers(node: Node, did: str) -> list[dict[str, Any]]:
    """The members in good standing ``did`` may name as co-organisers, with their names."""
    with node.reading() as state:
        members = sorted(
            str(m) for m, r in state.items(MEMBERS) if r["status"] == ACTIVE and m != did
        )
    names = names_of(node, members)
    return by_name([{"did": m, "name": names.get(m)} for m in members])


def _credential_number(state: Any, did: str, gathering_id: int) -> int | None:
    """The number (from 1, as /me/credentials counts) of ``did``'s attendance credential for
    the gathering, once the log owes it."""
    rows = sorted(
        (row for _k, row in state.items(CREDENTIALS) if row["subject"] == did),
        key=lambda row: row["index"],
    )
    for number, row in enumerate(rows, start=1):
        if row["kind"] == f"attendance:{gathering_id}":
            return number
    return None
