"""What the money pages read: who may act on an expense (and why not), the ledger paged
newest first, names in place of accounts, and a clearing's set-offs told as cycles."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.domain.catalog import default_registry
from commonweal.domain.credit import mtcs
from commonweal.node import credit_views, expense_views, treasury_views
from commonweal.node.credit_views import cycles
from commonweal.node.expense_views import expense_actions
from commonweal.node.verify import verify_log
from tests.community import Community
from tests.treasury import as_node, income, open_treasury, pending_expense
from tests.vectors import find_vectors

SUBMITTER, PAYEE, TREASURER, OTHER = (
    "did:key:z6MkS",
    "did:key:z6MkP",
    "did:key:z6MkT",
    "did:key:z6MkO",
)
SPENDS = ["treasury.spend"]


def an_expense(status: str, approvals: list[str] | None = None) -> dict[str, Any]:
    return {
        "status": status,
        "submitter": SUBMITTER,
        "payee": PAYEE,
        "approvals": approvals or [],
    }


def allowed(may: dict[str, Any]) -> set[str]:
    return {name for name, value in may.items() if value is True}


@pytest.mark.parametrize(
    ("status", "viewer", "active", "permissions", "approvals", "expected", "why"),
    [
        ("DRAFT", SUBMITTER, True, [], [], {"submit", "cancel"}, None),
        ("DRAFT", SUBMITTER, False, [], [], {"cancel"}, None),
        ("DRAFT", TREASURER, True, SPENDS, [], set(), "still a draft"),
        ("PENDING", SUBMITTER, True, [], [], {"cancel"}, "Treasurers"),
        ("PENDING", OTHER, True, [], [], set(), "Treasurers"),
        ("PENDING", TREASURER, False, SPENDS, [], set(), "Treasurers"),
        ("PENDING", TREASURER, True, SPENDS, [], {"approve", "reject"}, "once it is approved"),
        (
            "PENDING",
            TREASURER,
            True,
            SPENDS,
            [TREASURER],
            {"reject"},
            "1 more treasurer's approval",
        ),
        ("PENDING", SUBMITTER, True, SPENDS, [], {"cancel"}, "You submitted this expense"),
        ("PENDING", PAYEE, True, SPENDS, [], set(), "You are to be paid by this expense"),
        ("APPROVED", TREASURER, True, SPENDS, [OTHER, "x"], {"pay", "reject"}, None),
        ("APPROVED", PAYEE, True, SPENDS, [OTHER, "x"], set(), "Nobody decides on their own"),
        ("APPROVED", SUBMITTER, True, [], [OTHER, "x"], {"cancel"}, "Treasurers"),
        ("PAID", SUBMITTER, True, SPENDS, [], set(), None),
        ("REJECTED", TREASURER, True, SPENDS, [], set(), None),
        ("CANCELED", SUBMITTER, True, [], [], set(), None),
        ("PENDING", None, False, [], [], set(), None),
    ],
)
def test_who_may_act_on_an_expense_and_why_not(
    status: str,
    viewer: str | None,
    active: bool,
    permissions: list[str],
    approvals: list[str],
    expected: set[str],
    why: str | None,
) -> None:
    may = expense_actions(
        an_expense(status, approvals),
        viewer,
        active=active,
        permissions=permissions,
        required=2,
    )
    assert allowed(may) == expected
    reasons = " ".join(may["why_not"])
    if why is None:
        assert reasons == ""
    else:
        assert why in reasons, reasons


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
        newer = treasury_views.ledger_page(community.node, unit="EUR", before=before, limit=3)
        assert newer["newer"] is not None
    assert seen == sorted(ids, reverse=True) and pages == 4
    # the newer cursor of the second page leads back to the first page
    second = treasury_views.ledger_page(community.node, before=seen[2], limit=3)
    assert second["newer"] == -1
    third = treasury_views.ledger_page(community.node, before=seen[5], limit=3)
    back = treasury_views.ledger_page(community.node, before=third["newer"], limit=3)
    assert [e["id"] for e in back["entries"]] == seen[3:6]
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
