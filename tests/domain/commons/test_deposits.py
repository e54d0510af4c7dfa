"""Deposits owed, received and returned as events, and as entries in the treasury's ledger."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from commonweal.domain.commons.deposits import (
    deposits_account,
    receipt_postings,
    retained_account,
    return_postings,
)
from commonweal.domain.funding.postings import member_account
from tests.commons import book, record, register, verified
from tests.community import Community
from tests.governance import admit
from tests.mutual import FUNDS, books_balance, funded, held

BOOKINGS = "commons.bookings"
DEPOSIT = {"amount": 2000, "unit": "EUR"}


def test_a_deposit_is_owed_received_and_returned(community: Community) -> None:
    admit(community, "dana")
    funded(community, "dana")
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
    assert held(community, "dana") == FUNDS - 2000
    assert held(community, f"deposits:{bike}") == 2000
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
    # the ledger: 1500 back to dana, 500 kept in the node's treasury, the deposits empty again
    assert held(community, "dana") == FUNDS - 500
    assert held(community, "node") == 500
    assert held(community, f"deposits:{bike}") == 0
    [entry] = [
        e
        for _i, e in community.node.state.items("treasury.entries")
        if e["type"] == "commons.deposit.returned"
    ]
    assert entry["kind"] == "deposit" and entry["ref"] == booking
    assert entry["postings"] == [
        {"account": f"deposits:{bike}", "amount": -2000},
        {"account": f"member:{community.did('dana')}", "amount": 1500},
        {"account": "node", "amount": 500},
    ]
    assert "Bent" in entry["memo"]
    assert books_balance(community)
    assert community.refused("bob", "commons.deposit.returned", back) == "deposit_not_held"
    assert verified(community)


def test_a_deposit_needs_a_declared_unit_and_the_member_s_money(community: Community) -> None:
    admit(community, "dana")
    rules = {"stewards": [community.did("alice")], "deposit": DEPOSIT}
    body = {"kind": "vehicle", "title": "Cargo bike", "rules": rules}
    assert community.refused("alice", "commons.resource.registered", body) == "unknown_unit"
    funded(community)  # EUR declared; dana has paid nothing in
    bike = register(community, title="Cargo bike", kind="vehicle", deposit=DEPOSIT)
    booking = book(community, "dana", bike, 1, 3).index
    paid = {"booking": booking, **DEPOSIT}
    assert community.refused("alice", "commons.deposit.received", paid) == "insufficient_funds"
    assert record(community, BOOKINGS, booking)["deposit"]["status"] == "owed"
    assert verified(community)


def test_cancelling_voids_an_unpaid_deposit(community: Community) -> None:
    admit(community, "dana")
    funded(community, "dana")
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
    assert held(community, "dana") == FUNDS and held(community, f"deposits:{bike}") == 0
    room = register(community, title="Room")
    free = book(community, "dana", room, 6, 1).index
    body = {"booking": free, **DEPOSIT}
    assert community.refused("alice", "commons.deposit.received", body) == "no_deposit"


@given(
    amount=st.integers(1, 10**12),
    kept=st.integers(0, 10**12),
    unit=st.sampled_from(["EUR", "HOUR"]),
)
def test_deposit_postings_settle_to_what_was_kept(amount: int, kept: int, unit: str) -> None:
    retained = min(kept, amount)
    booking = {"id": 40, "resource": 7, "member": "did:key:z6MkDana"}
    moved = [
        *receipt_postings(booking, amount, unit),
        *return_postings(booking, amount - retained, retained, unit),
    ]
    balances: Counter[str] = Counter()
    for posting in moved:
        assert posting.amount > 0 and posting.unit == unit
        balances[posting.source] -= posting.amount
        balances[posting.destination] += posting.amount
    assert sum(balances.values()) == 0  # the books balance
    # the member is out only what was kept; the deposits account is empty again
    assert balances[member_account("did:key:z6MkDana")] == -retained
    assert balances[deposits_account(7)] == 0
    assert balances[retained_account()] == retained
