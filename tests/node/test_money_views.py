"""What the money pages read: who may act on an expense (and why not), the ledger paged
newest first, names in place of accounts, and a clearing's set-offs told as cycles."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.domain.catalog import default_registry
from commonweal.domain.credit import mtcs
from commonweal.node.kernel.verify import verify_log
from commonweal.node.read_models import credit as credit_views
from commonweal.node.read_models import treasury as treasury_views
from commonweal.node.read_models import treasury_expenses as expense_views
from commonweal.node.read_models.credit import cycles
from commonweal.node.read_models.treasury_expenses import STILL_A_DRAFT
from tests.community import Community
from tests.governance import admit
from tests.treasury import (
    approved_expense,
    as_node,
    draft_expense,
    income,
    open_treasury,
    pending_expense,
)
from tests.vectors import find_vectors


def allowed(may: dict[str, Any]) -> set[str]:
    return {name for name, value in may.items() if value is True}


def offered(community: Community, expense: int, name: str | None) -> tuple[set[str], str]:
    """The actions the expense page offers ``name`` (None: signed out), and its reasons."""
    viewer = community.did(name) if name else None
    may = expense_views.expense_page(community.node, expense, viewer)["may"]
    return allowed(may), " ".join(may["why_not"])


def test_who_may_act_on_an_expense_and_why_not(community: Community) -> None:
    """Each button is offered exactly when the node would take its event: every action
    shown is then accepted, and the reasons follow the rule's refusal."""
    open_treasury(community, approvals=2)
    admit(community, "gus")  # a member who is not a treasurer
    income(community, 10_000)
    draft = draft_expense(community, "finn", 500)
    assert offered(community, draft, "finn") == ({"submit", "cancel"}, "")
    assert offered(community, draft, "dana") == (set(), STILL_A_DRAFT)
    pending = pending_expense(community, "finn", 700)
    assert offered(community, pending, "finn")[0] == {"cancel"}
    assert "Treasurers" in offered(community, pending, "finn")[1]
    assert "Treasurers" in offered(community, pending, "gus")[1]
    assert offered(community, pending, "dana") == (
        {"approve", "reject"},
        "It is paid once it is approved.",
    )
    community.act("dana", "treasury.expense.approved", {"expense": pending})
    may, why = offered(community, pending, "dana")
    assert may == {"reject"} and "1 more treasurer's approval" in why
    assert community.refused("dana", "treasury.expense.approved", {"expense": pending}) == (
        "already_approved"
    )
    for_dana = pending_expense(community, "finn", 300, payee=community.did("dana"))
    may, why = offered(community, for_dana, "dana")
    assert may == {"reject"} and "You are to be paid by this expense" in why  # as the rule says
    community.act("dana", "treasury.expense.rejected", {"expense": for_dana, "reason": "mine"})
    community.act("erin", "treasury.expense.approved", {"expense": pending})
    assert offered(community, pending, "erin")[0] == {"pay", "reject"}
    assert offered(community, pending, "carol")[0] == {"pay", "reject"}
    assert offered(community, pending, "finn")[0] == {"cancel"}
    assert offered(community, pending, None) == (set(), "")
    community.act("carol", "treasury.expense.paid", {"expense": pending})  # offered, accepted
    for name in ("finn", "carol", "dana"):
        assert offered(community, pending, name) == (set(), "")
    community.act("finn", "treasury.expense.cancelled", {"expense": draft})
    assert offered(community, draft, "finn") == (set(), "")


def test_pay_is_offered_while_the_fund_can_pay_something(community: Community) -> None:
    """The form pays up to the approved amount: a fund holding less can still pay part of
    it (offered, with the page's warning); an empty fund cannot (hidden, and why)."""
    open_treasury(community, approvals=1)
    income(community, 200, to="fund:roof")
    expense = approved_expense(community, "finn", 900, approvers=["dana"], fund="roof")
    may, _why = offered(community, expense, "erin")
    assert "pay" in may
    community.act("erin", "treasury.expense.paid", {"expense": expense, "amount": 200})
    empty = approved_expense(community, "finn", 900, approvers=["dana"], fund="roof")
    may, why = offered(community, empty, "erin")
    assert "pay" not in may and "reject" in may
    assert why and why[0].isupper(), why
    code = community.refused("erin", "treasury.expense.paid", {"expense": empty, "amount": 1})
    assert code == "insufficient_funds"


def test_the_actions_agree_with_the_rules(community: Community) -> None:
    """What the page offers a treasurer is what the node then accepts, and what it hides
    (their own expense) the node refuses."""
    open_treasury(community)
    income(community, 10_000)
    theirs = pending_expense(community, "finn", 2_000)
    own = pending_expense(community, "dana", 1_000)
    page = expense_views.expense_page(community.node, theirs, community.did("dana"))
    assert page["may"]["approve"] and not page["may"]["pay"]
    community.act("dana", "treasury.expense.approved", {"expense": theirs})
    mine = expense_views.expense_page(community.node, own, community.did("dana"))
    assert not mine["may"]["approve"] and "You submitted" in mine["may"]["why_not"][0]
    assert community.refused("dana", "treasury.expense.approved", {"expense": own}) == "own_expense"
    after = expense_views.expense_page(community.node, theirs, community.did("dana"))
    assert [step["approval"] for step in after["history"]] == [None, None, 1]
    assert after["approvers"][0]["did"] == community.did("dana")


def test_the_ledger_pages_newest_first(community: Community) -> None:
    open_treasury(community)
    ids = [income(community, amount).index for amount in range(100, 1_100, 100)]
    ids.append(income(community, 50, to="fund:roof").index)
    seen: list[int] = []
    before = None
    pages = 0
    while True:
        page = treasury_views.ledger_page(community.node, unit="EUR", before=before, limit=3)
        seen += [entry["id"] for entry in page["entries"]]
        pages += 1
        if page["older"] is None:
            break
        before = page["older"]
    assert seen == sorted(ids, reverse=True) and pages == 4
    # a page starts just before the entry its cursor names
    third = treasury_views.ledger_page(community.node, before=seen[5], limit=3)
    assert [e["id"] for e in third["entries"]] == seen[6:9]
    roof = treasury_views.ledger_page(community.node, account="fund:roof")
    assert [e["id"] for e in roof["entries"]] == [ids[-1]] and roof["account_title"] == "Roof"
    entry = roof["entries"][0]
    assert (entry["from"], entry["to"], entry["amount"]) == ("Outside the books", "Roof", 50)
    assert entry["kind_words"] == "Income: donation"
    report = verify_log(community.node.store, default_registry(), compare_with=community.node.store)
    assert report.ok, report.failures


def test_the_overview_names_every_account(community: Community) -> None:
    open_treasury(community)
    income(community, 12_345)
    community.act("carol", "treasury.income.recorded", {
        "to": "node", "unit": "EUR", "amount": 100, "source": "dues",
        "evidence": "sha256:" + "0" * 64,
    })  # fmt: skip
    page = treasury_views.overview_page(community.node, community.did("finn"))
    eur = page["units"][0]
    assert [a["title"] for a in eur["accounts"]] == ["General treasury", "Garden", "Roof"]
    assert eur["treasury"] == 12_445 and eur["external"] == -12_445 and eur["books"] == 0
    assert page["recent"][0]["kind_words"] == "Income: dues"
    assert [row["unit"] for row in page["mine"]] == ["EUR", "HOUR"]
    assert page["mine"][0]["balance"] == 0 and page["mine"][0]["can_pay"] == 0


def test_cycles_of_the_published_micro_example() -> None:
    vector = json.loads(
        (find_vectors() / "mutual" / "mutual_credit_mtcs_micro_example.json").read_text()
    )
    expected = vector["expected"]["setoff_by_obligation"]
    setoffs = [
        {**o, "setoff": expected[str(o["id"])]}
        for o in vector["obligations"]
        if expected[str(o["id"])] > 0
    ]
    assert cycles(setoffs) == [
        {"members": ["10", "20", "30"], "obligations": [1, 2, 3], "amount": 100}
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(1, 50)),
        min_size=1,
        max_size=25,
    )
)
def test_a_clearing_splits_into_cycles(edges: list[tuple[int, int, int]]) -> None:
    """Whatever the debts, the cycles told add up to exactly the clearing's set-offs."""
    obligations = [
        mtcs.Obligation(oid, f"m{a}", f"m{b}", amount)
        for oid, (a, b, amount) in enumerate(edges, start=1)
        if a != b
    ]
    found = mtcs.clear(obligations)
    by_id = {o.id: o for o in obligations}
    setoffs = [
        {"id": oid, "debtor": by_id[oid].debtor, "creditor": by_id[oid].creditor, "setoff": amount}
        for oid, amount in sorted(found.setoff.items())
        if amount > 0
    ]
    told: dict[int, int] = {}
    for cycle in cycles(setoffs):
        loop = cycle["obligations"]
        assert cycle["amount"] > 0
        for position, oid in enumerate(loop):
            following = by_id[loop[(position + 1) % len(loop)]]
            assert by_id[oid].creditor == following.debtor  # each owes the next
            told[oid] = told.get(oid, 0) + cycle["amount"]
    assert told == {row["id"]: row["setoff"] for row in setoffs}


def test_credit_pages_read_positions_obligations_and_the_clearing(community: Community) -> None:
    open_treasury(community)
    limits = {"default": {"min": -1_000, "max": 2_000}}
    as_node(community, "credit.policy.set", {"unit": "HOUR", "limits": limits})
    for debtor, creditor, amount in (
        ("dana", "erin", 300),
        ("erin", "finn", 200),
        ("finn", "dana", 500),
    ):
        body = {"creditor": community.did(creditor), "unit": "HOUR", "amount": amount}
        community.act(debtor, "credit.obligation.recorded", body)
    page = credit_views.unit_page(community.node, "HOUR", community.did("dana"))
    assert page["preview"] == {"debt_before": 1_000, "debt_after": 400, "cleared": 600}
    assert {o["may_settle"] for o in page["open"] if o["debtor"] == community.did("dana")} == {True}
    assert {o["may_forgive"] for o in page["open"] if o["creditor"] == community.did("dana")} == {
        True
    }
    assert page["mine"]["min"] == -1_000 and page["mine"]["can_pay"] == 1_000
    clearing = credit_views.clearing_page(community.node, "HOUR")
    (cycle,) = clearing["cycles"]
    assert cycle["amount"] == 200 and len(cycle["members"]) == 3
    assert [s["setoff"] for s in clearing["setoffs"]] == [200, 200, 200]
    community.act("dana", "credit.clearing.completed", clearing["claim"])
    assert credit_views.clearing_page(community.node, "HOUR")["cycles"] == []
    assert credit_views.unit_page(community.node, "HOUR", None)["clearings"][0]["by_member"]
    report = verify_log(community.node.store, default_registry(), compare_with=community.node.store)
    assert report.ok, report.failures
