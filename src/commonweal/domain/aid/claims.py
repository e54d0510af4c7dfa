"""Taking up a post, releasing it, recording that help was given, and settling it.

Another member *claims* an offer or *answers* a request; one claim at a time.
Neither party learns the other's contact details from this: they write to each
other through the node (``messages``). Either party may release the claim (the
post opens again) or record that the help was given; the member who received it
settles it — as a gift, in mutual credit, or in time-bank hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.aid.records import (
    CLAIMED,
    FULFILLED,
    OFFER,
    OPEN,
    POSTS,
    REQUEST,
    SETTLED,
    expired,
    post,
    recipient,
    require_party,
    require_status,
)
from commonweal.domain.aid.settlement import CREDIT, parse_settlement, settlement_postings
from commonweal.domain.credit.limits import credit_policy
from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.funding import fields
from commonweal.domain.funding.postings import money_unit, to_ledger
from commonweal.domain.membership.records import require_active_member
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State
from commonweal.domain.words import WP_

OFFER_CLAIMED = "aid.offer.claimed"
REQUEST_ANSWERED = "aid.request.answered"
RELEASED = "aid.claim.released"
FULFILLED_EVENT = "aid.post.fulfilled"
SETTLED_EVENT = "aid.post.settled"


def _ref(name: str) -> Any:
    def parse(body: Mapping[str, Any]) -> int:
        fields.only(body, {name}, {name})
        return fields.ref(body, name)

    return parse


def _claim_rule(kind: str) -> Any:
    doing = WP_("to do", "claim an offer") if kind == OFFER else WP_("to do", "answer a request")

    def apply(state: State, ctx: Context, post_id: int) -> None:
        require_active_member(state, ctx.author, doing)
        record = post(state, post_id)
        if record["kind"] != kind:
            if kind == OFFER:
                raise Conflict(
                    "aid post %(post)s is not an aid offer", code="wrong_kind", post=post_id
                )
            raise Conflict(
                "aid post %(post)s is not an aid request", code="wrong_kind", post=post_id
            )
        if record["author"] == ctx.author:
            raise NotPermitted("you cannot take up your own post", code="own_post")
        require_status(record, OPEN, doing=doing)
        if expired(record, ctx.received):
            raise Conflict(
                "aid post %(post)s expired at %(expires)s",
                code="expired",
                post=post_id,
                expires=record["expires"],
            )
        state.put(
            POSTS,
            post_id,
            {**record, "status": CLAIMED, "claimer": ctx.author, "claimed_at": ctx.received},
        )

    return apply


def apply_release(state: State, ctx: Context, post_id: int) -> None:
    """Either party lets the claim go; the post is open again."""
    require_active_member(state, ctx.author, WP_("to do", "release a claim"))
    record = post(state, post_id)
    require_party(record, ctx, WP_("to do", "release the claim"))
    require_status(record, CLAIMED, doing=WP_("to do", "release a claim"))
    state.put(POSTS, post_id, {**record, "status": OPEN, "claimer": None, "claimed_at": None})


def apply_fulfilment(state: State, ctx: Context, post_id: int) -> None:
    """Either party records that the help was given."""
    require_active_member(state, ctx.author, WP_("to do", "record help given"))
    record = post(state, post_id)
    require_party(record, ctx, WP_("to do", "record that the help was given"))
    require_status(record, CLAIMED, doing=WP_("to do", "record that the help was given"))
    state.put(POSTS, post_id, {**record, "status": FULFILLED, "fulfilled_at": ctx.received})


def parse_settle(body: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """``{"post": id, "as": "gift"|"credit"|"hours", …}`` (see ``settlement``)."""
    if "post" not in body:
        raise InvalidBody("post is required")
    return fields.ref(body, "post"), parse_settlement(body)


def apply_settlement(state: State, ctx: Context, settle: tuple[int, dict[str, Any]]) -> None:
    """The member who received the help settles it; the post closes (fulfilled if it was not).

    A settlement in credit is in a unit the node runs as mutual credit
    (``not_credit_unit`` otherwise); one in hours moves minutes of the node's time
    bank. Either is paid from the recipient's account to the helper's in the ledger,
    within the recipient's credit floor (``credit_limit``)."""
    post_id, settlement = settle
    require_active_member(state, ctx.author, WP_("to do", "settle help received"))
    record = post(state, post_id)
    if ctx.author not in (record["author"], record["claimer"]):
        raise NotPermitted("this is someone else's post", code="not_recipient")
    require_status(record, CLAIMED, FULFILLED, doing=WP_("to do", "settle it"))
    if recipient(record) != ctx.author:
        if record["kind"] == REQUEST:
            raise NotPermitted(
                "only the member who received the help (its author) settles it",
                code="not_recipient",
            )
        raise NotPermitted(
            "only the member who received the help (the member who claimed it) settles it",
            code="not_recipient",
        )
    if settlement["as"] == CREDIT:
        money_unit(state, settlement["unit"])
        if credit_policy(state, settlement["unit"]) is None:
            raise Conflict(
                "%(unit)s is not run as mutual credit on this node",
                code="not_credit_unit",
                unit=settlement["unit"],
            )
    settled = {
        **record,
        "status": SETTLED,
        "fulfilled_at": record["fulfilled_at"] or ctx.received,
        "settlement": settlement,
        "closed_at": ctx.received,
    }
    state.put(POSTS, post_id, settled)
    to_ledger(state, ctx, settlement_postings(settled), kind="aid", ref=post_id)


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(OFFER_CLAIMED, "A member claims an offer.", _ref("offer"), _claim_rule(OFFER)),
    EventType(
        REQUEST_ANSWERED, "A member answers a request.", _ref("request"), _claim_rule(REQUEST)
    ),
    EventType(RELEASED, "A claim on an aid post is released.", _ref("post"), apply_release),
    EventType(
        FULFILLED_EVENT, "A party records that the help was given.", _ref("post"), apply_fulfilment
    ),
    EventType(
        SETTLED_EVENT,
        "The member who received help settles it (gift, credit or hours).",
        parse_settle,
        apply_settlement,
    ),
)
