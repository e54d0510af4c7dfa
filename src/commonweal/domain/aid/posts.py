"""Posting a request or an offer of help, and withdrawing it.

What, in which category, how urgent, when, and where — but *where* only as a
coarse area (a geohash prefix of at most five characters), never an address:
the log is public. Exact places and contact details pass between the two
parties later, in messages the node relays and keeps off the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.aid.geohash import MAX_PRECISION, is_area
from commonweal.domain.aid.records import (
    CLAIMED,
    FULFILLED,
    OFFER,
    OPEN,
    POSTS,
    REQUEST,
    URGENCIES,
    WITHDRAWN,
    post,
    require_status,
)
from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.fields import optional_text, required_text
from commonweal.domain.funding import fields
from commonweal.domain.membership.records import require_active_member
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State
from commonweal.domain.timestamps import reached
from commonweal.domain.words import WP_

REQUESTED = "aid.request.posted"
OFFERED = "aid.offer.posted"
WITHDRAWN_EVENT = "aid.post.withdrawn"


@dataclass(frozen=True, slots=True)
class Post:
    """Body of ``aid.request.posted`` and ``aid.offer.posted``."""

    title: str
    details: str
    category: str
    area: str
    urgency: str | None
    when: str
    expires: str | None


def _parser(kind: str) -> Any:
    def parse(body: Mapping[str, Any]) -> Post:
        allowed = {"title", "details", "category", "area", "when", "expires"}
        if kind == REQUEST:
            allowed.add("urgency")
        fields.only(body, allowed, {"title", "category"})
        area = optional_text(body, "area", max_length=MAX_PRECISION + 1)
        if area and not is_area(area):
            raise InvalidBody(
                "area must be a geohash of at most %(most)s characters (a cell of "
                "about 5 km, never an address)",
                most=MAX_PRECISION,
            )
        urgency = body.get("urgency", "normal") if kind == REQUEST else None
        if kind == REQUEST and urgency not in URGENCIES:
            raise InvalidBody(
                "urgency must be one of %(urgencies)s", urgencies=", ".join(URGENCIES)
            )
        return Post(
            title=required_text(body, "title", max_length=200),
            details=optional_text(body, "details", max_length=2000),
            category=fields.slug(body, "category"),
            area=area,
            urgency=urgency,
            when=optional_text(body, "when", max_length=200),
            expires=fields.optional_instant(body, "expires"),
        )

    return parse


def _rule(kind: str) -> Any:
    def apply(state: State, ctx: Context, body: Post) -> None:
        require_active_member(
            state,
            ctx.author,
            WP_("to do", "post an aid offer")
            if kind == OFFER
            else WP_("to do", "post an aid request"),
        )
        if body.expires is not None and reached(ctx.received, body.expires):
            raise Conflict("the post would expire before it is posted", code="deadline_passed")
        state.put(
            POSTS,
            ctx.index,
            {
                "id": ctx.index,
                "kind": kind,
                "author": ctx.author,
                "title": body.title,
                "details": body.details,
                "category": body.category,
                "area": body.area,
                "urgency": body.urgency,
                "when": body.when,
                "expires": body.expires,
                "posted_at": ctx.received,
                "status": OPEN,
                "claimer": None,
                "claimed_at": None,
                "fulfilled_at": None,
                "settlement": None,
                "closed_at": None,
                "messages": 0,
            },
        )

    return apply


def parse_post_ref(body: Mapping[str, Any]) -> int:
    """``{"post": id}``."""
    return fields.sole_ref(body, "post")


def apply_withdrawal(state: State, ctx: Context, post_id: int) -> None:
    """Its author withdraws a post that is not settled; any claim on it lapses."""
    require_active_member(state, ctx.author, WP_("to do", "withdraw an aid post"))
    record = post(state, post_id)
    if record["author"] != ctx.author:
        raise NotPermitted("only the post's author may withdraw it", code="not_author")
    require_status(record, OPEN, CLAIMED, FULFILLED, doing=WP_("to do", "withdraw it"))
    state.put(POSTS, post_id, {**record, "status": WITHDRAWN, "closed_at": ctx.received})


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(REQUESTED, "A member asks for help.", _parser(REQUEST), _rule(REQUEST)),
    EventType(OFFERED, "A member offers help.", _parser(OFFER), _rule(OFFER)),
    EventType(
        WITHDRAWN_EVENT, "Its author withdraws an aid post.", parse_post_ref, apply_withdrawal
    ),
)
