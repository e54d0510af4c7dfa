"""Deposits owed, received and returned as events; the postings they imply always balance."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from commonweal.domain.commons.deposits import (
    HELD_ACCOUNT,
    owed_account,
    receipt_postings,
    retained_account,
    return_postings,
)
from tests.commons import book, record, register, verified
from tests.community import Community
from tests.governance import admit

BOOKINGS = "commons.bookings"
DEPOSIT = {"amount": 2000, "unit": "EUR"}


def test_a_deposit_is_owed_received_and_returned(community: Community) -> None:
    admit(community, "dana")
    bike = register(community, title="Cargo bike", kind="vehicle", deposit=DEPOSIT)
    booking = book(community, "dana", bike, 1, 3).index
    assert record(community, BOOKINGS, booking)["deposit"] == {**DEPOSIT, "status": "owed"}
    paid = {"booking": booking, "amount": 2000, "unit": "EUR"}
    assert community.refused("dana", "commons.deposit.received", paid) == "not_steward"
    wrong = {**paid, "amount": 1000}
    assert community.refused("alice", "commons.deposit.received", wrong) == "deposit_mismatch"
    assert community.refused("alice", "commons.deposit.received", {**paid, "unit": "USD"}) == (
        "deposit_mismatch"
    )
    community.act("alice", "commons.deposit.received", paid)
    assert record(community, BOOKINGS, booking)["deposit"]["status"] == "held"
    assert community.refused("alice", "commons.deposit.received", paid) == "deposit_not_owed"
    back = {"booking": booking, "amount": 1500, "unit": "EUR", "retained": 500, "reason": "Bent"}
    assert community.refused("alice", "commons.deposit.returned", back) == "too_early"
    community.clock.advance(hours=4)
    assert community.refused("alice", "commons.deposit.returned", {**back, "retained": 400}) == (
        "deposit_mismatch"
    )
    assert community.refused("alice", "commons.deposit.returned", {**back, "reason": ""}) == (
        "invalid_body"
    )
    community.act("bob", "commons.deposit.returned", back)
    settled = record(community, BOOKINGS, booking)["deposit"]
    assert (settled["status"], settled["returned"], settled["retained"]) == ("returned", 1500, 500)
    assert community.refused("bob", "commons.deposit.returned", back) == "deposit_not_held"
    assert verified(community)


def test_cancelling_voids_an_unpaid_deposit(community: Community) -> None:
    admit(community, "dana")
    bike = register(community, title="Cargo bike", kind="vehicle", deposit=DEPOSIT)
    unpaid = book(community, "dana", bike, 1, 1).index
    paid = book(community, "dana", bike, 3, 1).index
    community.act("alice", "commons.deposit.received", {"booking": paid, **DEPOSIT})
    for booking in (unpaid, paid):
        community.act("dana", "commons.booking.cancelled", {"booking": booking})
    assert record(community, BOOKINGS, unpaid)["deposit"]["status"] == "void"
    assert record(community, BOOKINGS, paid)["deposit"]["status"] == "held"
    # a cancelled booking's deposit goes back at once
    community.act("alice", "commons.deposit.returned", {"booking": paid, **DEPOSIT})
    room = register(community, title="Room")
    free = book(community, "dana", room, 6, 1).index
    body = {"booking": free, **DEPOSIT}
    assert community.refused("alice", "commons.deposit.received", body) == "no_deposit"


def balance(postings: list[object]) -> Counter[str]:
    totals: Counter[str] = Counter()
    for posting in postings:
        totals[posting.unit] += posting.amount  # type: ignore[attr-defined]
    return totals


@given(
    amount=st.integers(1, 10**12),
    kept=st.integers(0, 10**12),
    unit=st.sampled_from(["EUR", "hours"]),
)
def test_deposit_postings_always_balance(amount: int, kept: int, unit: str) -> None:
    retained = min(kept, amount)
    member = "did:key:z6MkDana"
    received = receipt_postings(member, amount, unit)
    returned = return_postings(member, 7, amount - retained, retained, unit)
    assert all(total == 0 for total in balance(received).values())
    assert all(total == 0 for total in balance(returned).values())
    # after both, the member is owed nothing and the node holds only what it kept
    accounts: Counter[str] = Counter()
    for posting in [*received, *returned]:
        accounts[posting.account] += posting.amount
    assert accounts[owed_account(member)] == 0
    assert accounts[HELD_ACCOUNT] == retained
    assert accounts[retained_account(7)] == -retained
