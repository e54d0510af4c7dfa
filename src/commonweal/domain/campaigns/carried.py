"""Another node's network threshold campaign, carried here: the copy and its pledges.

A node that recognises a campaign's home node copies a network threshold
campaign's launch from its verified mirror of the home log
(``campaigns.campaign.carried``, ``network.py``); from then on its own members
pledge to it here, in this node's log, with ``home`` naming the campaign's node.
This module holds the copies (keyed by home node and campaign id) and the
rules for pledging and withdrawing at this node; it imports no other campaign
rule, so ``events.py`` can route a pledge with another ``home`` here.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.campaigns.records import HELD, WITHDRAWN, new_pledge, require_taking_pledges
from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.federation.standing import recognition
from commonweal.domain.membership.records import require_active_member
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.words import W_, WP_

CARRIED = "campaigns.carried"
"""(home node did, campaign id at home) → the copy: terms, deadline, count, status."""
PLEDGES_PREFIX = "campaigns.carried_pledges."
"""``campaigns.carried_pledges.<id>`` (the index of the carrying entry): member → pledge."""

MAX_PLEDGERS = 1_000
"""The most pledges a carried copy takes. Its closing and its report to the home name
every pledger (so the home counts each person once across nodes), in one event each:
1,000 did:keys (59 bytes each in the JSON) keep both well under the 64 KiB event
limit. Past it this node refuses further pledges (``copy_full``); members pledge at
the campaign's home node, or at another node that carries it."""

OPEN, CLOSED, SETTLED = "open", "closed", "settled"
"""A copy takes pledges, then is closed with its count, then settled by the home's close."""


def pledges_table(carried_id: int) -> str:
    """The state table of the pledges made here to one carried campaign."""
    return f"{PLEDGES_PREFIX}{carried_id}"


def find(state: State, home: str, campaign_id: int) -> dict[str, Any] | None:
    """The copy of ``home``'s campaign ``campaign_id``, if this node carries it."""
    record: dict[str, Any] | None = state.get(CARRIED, (home, campaign_id))
    return record


def copy_of(state: State, home: str, campaign_id: int) -> dict[str, Any]:
    """The copy, or ``remote_campaign`` (this node does not carry that campaign)."""
    record = find(state, home, campaign_id)
    if record is None:
        raise Conflict(
            "this node does not carry campaign %(campaign)s of %(home)s: pledge to it at its "
            "home node, or at a node that carries it",
            code="remote_campaign",
            campaign=campaign_id,
            home=home,
        )
    return record


def standing_pledgers(state: State, carried_id: int) -> list[str]:
    """Members whose pledge here to the carried campaign stands."""
    return sorted(
        str(did) for did, row in state.items(pledges_table(carried_id)) if row["status"] == HELD
    )


def _open_copy(
    state: State, ctx: Context, home: str, campaign_id: int, doing: str
) -> dict[str, Any]:
    record = copy_of(state, home, campaign_id)
    require_taking_pledges(
        ctx, record, W_("campaign %(id)s of %(home)s", id=campaign_id, home=home), doing
    )
    if recognition(state, home) is None:
        raise NotPermitted(
            "this node no longer recognises %(home)s, the campaign's home",
            code="not_recognized",
            home=home,
        )
    return record


def pledge(state: State, ctx: Context, home: str, campaign_id: int, amount: int | None) -> None:
    """A member of this node pledges to act, to a campaign this node carries."""
    copy_of(state, home, campaign_id)  # a campaign not carried is refused first
    if amount is not None:
        raise InvalidBody("a threshold pledge is a pledge to act; it carries no amount")
    require_active_member(state, ctx.author, WP_("to do", "pledge"))
    record = _open_copy(state, ctx, home, campaign_id, WP_("to do", "pledge"))
    table = pledges_table(record["id"])
    row = state.get(table, ctx.author)
    if row is not None and row["status"] == HELD:
        raise Conflict("you have already pledged to this campaign", code="already_pledged")
    if record["pledgers"] >= MAX_PLEDGERS:
        raise Conflict(
            "this node's copy of campaign %(campaign)s holds %(most)s pledges, the most "
            "a carried copy reports: pledge at the campaign's home node instead",
            code="copy_full",
            campaign=campaign_id,
            most=MAX_PLEDGERS,
        )
    row = row or new_pledge(ctx.received)
    state.put(table, ctx.author, {**row, "status": HELD, "last_at": ctx.received})
    _recount(state, record, +1)


def withdraw(state: State, ctx: Context, home: str, campaign_id: int) -> None:
    """A member takes back their pledge to a carried campaign before its deadline."""
    record = _open_copy(state, ctx, home, campaign_id, WP_("to do", "withdraw a pledge"))
    table = pledges_table(record["id"])
    row = state.get(table, ctx.author)
    if row is None or row["status"] != HELD:
        raise Conflict("you have no pledge standing on this campaign", code="no_pledge")
    state.put(table, ctx.author, {**row, "status": WITHDRAWN, "last_at": ctx.received})
    _recount(state, record, -1)


def _recount(state: State, record: dict[str, Any], change: int) -> None:
    key = (record["home"], record["campaign"])
    state.put(CARRIED, key, {**record, "pledgers": record["pledgers"] + change})
