"""The treasury and mutual-credit pages, in-process over the demo node: what a visitor
sees (and that they cannot act), what each member may do with an expense and why not,
the ledger's filters and proofs, and the clearing page's claim."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from commonweal.web.money_rendering import day, grouped, rate
from tests.community import Community
from tests.web.pages import Demo, sign_in


@pytest.fixture
def dids(demo: Demo) -> dict[str, str]:
    return demo[1]


def expense_titled(client: TestClient, title: str) -> dict[str, object]:
    expenses = client.get("/v1/treasury/expenses").json()["expenses"]
    found: dict[str, object] = next(e for e in expenses if e["title"] == title)
    return found


def text_of(page: str) -> str:
    """The page's words, tags removed, so assertions read like what a person sees."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


PUBLIC = {
    "/treasury": [
        "Treasury",
        "Garden fund",
        "Solidarity fund",
        "Recent movements",
        "Budgets against actual spending",
        "Seeds and plants",
        "export.csv",
    ],
    "/treasury/ledger": ["Campaign", "Funding round", "Prove"],
    "/treasury/ledger?account=node": ["Income: dues", "Decided by the assembly", "Prove"],
    "/treasury/ledger?unit=HOUR": ["Transfer", "Bruno fixed Emil's bike", "Debt settled"],
    "/treasury/expenses": ["Spring seeds", "Rain barrel", "First-aid kit", "Saw blades"],
    "/treasury/expenses?status=REJECTED": ["Summer party supplies"],
    "/credit": ["Time-bank hour (HOUR)", "members take part"],
    "/credit/HOUR": ["Everyone's position", "Farah Rahimi → Bruno Lindqvist", "Past clearings"],
    "/credit/HOUR/clearing": ["Bruno Lindqvist → Emil Novak → Farah Rahimi → Bruno Lindqvist"],
}


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_money_pages_show_the_demo_to_anyone(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200, page.text
    words = text_of(page.text)
    for text in PUBLIC[path]:
        assert text in words or text in page.text, (path, text)
    assert page.text.count("<h1") == 1
    assert "data-event=" not in page.text and "data-expense-form" not in page.text  # no acting
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_a_visitor_is_told_how_to_sign_in_to_act(client: TestClient) -> None:
    pending = expense_titled(client, "Rain barrel")
    for path in (
        "/treasury",
        "/credit/HOUR",
        "/credit/HOUR/clearing",
        f"/treasury/expenses/{pending['id']}",
    ):
        page = client.get(path).text
        assert 'data-testid="sign-in-to-act"' in page and "/key?next=" in page, path
    for path in ("/treasury/expenses/new", "/treasury/transfer", "/treasury/income"):
        page = client.get(path)
        assert page.status_code == 401 and "Please sign in" in page.text, path


def test_the_treasury_shows_what_the_api_counts(client: TestClient) -> None:
    overview = client.get("/v1/treasury").json()
    eur = next(t for t in overview["totals"] if t["unit"] == "EUR")
    page = client.get("/treasury").text
    held = re.search(r'data-testid="holds-EUR">([^<]+)<', page)
    assert held and held.group(1) == grouped(eur["treasury"]["balance"], 2) + " EUR"
    assert "," in held.group(1)  # more than a thousand euros, grouped for reading
    budgets = client.get("/v1/treasury/budgets").json()["budgets"]
    assert page.count('class="chart budget-chart"') == len(budgets) == 2
    for budget in budgets:
        for line in budget["lines"]:
            assert f"{grouped(line['actual'], 2)} EUR" in page
    assert 'href="/v1/treasury/export.csv?unit=EUR"' in page
    assert 'href="/credit/HOUR"' in page
    csv = client.get("/v1/treasury/export.csv")
    assert csv.status_code == 200 and csv.text.startswith("entry,received,unit,account")


def test_the_ledger_links_each_entry_to_its_event_and_proof(client: TestClient) -> None:
    entries = client.get("/v1/treasury/ledger?limit=1000").json()["entries"]
    page = client.get("/treasury/ledger").text
    shown = [int(i) for i in re.findall(r'data-verify-entry="(\d+)"', page)]
    assert shown == sorted((e["id"] for e in entries), reverse=True)[:50]
    for entry_id in shown[:5]:
        assert f'href="/events/{entry_id}"' in page and f'href="/v1/receipts/{entry_id}"' in page
    assert "/static/js/log-page.js" in page
    garden = client.get("/treasury/ledger", params={"account": "fund:garden", "unit": "EUR"}).text
    ids = [int(i) for i in re.findall(r'data-verify-entry="(\d+)"', garden)]
    touching = [
        e["id"] for e in entries if any(p["account"] == "fund:garden" for p in e["postings"])
    ]
    assert ids == sorted(touching, reverse=True) and "The ledger: Garden fund" in garden
    assert 'id="proof"' in client.get(f"/events/{shown[0]}").text
    assert client.get("/treasury/ledger?unit=XYZ").status_code == 404


def test_a_pending_expense_for_each_viewer(client: TestClient, dids: dict[str, str]) -> None:
    """Hana's rain barrel: Farah approved it, Dalia may approve it, Hana may withdraw it,
    and Amara, a steward but not a treasurer, is told why she cannot decide."""
    pending = expense_titled(client, "Rain barrel")
    path = f"/treasury/expenses/{pending['id']}"
    assert "1 of 2" in text_of(client.get(path).text)
    sign_in(client, dids["farah"])
    farah = client.get(path).text
    assert 'data-event="treasury.expense.approved"' not in farah
    assert "You have approved it; it needs 1 more treasurer's approval." in text_of(farah)
    sign_in(client, dids["dalia"])
    dalia = client.get(path).text
    assert 'data-event="treasury.expense.approved"' in dalia
    assert 'data-event="treasury.expense.rejected"' in dalia
    assert 'data-event="treasury.expense.paid"' not in dalia
    sign_in(client, dids["hana-new-phone"])
    hana = client.get(path).text
    assert 'data-event="treasury.expense.cancelled"' in hana
    assert 'data-event="treasury.expense.approved"' not in hana
    sign_in(client, dids["amara"])
    amara = text_of(client.get(path).text)
    assert "Treasurers — members whose role carries the treasury.spend permission" in amara


def test_an_approved_expense_is_paid_by_a_treasurer(
    client: TestClient, dids: dict[str, str]
) -> None:
    approved = expense_titled(client, "First-aid kit")
    path = f"/treasury/expenses/{approved['id']}"
    sign_in(client, dids["farah"])
    page = client.get(path).text
    assert 'data-event="treasury.expense.paid"' in page and 'data-body="money"' in page
    assert 'value="38.00"' in page and 'data-exponent="2"' in page  # the amount, in decimals
    assert "Into Chen Wei&#39;s account on this node" in page or "Into Chen Wei's account" in page
    sign_in(client, dids["chen"])
    chen = client.get(path).text
    assert 'data-event="treasury.expense.paid"' not in chen
    assert 'data-event="treasury.expense.cancelled"' in chen


def test_a_paid_expense_tells_its_whole_history(client: TestClient) -> None:
    paid = expense_titled(client, "Spring seeds")
    page = client.get(f"/treasury/expenses/{paid['id']}").text
    words = text_of(page)
    for step in ("Drafted by Amara Okafor", "Submitted for approval by Amara Okafor", "Paid by"):
        assert step in words
    assert words.count("Approved by") == 2 and "approval 2 of 2" in words
    assert "Vegetable seeds" in words and "48.90 EUR" in words
    assert paid["evidence"][0] in page and "data-check-receipts" in page  # type: ignore[index]
    assert "What you can do" not in words


def test_members_forms_and_the_treasurers_income(client: TestClient, dids: dict[str, str]) -> None:
    sign_in(client, dids["amara"])
    new = client.get("/treasury/expenses/new").text
    assert "data-expense-form" in new and 'data-fund="garden"' in new and "data-digest-into" in new
    transfer = client.get("/treasury/transfer").text
    assert 'data-event="treasury.transfer.sent"' in transfer and 'value="fund:garden"' in transfer
    assert f'value="member:{dids["amara"]}"' not in transfer  # not to herself
    income = client.get("/treasury/income")
    assert income.status_code == 403 and "treasurers" in income.text
    sign_in(client, dids["farah"])
    income = client.get("/treasury/income")
    assert income.status_code == 200 and 'data-event="treasury.income.recorded"' in income.text
    assert 'pattern="sha256:[0-9a-f]{64}"' in income.text
    assert 'href="/treasury/income"' in client.get("/treasury").text


def test_a_member_on_the_time_bank(client: TestClient, dids: dict[str, str]) -> None:
    """Bruno owes Emil and is owed by Farah: he may settle the one and forgive the other."""
    obligations = client.get("/v1/credit/obligations?unit=HOUR&status=open").json()["obligations"]
    owes = next(o for o in obligations if o["debtor"] == dids["bruno"])
    owed = next(o for o in obligations if o["creditor"] == dids["bruno"])
    sign_in(client, dids["bruno"])
    page = client.get("/credit/HOUR").text
    row = page[page.index(f'id="obligation-{owes["id"]}"') :].split("</tr>")[0]
    assert 'data-event="credit.obligation.settled"' in row and "forgiven" not in row
    row = page[page.index(f'id="obligation-{owed["id"]}"') :].split("</tr>")[0]
    assert 'data-event="credit.obligation.forgiven"' in row and "settled" not in row
    assert (
        'data-event="credit.obligation.recorded"' in page
        and 'data-testid="credit-pay-form"' in page
    )
    positions = client.get("/v1/credit/HOUR/positions").json()["positions"]
    mine = next(p for p in positions if p["member"] == dids["bruno"])
    balance = re.search(r'data-testid="my-credit-balance">([^<]+)<', page)
    assert balance and balance.group(1) == grouped(mine["balance"], 2) + " HOUR"
    assert page.count('<svg class="chart"') == 1
    assert "down to <strong>−30.00 HOUR</strong>" in page  # stewards' floor


def test_the_clearing_page_signs_what_the_api_proposes(
    client: TestClient, dids: dict[str, str]
) -> None:
    preview = client.get("/v1/credit/HOUR/clearing").json()
    sign_in(client, dids["amara"])
    page = client.get("/credit/HOUR/clearing").text
    claim = re.search(r'name="setoffs" value="([^"]+)"', page)
    assert claim and json.loads(html.unescape(claim.group(1))) == preview["claim"]["setoffs"]
    assert 'data-event="credit.clearing.completed"' in page
    cleared = re.search(r'data-testid="cleared">([^<]+)<', page)
    assert cleared and cleared.group(1) == grouped(preview["cleared"], 2) + " HOUR"
    assert client.get("/credit/EUR").status_code == 404  # euros are not mutual credit


def test_money_is_written_for_people() -> None:
    assert grouped(123_456_789, 2) == "1,234,567.89"
    assert grouped(-150, 2) == "−1.50"
    assert grouped(7, 0) == "7" and grouped(5, 3) == "0.005"
    assert rate("7/100") == "7 %" and rate("1/3") == "33.33 %"
    assert day("2026-03-05T10:00:00Z") == "5 Mar 2026" and day("2026-12-31") == "31 Dec 2026"


def test_a_node_without_money_yet(community: Community) -> None:
    """A fresh node: every page says plainly that there is nothing yet, and why."""
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        expected = {
            "/treasury": "No money has moved yet",
            "/treasury/ledger": "No entries yet",
            "/treasury/expenses": "No expenses yet",
            "/credit": "This node runs no mutual-credit unit",
        }
        for path, words in expected.items():
            page = client.get(path)
            assert page.status_code == 200 and words in page.text, path
        assert client.get("/credit/HOUR").status_code == 404
        sign_in(client, community.did("alice"))
        assert 'data-testid="no-funds"' in client.get("/treasury/expenses/new").text
        transfer = client.get("/treasury/transfer").text
        assert "declared no unit" in transfer and "data-event" not in transfer
