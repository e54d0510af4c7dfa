"""What the mutual-aid pages show, gathered from the aid reads (``node.aid``).

The board of requests and offers with the names their authors chose to show,
one post with what the viewer may do with it (take it up, release it, record it
fulfilled, settle it, withdraw it, write to the other party), the posts that
could meet it, and a member's own posts and claims. Distances from the member's
own area are worked out in the browser, which keeps that area to itself.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.aid import geohash
from commonweal.domain.aid.claims import (
    FULFILLED_EVENT,
    OFFER_CLAIMED,
    RELEASED,
    REQUEST_ANSWERED,
    SETTLED_EVENT,
)
from commonweal.domain.aid.messages import RELAYED
from commonweal.domain.aid.posts import WITHDRAWN_EVENT
from commonweal.domain.aid.records import (
    CATEGORIES,
    LIVE,
    OFFER,
    REQUEST,
    URGENCIES,
    helper,
    recipient,
)
from commonweal.domain.aid.settlement import CREDIT, GIFT, HOURS
from commonweal.node.kernel.dry_run import ask_each
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import said
from commonweal.node.read_models.amounts import declared_units, minutes, money
from commonweal.node.read_models.names import Names
from commonweal.node.services import aid
from commonweal.node.services import places as place_reads

STATUS_WORDS = {
    "open": said.pgettext("aid post", "open"),
    "expired": said.pgettext("aid post", "expired"),
    "claimed": said.pgettext("aid post", "taken up"),
    "fulfilled": said.pgettext("aid post", "help given"),
    "settled": said.pgettext("aid post", "settled"),
    "withdrawn": said.pgettext("aid post", "withdrawn"),
}
ENDED = ("settled", "withdrawn", "expired")


def board(
    node: Node,
    *,
    kind: str | None = None,
    status: str | None = "open",
    category: str | None = None,
    urgency: str | None = None,
) -> dict[str, Any]:
    """The board: posts matching the filters (newest first, most urgent requests first),
    and the categories in use."""
    everything = aid.listing(node)
    names = Names(node)
    places = place_areas(node)
    shown = [
        _named(names, post, places)
        for post in everything
        if (kind is None or post["kind"] == kind)
        and (status is None or post["status"] == status)
        and (category is None or post["category"] == category)
        and (urgency is None or post["urgency"] == urgency)
    ]
    shown.sort(key=_board_order)
    used = {post["category"] for post in everything}
    return {
        "posts": shown,
        "categories": sorted(used | set(CATEGORIES)),
        "urgencies": list(URGENCIES),
        "open_requests": sum(
            1 for p in everything if p["kind"] == REQUEST and p["status"] == "open"
        ),
        "open_offers": sum(1 for p in everything if p["kind"] == OFFER and p["status"] == "open"),
    }


def _board_order(post: dict[str, Any]) -> tuple[int, int]:
    """Urgent and high requests first, then newest first."""
    urgency = post["urgency"] if post["urgency"] in ("urgent", "high") else None
    rank = -URGENCIES.index(urgency) if urgency else 0
    return rank, -int(post["id"])


def post_page(node: Node, post_id: int, viewer: str | None) -> dict[str, Any]:
    """One post for ``viewer`` (a DID, or None): its parties, what the viewer may do,
    the posts that could meet it, and the units it can be settled in."""
    names = Names(node)
    units = declared_units(node)
    post = _named(names, aid.post_view(node, post_id), place_areas(node))
    status = post["status"]
    role = None
    if viewer is not None and viewer == post["author"]:
        role = "author"
    elif viewer is not None and viewer == post["claimer"]:
        role = "claimer"
    other = None
    if role == "author":
        other = post["claimer"]
    elif role == "claimer":
        other = post["author"]
    return {
        "post": post,
        "role": role,
        "other": names.person(other) if other else None,
        "recipient": recipient(post),
        "helper": helper(post),
        **post_actions(node, post, viewer, other),
        "matches": [_named(names, m) for m in aid.matches(node, post_id)]
        if status == "open"
        else [],
        "settlement_words": settlement_words(post["settlement"], units),
        "credit_units": credit_units(node, units),
        "now": aid.now(node),
    }


COMMITMENT_STAND_IN = "sha256:" + "0" * 64
"""A message's commitment, for asking whether a message may be relayed at all (the
browser commits to each message it sends with a fresh salt)."""


def post_actions(
    node: Node, post: dict[str, Any], viewer: str | None, other: str | None
) -> dict[str, bool]:
    """What ``viewer`` may do with the post: each offered exactly when the node would
    accept the event it sends (:mod:`commonweal.node.kernel.dry_run`). Settling is asked as a
    gift, which any settlement the recipient may make also allows; a message with a
    stand-in commitment to the other party."""
    ref = {"post": post["id"]}
    take_up = (
        (REQUEST_ANSWERED, {"request": post["id"]})
        if post["kind"] == REQUEST
        else (OFFER_CLAIMED, {"offer": post["id"]})
    )
    with node.dry_run() as rules:
        verdicts = ask_each(
            rules,
            viewer,
            {
                "may_take_up": take_up,
                "may_release": (RELEASED, ref),
                "may_fulfil": (FULFILLED_EVENT, ref),
                "may_settle": (SETTLED_EVENT, {**ref, "as": GIFT}),
                "may_withdraw": (WITHDRAWN_EVENT, ref),
                "may_message": (
                    RELAYED,
                    {**ref, "to": other or "", "commitment": COMMITMENT_STAND_IN},
                ),
            },
        )
    return {name: verdict.ok for name, verdict in verdicts.items()}


def mine(node: Node, did: str) -> dict[str, Any]:
    """A member's own posts and the posts they took up, those being worked out first."""
    everything = aid.listing(node)
    names = Names(node)
    own = [_named(names, p) for p in everything if p["author"] == did]
    taken = [_named(names, p) for p in everything if p["claimer"] == did]

    def live_first(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(posts, key=lambda p: (p["status"] in ENDED, -int(p["id"])))

    return {
        "own": live_first(own),
        "taken": live_first(taken),
        "live": [p for p in own + taken if p["status"] in LIVE],
        "now": aid.now(node),
    }


def credit_units(node: Node, units: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Units help may be settled in: those declared (but hours, which the time bank counts
    in minutes), and those earlier settlements used; each with its decimals if declared."""
    used = {
        post["settlement"]["unit"]
        for post in aid.listing(node, status="settled")
        if post["settlement"] and post["settlement"]["as"] == CREDIT
    }
    codes = {code for code, unit in units.items() if unit["kind"] != "hours"} | used
    return [
        {"code": code, "exponent": units[code]["exponent"] if code in units else 0}
        for code in sorted(codes)
    ]


def settlement_words(settlement: dict[str, Any] | None, units: dict[str, Any]) -> str | None:
    """How help was settled, in words: "as a gift", "in time: 1 h 30 min", …"""
    if settlement is None:
        return None
    if settlement["as"] == GIFT:
        return said._("as a gift")
    if settlement["as"] == HOURS:
        return said._("in time-bank hours: %(time)s", time=minutes(settlement["amount"]))
    if settlement["as"] == CREDIT:
        amount = money(settlement["amount"], settlement["unit"], units)
        return said._("in mutual credit: %(amount)s", amount=amount)
    return str(settlement["as"])


def _named(
    names: Names, post: dict[str, Any], places: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    return {
        **post,
        "area_place": area_words(post.get("area"), places or []),
        "author_name": names(post["author"]),
        "claimer_name": names(post["claimer"]),
        "status_words": STATUS_WORDS.get(post["status"], post["status"]),
    }


def place_areas(node: Node) -> list[dict[str, str]]:
    """The node's places with the map cell (a geohash of 5 characters) each stands in:
    what a post's area may be chosen from by a place's name."""
    return [
        {
            "name": place["name"],
            "area": geohash.encode(
                float(place["location"]["lat"]), float(place["location"]["lon"]), 5
            ),
        }
        for place in place_reads.places(node)
    ]


def area_words(area: str | None, places: list[dict[str, str]]) -> str | None:
    """The names of the places inside the cell ``area``, or near it (in the same 5 km cell
    when ``area`` is finer), joined in words; None where none is."""
    if not area:
        return None
    found = [p["name"] for p in places if p["area"].startswith(area) or area.startswith(p["area"])]
    return ", ".join(found) or None
