"""The mutual-aid state tables and the readers every aid rule shares.

Requests and offers are both *posts*, numbered by the leaf index of the event
that made them. A post moves through

    open → claimed → fulfilled → settled        (or withdrawn while not settled)

where *claimed* means another member took the offer, or answered the request.
The post's two parties are its author and its claimer; the one who receives the
help (a request's author, an offer's claimer) settles it.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.errors import Conflict, NotPermitted
from commonweal.domain.registry import Context
from commonweal.domain.state import State, existing
from commonweal.domain.timestamps import reached
from commonweal.domain.words import WP_

POSTS = "aid.posts"
"""post id → kind, author, what, where (coarse), when, urgency, status, claim, settlement."""
MESSAGES = "aid.messages"
"""message commitment → the post, sender, recipient and when it was relayed."""

REQUEST, OFFER = "request", "offer"
OPEN, CLAIMED, FULFILLED, SETTLED, WITHDRAWN = (
    "open",
    "claimed",
    "fulfilled",
    "settled",
    "withdrawn",
)
STATUS_WORDS = {
    OPEN: WP_("aid post", "open"),
    CLAIMED: WP_("aid post", "claimed"),
    FULFILLED: WP_("aid post", "fulfilled"),
    SETTLED: WP_("aid post", "settled"),
    WITHDRAWN: WP_("aid post", "withdrawn"),
}
"""Each status's name as a refusal says it, in the reader's language (domain/words.py)."""
LIVE = (CLAIMED, FULFILLED)
"""A post whose parties are working it out (and may message each other)."""
URGENCIES = ("low", "normal", "high", "urgent")
CATEGORIES = (
    "food",
    "housing",
    "transport",
    "care",
    "childcare",
    "health",
    "repairs",
    "tools",
    "skills",
    "company",
    "money",
    "other",
)
"""Suggested categories; any short lower-case name is accepted."""


def post(state: State, post_id: int) -> dict[str, Any]:
    """The post ``post_id``, or ``not_found``."""
    return existing(state, POSTS, post_id, "aid post")


def expired(record: dict[str, Any], now: str) -> bool:
    """Whether the post's own expiry time has passed at ``now``."""
    return record["expires"] is not None and reached(now, record["expires"])


def recipient(record: dict[str, Any]) -> str | None:
    """Who receives the help: a request's author, an offer's claimer."""
    who: str | None = record["author"] if record["kind"] == REQUEST else record["claimer"]
    return who


def helper(record: dict[str, Any]) -> str | None:
    """Who gives the help: a request's claimer, an offer's author."""
    who: str | None = record["claimer"] if record["kind"] == REQUEST else record["author"]
    return who


def require_party(record: dict[str, Any], ctx: Context, doing: str) -> None:
    """Only the post's author or its claimer may do this."""
    if ctx.author not in (record["author"], record["claimer"]):
        raise NotPermitted(
            "only the post's author or the member who took it up may %(doing)s",
            code="not_party",
            doing=doing,
        )


REFUSAL_IN_STATUS = {
    CLAIMED: "already_claimed",
    OPEN: "not_claimed",
    SETTLED: "already_settled",
    WITHDRAWN: "post_closed",
    FULFILLED: "already_fulfilled",
}
"""The code (a conflict) of a refusal to act on a post in each status."""


def require_status(record: dict[str, Any], *allowed: str, doing: str) -> None:
    """The post is in one of ``allowed``, or a refusal that says where it stands."""
    if record["status"] in allowed:
        return
    status = record["status"]
    code = REFUSAL_IN_STATUS[status]
    raise Conflict(
        "aid post %(post)s is %(status)s: you cannot %(doing)s now",
        code=code,
        post=record["id"],
        status=STATUS_WORDS.get(status, status),
        doing=doing,
    )
