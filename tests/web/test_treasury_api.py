"""The treasury and credit API: accounts, balances, the paged ledger, exports, expenses, budgets."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from tests.community import Community
from tests.treasury import approved_expense, as_node, income, of, open_treasury
from tests.web.paging import walk


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def seeded(community: Community) -> int:
    """A treasury with income, a paid expense, a pending one, and a budget; returns the paid id."""
    open_treasury(community)
    as_node(
        community,
        "treasury.budget.set",
        {
            "fund": "garden",
            "name": "2026",
            "unit": "EUR",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "lines": [{"line": "seeds", "title": "Seeds", "amount": 20_000}],
        },
    )
    for amount in (10_000, 2_500, 7_500):
        income(community, amount)
    paid = approved_expense(community, "finn", 4_000, line="seeds")
    community.act("carol", "treasury.expense.paid", {"expense": paid})
    approved_expense(community, "finn", 1_000, approvers=("dana",))
    return paid


def test_overview_accounts_and_balances(client: TestClient, community: Community) -> None:
    seeded(community)
    overview = client.get("/v1/treasury").json()
    assert [u["code"] for u in overview["units"]] == ["EUR", "HOUR"]
    assert [f["fund"] for f in overview["funds"]] == ["garden", "roof"]
    eur = overview["totals"][0]
    assert eur["treasury"] == {"balance": 16_000, "formatted": "160.00"} and eur["books"] == 0
    accounts = client.get("/v1/treasury/accounts", params={"unit": "EUR"}).json()["accounts"]
    by_name = {a["account"]: a for a in accounts}
    assert by_name["fund:garden"]["formatted"] == "160.00"
    assert by_name["fund:roof"]["balance"] == 0 and by_name["node"]["balance"] == 0
    assert by_name["external"]["balance"] == -16_000 and by_name["external"]["min"] is None
    assert sum(a["balance"] for a in accounts) == 0
    one = client.get("/v1/treasury/balances/fund:garden").json()
    assert one["kind"] == "fund" and one["balances"][0]["balance"] == 16_000
    bad = client.get("/v1/treasury/balances/bank")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_request"


def test_the_ledger_pages_in_log_order(client: TestClient, community: Community) -> None:
    seeded(community)
    seen = walk(client, "/v1/treasury/ledger?limit=2", "entries")
    assert [e["kind"] for e in seen] == ["income:donation"] * 3 + ["expense"]
    assert [e["id"] for e in seen] == sorted(e["id"] for e in seen)
    assert seen[-1]["postings"][0]["formatted"] == "-40.00"
    after_first = client.get("/v1/treasury/ledger", params={"after": seen[0]["id"]}).json()
    assert [e["id"] for e in after_first["entries"]] == [e["id"] for e in seen[1:]]
    finn_only = client.get("/v1/treasury/ledger", params={"account": of(community, "finn")})
    assert finn_only.json() == {"entries": [], "next": None}
    assert client.get("/v1/treasury/ledger", params={"limit": 0}).status_code == 400


def test_exports_balance_to_zero(client: TestClient, community: Community) -> None:
    seeded(community)
    response = client.get("/v1/treasury/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 8  # four entries, two postings each
    per_entry: dict[str, int] = defaultdict(int)
    for row in rows:
        per_entry[row["entry"]] += int(row["amount_minor"])
    assert set(per_entry.values()) == {0}
    assert {row["evidence"][:7] for row in rows if row["kind"].startswith("income")} == {"sha256:"}
    document = client.get("/v1/treasury/export.json").json()
    assert len(document["entries"]) == 4 and document["node"] == community.node.identity.did
    assert client.get("/v1/treasury/export.json", params={"unit": "HOUR"}).json()["entries"] == []


def test_expenses_and_budgets(client: TestClient, community: Community) -> None:
    paid = seeded(community)
    listed = client.get("/v1/treasury/expenses").json()["expenses"]
    assert [e["status"] for e in listed] == ["PENDING", "PAID"]
    assert (
        client.get("/v1/treasury/expenses", params={"status": "PAID"}).json()["expenses"][0]["id"]
        == paid
    )
    assert client.get("/v1/treasury/expenses", params={"status": "LOST"}).status_code == 400
    one = client.get(f"/v1/treasury/expenses/{paid}").json()
    assert one["approvals_required"] == 2 and len(one["approvals"]) == 2
    assert client.get("/v1/treasury/expenses/999999").status_code == 404
    budget = client.get("/v1/treasury/budgets/garden/2026").json()
    assert budget["lines"][0]["actual"] == 4_000 and budget["totals"]["income"] == 20_000
    assert len(client.get("/v1/treasury/budgets").json()["budgets"]) == 1
    assert client.get("/v1/treasury/budgets/garden/1999").status_code == 404


def test_a_refused_payment_is_a_problem_document(client: TestClient, community: Community) -> None:
    open_treasury(community)
    expense = approved_expense(community, "finn", 1_000)
    event = community.events.event("carol", type="treasury.expense.paid", body={"expense": expense})
    response = client.post("/v1/events", content=orjson.dumps(event))
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_funds"
    own = community.events.event("dana", type="treasury.expense.approved", body={"expense": 1})
    assert client.post("/v1/events", content=orjson.dumps(own)).json()["code"] == "not_found"


def test_credit_positions_obligations_and_clearing(
    client: TestClient, community: Community
) -> None:
    open_treasury(community)
    as_node(
        community, "credit.policy.set", {"unit": "HOUR", "limits": {"default": {"min": -1_000}}}
    )
    for debtor, creditor in (("dana", "erin"), ("erin", "finn"), ("finn", "dana")):
        body = {"creditor": community.did(creditor), "unit": "HOUR", "amount": 300}
        community.act(debtor, "credit.obligation.recorded", body)
    community.act(
        "dana",
        "treasury.transfer.sent",
        {"to": of(community, "erin"), "unit": "HOUR", "amount": 400},
    )
    assert client.get("/v1/credit").json()["units"][0]["unit"] == "HOUR"
    positions = {
        p["member"]: p for p in client.get("/v1/credit/HOUR/positions").json()["positions"]
    }
    dana = positions[community.did("dana")]
    assert (dana["balance"], dana["min"], dana["can_pay"]) == (-400, -1_000, 600)
    preview = client.get("/v1/credit/HOUR/clearing").json()
    assert (preview["debt_before"], preview["cleared"], preview["debt_after"]) == (900, 900, 0)
    event = community.events.event("finn", type="credit.clearing.completed", body=preview["claim"])
    assert client.post("/v1/events", content=orjson.dumps(event)).status_code == 201
    assert (
        client.get("/v1/credit/obligations", params={"status": "open"}).json()["obligations"] == []
    )
    clearings = client.get("/v1/credit/clearings").json()["clearings"]
    assert clearings[0]["cleared"] == 900
    assert client.get("/v1/credit/GOLD/positions").status_code == 404
