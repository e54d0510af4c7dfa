"""Properties of the ledger under any sequence of money events, accepted or refused.

After every event: each unit's balances sum to zero (the books balance), no
balance is beyond its limit, and every balance equals the sum of the postings
the ledger entries made to it (a balance is computed from the log).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonweal.domain.credit.clearing import claim_of
from commonweal.domain.treasury.ledger import balances_in, limits_of
from tests.domain.treasury.books import Books, community_books, did

MEMBERS = ("ana", "ben", "cai", "dee")
TREASURERS = ("cai", "dee")
UNITS = ("EUR", "HOUR")
ACCOUNTS = ("node", "fund:garden", "fund:roof", *(f"member:{did(n)}" for n in MEMBERS))
LIMITS = {
    "default": {"min": -5_000, "max": 8_000},
    "roles": {"treasurer": {"min": -9_000, "max": None}},
    "members": {did("ana"): {"min": -1_000, "max": 2_000}},
}
GIFT = {"source": "donation", "evidence": "sha256:" + "a" * 64}


def fresh_books() -> Books:
    books = community_books(MEMBERS, TREASURERS)
    books.node(
        "treasury.unit.declared", {"code": "EUR", "name": "Euro", "exponent": 2, "kind": "fiat"}
    )
    books.node(
        "treasury.unit.declared", {"code": "HOUR", "name": "Hour", "exponent": 2, "kind": "hours"}
    )
    for fund in ("garden", "roof"):
        books.node("treasury.fund.opened", {"fund": fund, "title": fund})
    demurrage = {"rate": "7/100", "period_days": 1, "account": "fund:garden"}
    books.node("credit.policy.set", {"unit": "HOUR", "limits": LIMITS, "demurrage": demurrage})
    for unit in UNITS:  # something in the garden fund to spend
        body = {"to": "fund:garden", "unit": unit, "amount": 20_000}
        assert books.apply(did("cai"), "treasury.income.recorded", {**body, **GIFT}) is None
    return books


names = st.sampled_from(MEMBERS)
units = st.sampled_from(UNITS)
amounts = st.integers(min_value=1, max_value=6_000)


KINDS = (
    ("income",) * 2
    + ("transfer",) * 3
    + ("decided", "expense", "expense", "settle", "clear", "days")
    + ("obligation",) * 4
)
funds = st.sampled_from(("node", "fund:garden", "fund:garden", "fund:roof"))


@st.composite
def operations(draw: st.DrawFn) -> tuple[str, Any]:
    kind = draw(st.sampled_from(KINDS))
    if kind == "income":
        return kind, (
            draw(st.sampled_from(("cai", "ana"))),
            draw(funds),
            draw(units),
            draw(amounts),
        )
    if kind == "transfer":
        return kind, (draw(names), draw(st.sampled_from(ACCOUNTS)), draw(units), draw(amounts))
    if kind == "decided":
        to = draw(st.sampled_from((*ACCOUNTS, "external")))
        return kind, (draw(funds), to, draw(units), draw(amounts))
    if kind == "expense":
        everyone = draw(st.permutations((*TREASURERS, "ana")))
        approvers = everyone[: draw(st.integers(0, 3))]
        payer = draw(st.sampled_from((*TREASURERS, "ben")))
        submitter = draw(st.sampled_from(("ana", "ben", "ben", "cai")))
        paid = draw(st.none() | amounts)  # None: the whole approved amount
        return kind, (submitter, draw(units), draw(amounts), approvers, payer, paid)
    if kind == "obligation":
        return kind, (draw(names), draw(names), draw(amounts))
    if kind == "settle":
        return kind, (draw(st.integers(0, 50)),)
    if kind == "clear":
        return kind, ()
    return kind, (draw(st.integers(1, 3)),)


def run(books: Books, operation: tuple[str, Any]) -> None:
    kind, args = operation
    if kind == "income":
        who, to, unit, amount = args
        body = {
            "to": to,
            "unit": unit,
            "amount": amount,
            "source": "donation",
            "evidence": "sha256:" + "a" * 64,
        }
        books.apply(did(who), "treasury.income.recorded", body)
    elif kind == "transfer":
        who, to, unit, amount = args
        books.apply(did(who), "treasury.transfer.sent", {"to": to, "unit": unit, "amount": amount})
    elif kind == "decided":
        source, to, unit, amount = args
        books.execute(
            {"type": "treasury.transfer", "from": source, "to": to, "unit": unit, "amount": amount}
        )
    elif kind == "expense":
        who, unit, amount, approvers, payer, paid = args
        expense = books.index
        body = {"fund": "garden", "unit": unit, "amount": amount, "title": "t"}
        if books.apply(did(who), "treasury.expense.drafted", body) is None:
            books.apply(did(who), "treasury.expense.submitted", {"expense": expense})
            for approver in approvers:
                books.apply(did(approver), "treasury.expense.approved", {"expense": expense})
            payment = {"expense": expense} if paid is None else {"expense": expense, "amount": paid}
            books.apply(did(payer), "treasury.expense.paid", payment)
    elif kind == "obligation":
        debtor, creditor, amount = args
        body = {"creditor": did(creditor), "unit": "HOUR", "amount": amount}
        books.apply(did(debtor), "credit.obligation.recorded", body)
    elif kind == "settle":
        (position,) = args
        records = [r for _id, r in sorted(books.state.items("credit.obligations"))]
        if records:
            record = records[position % len(records)]
            body = {"obligation": record["id"]}
            books.apply(record["debtor"], "credit.obligation.settled", body)
    elif kind == "clear":
        claim = claim_of(books.state, "HOUR")
        books.apply(did("ana"), "credit.clearing.completed", claim)
    else:
        (days,) = args
        books.later(days=days)
        books.node("credit.demurrage.charged", {"unit": "HOUR", "days": days})


def check_invariants(books: Books) -> None:
    posted: dict[tuple[str, str], int] = defaultdict(int)
    for _index, entry in books.state.items("treasury.entries"):
        assert sum(p["amount"] for p in entry["postings"]) == 0
        for posting in entry["postings"]:
            posted[(posting["account"], entry["unit"])] += posting["amount"]
    for unit in UNITS:
        held = balances_in(books.state, unit)
        assert sum(value for _account, value in held) == 0, f"{unit} books do not balance"
        for account, value in held:
            assert value == posted[(account, unit)]
            limits = limits_of(books.state, account, unit)
            if limits is not None:
                low, high = limits
                assert value >= low, f"{account} is below its floor"
                assert high is None or value <= high, f"{account} is above its ceiling"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations(), max_size=60))
def test_the_books_balance_and_limits_hold_after_every_event(ops: list[tuple[str, Any]]) -> None:
    books = fresh_books()
    for operation in ops:
        run(books, operation)
        check_invariants(books)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(names, names, st.integers(1, 900)), min_size=1, max_size=25))
def test_clearing_keeps_every_balance_and_net_position(debts: list[tuple[str, str, int]]) -> None:
    books = fresh_books()
    for debtor, creditor, amount in debts:
        body = {"creditor": did(creditor), "unit": "HOUR", "amount": amount}
        books.apply(did(debtor), "credit.obligation.recorded", body)
    before = _net(books)
    balances = balances_in(books.state, "HOUR")
    claim = claim_of(books.state, "HOUR")
    refused = books.apply(did("ben"), "credit.clearing.completed", claim)
    if not claim["setoffs"]:
        assert refused == "nothing_to_clear"
        return
    assert refused is None
    assert _net(books) == before
    assert balances_in(books.state, "HOUR") == balances  # a clearing moves no money
    again = claim_of(books.state, "HOUR")
    assert again["setoffs"] == []  # nothing is left to clear: no cycle remains


def _net(books: Books) -> dict[str, int]:
    net: dict[str, int] = defaultdict(int)
    for _id, record in books.state.items("credit.obligations"):
        net[record["debtor"]] -= record["open"]
        net[record["creditor"]] += record["open"]
    return {k: v for k, v in net.items() if v}
