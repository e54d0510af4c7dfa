"""The books balance at every index of a story mixing every capability that moves money.

Members pay money in, pledge to an all-or-nothing campaign and to a dominant
assurance contract, withdraw pledges, cancel; a quadratic-funding round takes
contributions and closes; a conviction pool is funded, staked on and pays out; help
is settled in time-bank hours and in mutual credit; a shared bike's deposits are
received and returned with part retained; time passes and the node closes what is
due. Any event may be refused. After every event: every entry sums to zero, every
balance is the sum of the postings to it and within its limits, every unit's
balances sum to zero, and each escrow account holds exactly what its capability's
own records say it holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonweal.core.rfc3339 import format_utc
from commonweal.domain.campaigns import closing as campaign_closing
from commonweal.domain.campaigns.money import bonus_reserve
from commonweal.domain.campaigns.records import held
from commonweal.domain.funding import closing as funding_closing
from commonweal.domain.timestamps import utc_stamp
from commonweal.domain.treasury.ledger import balance, balances_in, limits_of
from tests.domain.treasury.books import NODE, Books, community_books, did

MEMBERS = ("ana", "ben", "cai", "dee")
TREASURERS = ("cai", "dee")
UNITS = ("EUR", "HOUR")
EVIDENCE = "sha256:" + "e" * 64
LIMITS = {"default": {"min": -3_000, "max": 6_000}}


@dataclass
class Story:
    """The books, and the ids of what the story set up."""

    books: Books
    campaigns: list[int] = field(default_factory=list)
    rounds: list[int] = field(default_factory=list)
    projects: list[int] = field(default_factory=list)
    pool: int = 0
    proposals: list[int] = field(default_factory=list)
    bike: int = 0
    bookings: list[int] = field(default_factory=list)

    def act(self, name: str, event_type: str, body: dict[str, Any]) -> int | None:
        """Apply an event by ``name`` (or the node); its id if it was accepted."""
        index = self.books.index
        author = NODE if name == "node" else did(name)
        return index if self.books.apply(author, event_type, body) is None else None

    def later(self, **delta: float) -> str:
        return format_utc(self.books.now + timedelta(**delta))


def pay_in(story: Story, name: str, amount: int) -> None:
    treasurer = "dee" if name == "cai" else "cai"
    body = {
        "to": f"member:{did(name)}",
        "unit": "EUR",
        "amount": amount,
        "source": "bank_transfer",
        "evidence": EVIDENCE,
    }
    assert story.act(treasurer, "treasury.income.recorded", body) is not None


def set_up() -> Story:
    story = Story(community_books(MEMBERS, TREASURERS))
    for code, kind in (("EUR", "fiat"), ("HOUR", "hours")):
        body = {"code": code, "name": code, "exponent": 2, "kind": kind}
        story.books.node("treasury.unit.declared", body)
    story.books.node("credit.policy.set", {"unit": "HOUR", "limits": LIMITS})
    for name in MEMBERS:
        pay_in(story, name, 20_000)
    aon = {"kind": "all_or_nothing", "title": "Roof", "unit": "EUR", "goal": 15_000}
    dac = {
        "kind": "dominant_assurance",
        "title": "Mural",
        "unit": "EUR",
        "goal": 3_000,
        "price": 1_000,
        "bonus": 50,
    }
    for author, terms, days in (("ana", aon, 3), ("ben", dac, 2), ("cai", aon, 6)):
        body = {**terms, "deadline": story.later(days=days)}
        campaign = story.act(author, "campaigns.campaign.launched", body)
        assert campaign is not None
        story.campaigns.append(campaign)
    round_body = {
        "title": "Spring",
        "unit": "EUR",
        "pool": 5_000,
        "closes": story.later(days=4),
        "method": "capped",
        "cap": 3_000,
    }
    round_id = story.act("dee", "funding.round.opened", round_body)
    assert round_id is not None
    story.rounds.append(round_id)
    for name in ("ana", "ben"):
        project = story.act(name, "funding.project.entered", {"round": round_id, "title": name})
        assert project is not None
        story.projects.append(project)
    pool = story.act("cai", "funding.pool.opened", {"title": "Pool", "unit": "EUR"})
    assert pool is not None
    story.pool = pool
    for name, amount in (("ben", 300), ("dee", 800)):
        body = {"pool": pool, "title": "Ask", "amount": amount}
        proposal = story.act(name, "funding.proposal.submitted", body)
        assert proposal is not None
        story.proposals.append(proposal)
    rules = {"stewards": [did("dee")], "deposit": {"amount": 2_500, "unit": "EUR"}}
    bike = story.act(
        "ana", "commons.resource.registered", {"kind": "vehicle", "title": "Bike", "rules": rules}
    )
    assert bike is not None
    story.bike = bike
    return story


names = st.sampled_from(MEMBERS)
amounts = st.integers(1, 9_000)
KINDS = (
    ("pledge",) * 4
    + ("withdraw", "cancel", "pay_in", "contribute", "contribute", "fund_pool", "stake", "stake")
    + ("aid", "aid", "book", "book", "receive", "receive", "return", "transfer", "time", "time")
)


@st.composite
def operations(draw: st.DrawFn) -> tuple[str, tuple[Any, ...]]:
    kind = draw(st.sampled_from(KINDS))
    if kind in ("pledge", "contribute", "fund_pool", "transfer", "pay_in"):
        return kind, (draw(names), draw(st.integers(0, 5)), draw(amounts), draw(names))
    if kind in ("withdraw", "cancel", "stake", "book", "receive"):
        return kind, (draw(names), draw(st.integers(0, 60)), draw(st.integers(0, 1000)))
    if kind == "aid":
        how = draw(st.sampled_from(("hours", "credit")))
        return kind, (draw(names), draw(names), how, draw(st.integers(1, 40)) * 3)
    if kind == "return":
        return kind, (draw(st.integers(0, 5)), draw(st.integers(0, 2_500)))
    return kind, (draw(st.integers(1, 3)),)


def run(story: Story, operation: tuple[str, tuple[Any, ...]]) -> None:
    kind, args = operation
    state = story.books.state
    if kind == "pay_in":
        name, _i, amount, _other = args
        pay_in(story, name, amount)
    elif kind == "pledge":
        name, i, amount, _other = args
        campaign = story.campaigns[i % len(story.campaigns)]
        record = state.get("campaigns.campaigns", campaign)
        amount = record["price"] or amount
        body = {"campaign": campaign, "home": NODE, "amount": amount}
        story.act(name, "campaigns.pledge.made", body)
    elif kind == "withdraw":
        name, i, _n = args
        campaign = story.campaigns[i % len(story.campaigns)]
        story.act(name, "campaigns.pledge.withdrawn", {"campaign": campaign})
    elif kind == "cancel":
        _name, i, _n = args
        campaign = story.campaigns[i % len(story.campaigns)]
        author = {did(n): n for n in MEMBERS}[state.get("campaigns.campaigns", campaign)["author"]]
        story.act(author, "campaigns.campaign.cancelled", {"campaign": campaign})
    elif kind == "contribute":
        name, i, amount, _other = args
        project = story.projects[i % len(story.projects)]
        story.act(name, "funding.contribution.made", {"project": project, "amount": amount})
    elif kind == "fund_pool":
        name, _i, amount, _other = args
        story.act(name, "funding.pool.funded", {"pool": story.pool, "amount": amount})
    elif kind == "stake":
        name, i, points = args
        proposal = story.proposals[i % len(story.proposals)]
        story.act(name, "funding.stake.set", {"proposal": proposal, "amount": points})
    elif kind == "aid":
        helped, helper, how, size = args
        request = story.act(helped, "aid.request.posted", {"title": "Help", "category": "care"})
        if (
            request is None
            or story.act(helper, "aid.request.answered", {"request": request}) is None
        ):
            return
        body: dict[str, Any] = {"post": request, "as": "hours", "minutes": size}
        if how == "credit":
            body = {"post": request, "as": "credit", "amount": size * 10, "unit": "HOUR"}
        story.act(helped, "aid.post.settled", body)
    elif kind == "book":
        name, hours, _n = args
        start = story.books.now + timedelta(hours=1 + hours)
        body = {
            "resource": story.bike,
            "start": utc_stamp(start),
            "end": utc_stamp(start + timedelta(hours=2)),
        }
        booking = story.act(name, "commons.booking.made", body)
        if booking is not None:
            story.bookings.append(booking)
    elif kind == "receive":
        _name, i, _n = args
        if story.bookings:
            booking = story.bookings[i % len(story.bookings)]
            body = {"booking": booking, "amount": 2_500, "unit": "EUR"}
            story.act("dee", "commons.deposit.received", body)
    elif kind == "return":
        i, retained = args
        if story.bookings:
            booking = story.bookings[i % len(story.bookings)]
            body = {
                "booking": booking,
                "amount": 2_500 - retained,
                "unit": "EUR",
                "retained": retained,
                "reason": "Scratched",
            }
            record = state.get("commons.bookings", booking)
            if record["status"] == "confirmed":
                story.act(record_member(record), "commons.booking.cancelled", {"booking": booking})
            story.act("dee", "commons.deposit.returned", body)
    elif kind == "transfer":
        name, _i, amount, other = args
        body = {"to": f"member:{did(other)}", "unit": "HOUR", "amount": amount}
        story.act(name, "treasury.transfer.sent", body)
    else:
        (days,) = args
        story.books.later(days=days)
        due_events(story)


def record_member(record: dict[str, Any]) -> str:
    return {did(n): n for n in MEMBERS}[record["member"]]


def due_events(story: Story) -> None:
    """The node logs what is due, as ``run_due`` does: closings, then payouts."""
    state, now = story.books.state, format_utc(story.books.now)
    for campaign in campaign_closing.due(state, now):
        body = campaign_closing.closing_body(state, campaign)
        assert story.act("node", "campaigns.campaign.closed", body) is not None
    # one at a time, looking again after each: paying one pool proposal leaves less in the
    # pool, and so can raise the next one's threshold (the node's run_due does the same)
    while steps := funding_closing.due(state, now):
        step = steps[0]
        if step.type == funding_closing.ROUND_CLOSED:
            body = funding_closing.closing_body(state, step.id)
        else:
            body = {"proposal": step.id}
        assert story.act("node", step.type, body) is not None


def check(story: Story) -> None:
    state = story.books.state
    posted: dict[tuple[str, str], int] = defaultdict(int)
    for _index, entry in state.items("treasury.entries"):
        assert sum(p["amount"] for p in entry["postings"]) == 0
        for posting in entry["postings"]:
            posted[(posting["account"], entry["unit"])] += posting["amount"]
    for unit in UNITS:
        balances = balances_in(state, unit)
        assert sum(value for _account, value in balances) == 0, f"the {unit} books do not balance"
        for account, value in balances:
            assert value == posted[(account, unit)]
            limits = limits_of(state, account, unit)
            if limits is not None:
                assert value >= limits[0], f"{account} is below its floor"
    # each escrow account holds exactly what its capability says it holds
    for campaign in story.campaigns:
        record = state.get("campaigns.campaigns", campaign)
        expected = 0
        if record["status"] == "open":
            expected = sum(held(state, campaign).values()) + bonus_reserve(record)
        assert balance(state, f"campaign:{campaign}", "EUR") == expected
    for round_id in story.rounds:
        record = state.get("funding.rounds", round_id)
        expected = record["pool"] if record["status"] == "open" else 0
        assert balance(state, f"round:{round_id}", "EUR") == expected
    pool = state.get("funding.pools", story.pool)
    assert balance(state, f"pool:{story.pool}", "EUR") == pool["funds"]
    deposits = sum(
        2_500
        for booking in story.bookings
        if (state.get("commons.bookings", booking)["deposit"] or {}).get("status") == "held"
    )
    assert balance(state, f"deposits:{story.bike}", "EUR") == deposits


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(operations(), min_size=15, max_size=45))
def test_the_books_balance_at_every_index_of_a_mixed_story(
    ops: list[tuple[str, tuple[Any, ...]]],
) -> None:
    story = set_up()
    check(story)
    for operation in ops:
        run(story, operation)
        check(story)
    story.books.later(days=10)  # everything closes; every escrow but the pool's is empty
    due_events(story)
    check(story)
    for campaign in story.campaigns:
        assert balance(story.books.state, f"campaign:{campaign}", "EUR") == 0
    assert balance(story.books.state, f"round:{story.rounds[0]}", "EUR") == 0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(names, st.integers(0, 2), st.integers(1, 4_000)), min_size=1, max_size=20),
    st.integers(1, 20_000),
    st.sampled_from(("plain", "capped", "pairwise")),
)
def test_a_saturated_round_pays_its_whole_pool_and_ends_at_zero(
    gifts: list[tuple[str, int, int]], pool: int, method: str
) -> None:
    """Whatever the contributions, a round's account ends at zero; a saturated round pays
    exactly its pool to the projects' beneficiaries (unless every funded project reached
    the cap), and the opener gets back only what the matches left."""
    story = Story(community_books(MEMBERS, TREASURERS))
    body = {"code": "EUR", "name": "Euro", "exponent": 2, "kind": "fiat"}
    story.books.node("treasury.unit.declared", body)
    for name in MEMBERS:
        pay_in(story, name, 100_000)
    terms: dict[str, Any] = {"cap": max(pool // 2, 1)} if method == "capped" else {}
    if method == "pairwise":
        terms = {"m": 1_000}
    opening = {
        "title": "R",
        "unit": "EUR",
        "pool": pool,
        "closes": story.later(days=1),
        "method": method,
        "spend_whole_pool": True,
        **terms,
    }
    round_id = story.act("dee", "funding.round.opened", opening)
    assert round_id is not None
    projects = [
        story.act(name, "funding.project.entered", {"round": round_id, "title": name})
        for name in ("ana", "ben", "cai")
    ]
    for name, which, amount in gifts:
        body = {"project": projects[which], "amount": amount}
        story.act(name, "funding.contribution.made", body)  # one's own project is refused
    before = {name: balance(story.books.state, f"member:{did(name)}", "EUR") for name in MEMBERS}
    story.books.later(days=1)
    due_events(story)
    record = story.books.state.get("funding.rounds", round_id)
    result = record["result"]
    assert balance(story.books.state, f"round:{round_id}", "EUR") == 0
    if result["saturated"]:
        funded = [m for m in result["matches"].values() if m > 0]
        all_capped = method == "capped" and all(m == terms["cap"] for m in funded)
        assert result["matched"] == pool or all_capped
    after = {name: balance(story.books.state, f"member:{did(name)}", "EUR") for name in MEMBERS}
    matches = result["matches"]
    for name, project in zip(("ana", "ben", "cai"), projects, strict=True):
        assert after[name] - before[name] == matches.get(str(project), 0)
    assert after["dee"] - before["dee"] == pool - result["matched"]  # the opener gets the rest
    assert sum(v for _a, v in balances_in(story.books.state, "EUR")) == 0
