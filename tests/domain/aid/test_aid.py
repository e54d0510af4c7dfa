"""Mutual aid on a node: posts, claims, settlement, matching, and its refusals."""

from __future__ import annotations

from typing import Any

import pytest

from commonweal.domain.aid.geohash import centre, distance_km, encode, is_area
from commonweal.node.services import aid
from tests.community import Community
from tests.governance import admit
from tests.mutual import books_balance, held, later, open_books, post, replays

POSTS = "aid.posts"
BERLIN, POTSDAM, HAMBURG = "u33dc", "u336x", "u1x0e"


def record(community: Community, post_id: int) -> dict[str, Any]:
    found: dict[str, Any] = community.node.state.get(POSTS, post_id)
    return found


def test_an_offer_is_claimed_fulfilled_and_settled_as_a_gift(community: Community) -> None:
    offer = post(community, "alice", "offer", title="Soup for four", area=BERLIN, when="Fri 18:00")
    community.act("bob", "aid.offer.claimed", {"offer": offer})
    claimed = record(community, offer)
    assert claimed["status"] == "claimed" and claimed["claimer"] == community.did("bob")
    community.act("alice", "aid.post.fulfilled", {"post": offer})
    community.act("bob", "aid.post.settled", {"post": offer, "as": "gift"})
    settled = record(community, offer)
    assert settled["status"] == "settled"
    assert settled["settlement"] == {"as": "gift", "amount": 0, "unit": None}
    assert replays(community)


def test_a_request_is_answered_and_settled_in_hours_or_credit(community: Community) -> None:
    open_books(community)  # a time bank in HOUR (hundredths of an hour) and the credit RVC
    lift = post(
        community,
        "carol",
        "request",
        title="Lift to the clinic",
        category="transport",
        urgency="high",
        area=BERLIN,
    )
    community.act("bob", "aid.request.answered", {"request": lift})
    community.act("carol", "aid.post.settled", {"post": lift, "as": "hours", "minutes": 90})
    assert record(community, lift)["settlement"] == {"as": "hours", "amount": 90, "unit": "hours"}
    # 90 minutes are 1.50 HOUR, from the one helped (into credit) to the helper
    assert held(community, "carol", "HOUR") == -150 and held(community, "bob", "HOUR") == 150
    repair = post(community, "carol", "request", title="Fix a bike", category="repairs")
    community.act("alice", "aid.request.answered", {"request": repair})
    community.act(
        "carol", "aid.post.settled", {"post": repair, "as": "credit", "amount": 1500, "unit": "RVC"}
    )
    done = record(community, repair)
    assert done["settlement"] == {"as": "credit", "amount": 1500, "unit": "RVC"}
    assert done["fulfilled_at"] == done["closed_at"]  # settling records the fulfilment too
    from commonweal.domain.aid.settlement import settlement_postings

    [posting] = settlement_postings(done)
    assert posting.source == f"member:{community.did('carol')}"  # who received the help pays
    assert posting.destination == f"member:{community.did('alice')}"
    assert (posting.unit, posting.amount) == ("RVC", 1500)
    assert held(community, "carol", "RVC") == -1500 and held(community, "alice", "RVC") == 1500
    entries = [e for _i, e in community.node.state.items("treasury.entries") if e["kind"] == "aid"]
    assert [(e["unit"], e["ref"]) for e in entries] == [("HOUR", lift), ("RVC", repair)]
    assert books_balance(community)
    assert replays(community)


def test_settling_needs_a_credit_unit_a_time_bank_and_room_under_the_limit(
    community: Community,
) -> None:
    def answered() -> int:
        request = post(community, "carol", "request", title="Help", category="care")
        community.act("bob", "aid.request.answered", {"request": request})
        return request

    request = answered()
    hours = {"post": request, "as": "hours", "minutes": 60}
    assert community.refused("carol", "aid.post.settled", hours) == "unknown_unit"  # no time bank
    open_books(community)
    odd = {**hours, "minutes": 20}  # HOUR counts hundredths of an hour: multiples of 3 minutes
    assert community.refused("carol", "aid.post.settled", odd) == "inexact_amount"
    euros = {"post": request, "as": "credit", "amount": 100, "unit": "EUR"}
    assert community.refused("carol", "aid.post.settled", euros) == "not_credit_unit"
    unknown = {**euros, "unit": "credit"}
    assert community.refused("carol", "aid.post.settled", unknown) == "unknown_unit"
    too_much = {**euros, "unit": "RVC", "amount": 5_001}  # the floor is -50.00 RVC
    assert community.refused("carol", "aid.post.settled", too_much) == "credit_limit"
    assert record(community, request)["status"] == "claimed"  # nothing moved, nothing settled
    community.act("carol", "aid.post.settled", {**too_much, "amount": 5_000})
    assert held(community, "carol", "RVC") == -5_000
    assert books_balance(community) and replays(community)


def test_refusals(community: Community) -> None:
    community.apply("erin")  # applied, not yet a member
    offer = post(community, "alice", "offer", title="Ladder to lend", category="tools")
    request = post(community, "carol", "request", title="Need a ladder", category="tools")
    assert community.refused("erin", "aid.offer.claimed", {"offer": offer}) == "not_a_member"
    assert (
        community.refused("erin", "aid.request.posted", {"title": "x", "category": "food"})
        == "not_a_member"
    )
    assert community.refused("alice", "aid.offer.claimed", {"offer": offer}) == "own_post"
    assert community.refused("bob", "aid.offer.claimed", {"offer": request}) == "wrong_kind"
    community.act("bob", "aid.offer.claimed", {"offer": offer})
    assert community.refused("carol", "aid.offer.claimed", {"offer": offer}) == "already_claimed"
    # settling someone else's request, or settling as the helper
    community.act("bob", "aid.request.answered", {"request": request})
    assert community.refused("alice", "aid.post.settled", {"post": request, "as": "gift"}) == (
        "not_recipient"
    )
    assert community.refused("bob", "aid.post.settled", {"post": request, "as": "gift"}) == (
        "not_recipient"
    )
    assert community.refused("alice", "aid.post.settled", {"post": offer, "as": "gift"}) == (
        "not_recipient"
    )
    assert community.refused("carol", "aid.post.withdrawn", {"post": offer}) == "not_author"
    assert community.refused("carol", "aid.claim.released", {"post": offer}) == "not_party"
    # a precise address never enters the log: six geohash characters or more are refused
    assert (
        community.refused(
            "bob", "aid.offer.posted", {"title": "x", "category": "food", "area": "u33dbfc"}
        )
        == "invalid_body"
    )
    expiring = post(community, "alice", "offer", expires=later(community, hours=1))
    community.clock.advance(hours=2)
    assert community.refused("bob", "aid.offer.claimed", {"offer": expiring}) == "expired"
    assert aid.post_view(community.node, expiring)["status"] == "expired"
    community.act("bob", "aid.post.settled", {"post": offer, "as": "gift"})
    assert community.refused("bob", "aid.post.settled", {"post": offer, "as": "gift"}) == (
        "already_settled"
    )
    assert replays(community)


def test_a_claim_can_be_released_and_taken_again(community: Community) -> None:
    offer = post(community, "alice", "offer")
    community.act("bob", "aid.offer.claimed", {"offer": offer})
    community.act("bob", "aid.claim.released", {"post": offer})
    assert record(community, offer)["status"] == "open"
    community.act("carol", "aid.offer.claimed", {"offer": offer})
    assert record(community, offer)["claimer"] == community.did("carol")


def test_matching_by_category_and_distance(community: Community) -> None:
    admit(community, "dana")
    need = post(community, "carol", "request", category="food", area=BERLIN, urgency="urgent")
    near = post(community, "alice", "offer", category="food", area=POTSDAM)
    far = post(community, "bob", "offer", category="food", area=HAMBURG)
    anywhere = post(community, "dana", "offer", category="food")
    post(community, "dana", "offer", category="tools", area=BERLIN)  # another category
    post(community, "carol", "offer", category="food", area=BERLIN)  # carol's own
    found = aid.matches(community.node, need)
    assert [m["id"] for m in found] == [near, far, anywhere]
    assert found[0]["distance_km"] == distance_km(BERLIN, POTSDAM) < 40
    assert found[1]["distance_km"] > 200 and found[2]["distance_km"] is None
    assert [m["id"] for m in aid.matches(community.node, need, within_km=50)] == [near, anywhere]
    back = aid.matches(community.node, near)
    assert [m["id"] for m in back] == [need]
    listed = aid.listing(community.node, kind="offer", near=BERLIN, within_km=50)
    assert far not in [p["id"] for p in listed]


def test_geohash_cells() -> None:
    assert encode(52.5200, 13.4050, 5) == BERLIN
    lat, lon = centre(BERLIN)
    assert abs(lat - 52.52) < 0.05 and abs(lon - 13.405) < 0.05
    assert distance_km(BERLIN, HAMBURG) == pytest.approx(255, abs=10)
    assert is_area("u33") and not is_area("u33dbx") and not is_area("ua") and not is_area("")


def test_messages_are_relayed_and_kept_off_the_log(community: Community) -> None:
    from commonweal.core.commitment import commitment, new_salt

    offer = post(community, "alice", "offer", title="Spare room for a week", category="housing")
    community.act("bob", "aid.offer.claimed", {"offer": offer})
    text = {"text": "The key is under the blue pot at 14 Elm Street."}
    salt = new_salt()
    event = community.events.event(
        "bob",
        type="aid.message.relayed",
        body={"post": offer, "to": community.did("alice"), "commitment": commitment(text, salt)},
    )
    aid.relay(community.node, event, text, salt)
    leaves = b"".join(e.leaf for e in community.node.store.entries(0, community.node.size))
    assert b"Elm Street" not in leaves
    assert record(community, offer)["messages"] == 1
    inbox = aid.inbox(community.node, _signed_inbox(community, "alice"))
    assert [(m["text"], m["from"]) for m in inbox] == [(text["text"], community.did("bob"))]
    assert aid.inbox(community.node, _signed_inbox(community, "carol")) == []
    # carol is not a party: she can neither write nor be written to about this post
    body = {"post": offer, "to": community.did("alice"), "commitment": commitment(text, new_salt())}
    assert community.refused("carol", "aid.message.relayed", body) == "not_party"
    # once settled, the node erases the text
    community.act("bob", "aid.post.settled", {"post": offer, "as": "gift"})
    assert aid.inbox(community.node, _signed_inbox(community, "alice")) == []
    assert replays(community)


def _signed_inbox(community: Community, name: str) -> dict[str, str]:
    from commonweal.core.multibase import encode_z
    from commonweal.core.rfc3339 import format_utc

    at = format_utc(community.clock())
    did = community.did(name)
    message = aid.inbox_request_bytes(community.node.identity.did, did, at)
    sig = encode_z(community.events.key(name).sign(message))
    return {"did": did, "at": at, "sig": sig}
