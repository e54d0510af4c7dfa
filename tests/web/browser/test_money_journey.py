"""Money through the pages, every act signed in the browser: a treasurer records income
with a statement hashed in the page, a member claims an expense with items and a receipt,
two treasurers approve it and one pays it into her account, she gives part to a fund,
pays another member in hours, records a debt, clears the cycle it closes, settles one
debt and forgives another. The node is a real ``commonweal serve``.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.movable_clock import ENABLE_VALUE, ENABLE_VARIABLE
from commonweal.node.kernel.setup import init_node, open_node, open_store, write_key_file
from commonweal.node.kernel.verify import verify_log
from tests.server import ServerProcess
from tests.web.browser.live import LiveNode
from tests.web.browser.steps import Shots, new_page, restore_key, signed_form, watch_errors

UNLABELED = """() => [...document.querySelectorAll(
    'input:not([type=hidden]):not([hidden]), select, textarea')]
  .filter(el => !el.labels.length && !el.getAttribute('aria-label'))
  .map(el => el.id || el.name)"""
PEOPLE = {"alice": "Alice Moreau", "bob": "Bob Okeke", "carol": "Carol Mensah"}


@pytest.fixture(scope="module")
def money(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNode]:
    """Three founders; EUR and HOUR declared, a garden fund, two approvals per expense,
    Bob and Carol treasurers, and HOUR run as mutual credit — then served."""
    folder = tmp_path_factory.mktemp("money")
    keys, dids, profiles = {}, {}, {}
    for name, display in PEOPLE.items():
        key = SigningKey.generate()
        keys[name] = folder / f"{name}.key"
        write_key_file(keys[name], key, None)
        dids[name] = did_key_from_public_key(key.public_key)
        profiles[dids[name]] = {"display_name": display, "show_name": True}
    data_dir = folder / "node"
    init_node(
        data_dir,
        name="Harbour Guild",
        founders=list(dids.values()),
        founder_profiles=profiles,
        checkpoint_every_seconds=1.0,
    ).close()
    node = open_node(data_dir)
    for body in (
        {"code": "EUR", "name": "Euro", "exponent": 2, "kind": "fiat"},
        {"code": "HOUR", "name": "Hour", "exponent": 2, "kind": "hours"},
    ):
        node.submit_as_node("treasury.unit.declared", body)
    node.submit_as_node("treasury.fund.opened", {"fund": "garden", "title": "Garden fund"})
    node.submit_as_node("treasury.policy.set", {"approvals_required": 2})
    limits = {"default": {"min": -2_000, "max": 4_000}}
    node.submit_as_node("credit.policy.set", {"unit": "HOUR", "limits": limits})
    node.close()
    clock_file = folder / "clock-offset"
    clock_file.write_text("0")
    server = ServerProcess(
        data_dir,
        args=["--test-clock-file", str(clock_file)],
        env={ENABLE_VARIABLE: ENABLE_VALUE},
    ).start()
    live = LiveNode(server, data_dir, clock_file, keys, dids)
    for treasurer in ("bob", "carol"):
        live.act(
            "alice", "membership.role.granted", {"member": dids[treasurer], "role": "treasurer"}
        )
    yield live
    live.stop()


def digest(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def body_of(live: LiveNode, index: int) -> dict[str, object]:
    body: dict[str, object] = live.get(f"/v1/events/{index}")["event"]["body"]
    return body


def sign_in(browser: Browser, live: LiveNode, name: str) -> Page:
    _context, page = new_page(browser)
    page.on("dialog", lambda dialog: dialog.accept())
    restore_key(page, live.url, live.keys[name], f"{name} key passphrase")
    return page


@pytest.mark.slow
def test_income_expense_transfer_and_mutual_credit_in_the_browser(
    browser: Browser, money: LiveNode, artifacts: Path
) -> None:
    live = money
    shot = Shots(artifacts)
    statement = artifacts / "bank-statement.txt"
    statement.write_text("Harbour Guild account: 2026-03-02 donation 200.00 EUR\n")
    receipt = artifacts / "receipt.txt"
    receipt.write_text("Seed shop receipt no. 4471: vegetable seeds 48.90, trays 37.50\n")
    carol = sign_in(browser, live, "carol")
    errors = watch_errors(carol)

    # 1. Carol, a treasurer, records a donation; only the statement's digest is signed.
    carol.goto(f"{live.url}/treasury/income")
    carol.get_by_label("Into").select_option("fund:garden")
    carol.get_by_label("Amount").fill("200.00")
    carol.get_by_label("Kind of income").select_option("donation")
    carol.get_by_label("Public note (no names of people)").fill("Open day donations")
    carol.get_by_label("The evidence file").set_input_files(str(statement))
    expect(carol.get_by_label("Its digest")).to_have_value(digest(statement))
    shot(carol, "income-form")
    carol.get_by_role("button", name="Sign and record").click()
    expect(carol).to_have_url(f"{live.url}/treasury")
    expect(carol.get_by_test_id("holds-EUR")).to_have_text("200.00 EUR")
    shot(carol, "treasury-after-income")
    (entry,) = live.get("/v1/treasury/ledger?unit=EUR")["entries"]
    assert entry["evidence"] == digest(statement) and entry["postings"][1]["amount"] == 20_000

    # 2. Alice claims an expense with two items and a receipt, and submits it at once.
    alice = sign_in(browser, live, "alice")
    errors += watch_errors(alice)
    alice.goto(f"{live.url}/treasury/expenses/new")
    alice.get_by_label("What you bought").fill("Spring seeds")
    alice.get_by_label("Amount", exact=True).fill("86.40")
    for number, (title, amount) in enumerate((("Vegetable seeds", "48.90"), ("Trays", "37.50")), 1):
        alice.get_by_role("button", name="Add an item").click()
        alice.get_by_label(f"Item {number}", exact=True).fill(title)
        alice.get_by_label(f"Amount of item {number}").fill(amount)
    alice.get_by_label("Receipts: only their SHA-256 digests are sent").set_input_files(
        str(receipt)
    )
    expect(alice.locator("[data-digest-shown=evidence]")).to_contain_text(digest(receipt))
    shot(alice, "expense-form")
    alice.get_by_role("button", name="Sign and send").click()
    expect(alice).to_have_url(re.compile(r"/treasury/expenses/\d+$"))
    expense = int(alice.url.rsplit("/", 1)[1])
    expect(alice.get_by_test_id("expense-status")).to_have_text("Waiting for approval")
    expect(alice.get_by_test_id("why-not")).to_contain_text("Treasurers")
    assert alice.get_by_role("button", name="Approve").count() == 0
    shot(alice, "expense-submitted")
    drafted = body_of(live, expense)
    assert drafted["amount"] == 8_640 and drafted["evidence"] == [digest(receipt)]
    assert drafted["items"] == [
        {"title": "Vegetable seeds", "amount": 4_890},
        {"title": "Trays", "amount": 3_750},
    ]

    # 3. Two treasurers approve it; Bob pays it into Alice's account.
    bob = sign_in(browser, live, "bob")
    errors += watch_errors(bob)
    bob.goto(f"{live.url}/treasury/expenses/{expense}")
    bob.get_by_label("Check a receipt file against these digests").set_input_files(str(receipt))
    expect(bob.locator("[data-check-result]")).to_contain_text("It matches receipt 1")
    signed_form(bob, "Approve")
    expect(bob.get_by_test_id("approval-count")).to_have_text("1 of 2")
    expect(bob.get_by_test_id("why-not")).to_contain_text("You have approved it")
    carol.goto(f"{live.url}/treasury/expenses/{expense}")
    signed_form(carol, "Approve")
    expect(carol.get_by_test_id("expense-status")).to_have_text("Approved, to be paid")
    bob.goto(f"{live.url}/treasury/expenses/{expense}")
    bob.get_by_label("Into Alice Moreau's account on this node").check()
    signed_form(bob, "Pay 86.40 EUR")
    expect(bob.get_by_test_id("expense-status")).to_have_text("Paid")
    expect(bob.get_by_test_id("expense-history")).to_contain_text("Approved by Carol Mensah")
    shot(bob, "expense-paid")

    # 4. Alice gives part of it to the garden fund from her own account.
    alice.goto(f"{live.url}/treasury/transfer")
    alice.get_by_label("To").select_option("fund:garden")
    alice.get_by_label("Amount").fill("6.40")
    alice.get_by_label("What for (public)").fill("Change from the seeds")
    alice.get_by_role("button", name="Sign and send").click()
    expect(alice.get_by_test_id("ledger-entry").first).to_contain_text("6.40 EUR")
    paid_in = alice.get_by_test_id("ledger-entry").nth(1)  # the expense paid into her account
    _prove_once_covered(paid_in)
    shot(alice, "transfer")
    mine = live.get(f"/v1/treasury/balances/member:{live.dids['alice']}")["balances"]
    assert [b["balance"] for b in mine if b["unit"] == "EUR"] == [8_000]

    # 5. Mutual credit: she pays Bob in hours and records what she owes him; with the
    #    debts Bob and Carol recorded, that closes a cycle, which she clears.
    alice.goto(f"{live.url}/credit/HOUR")
    form = alice.get_by_test_id("credit-pay-form")
    form.get_by_label("Whom").select_option("member:" + live.dids["bob"])
    form.get_by_label("How much (HOUR)").fill("1.5")
    form.get_by_label("What for (public)").fill("Fixed my bike")
    signed_form(alice, "Sign and pay")
    expect(alice.get_by_test_id("my-credit-balance")).to_have_text("−1.50 HOUR")
    owe = alice.get_by_test_id("owe-form")
    owe.get_by_label("You owe").select_option(live.dids["bob"])
    owe.get_by_label("How much (HOUR)").fill("2")
    signed_form(alice, "Sign and record")
    for debtor, creditor in (("bob", "carol"), ("carol", "alice")):
        body = {"creditor": live.dids[creditor], "unit": "HOUR", "amount": 200}
        live.act(debtor, "credit.obligation.recorded", body)
    alice.goto(f"{live.url}/credit/HOUR/clearing")
    expect(alice.get_by_test_id("cycles")).to_contain_text(
        "Alice Moreau → Bob Okeke → Carol Mensah → Alice Moreau"
    )
    expect(alice.get_by_test_id("cleared")).to_have_text("6.00 HOUR")
    shot(alice, "clearing")
    alice.get_by_role("button", name="Set off 6.00 HOUR of debt").click()
    expect(alice).to_have_url(f"{live.url}/credit/HOUR")
    expect(alice.get_by_text("6.00 HOUR of 6.00 HOUR set off")).to_be_visible()
    assert live.get("/v1/credit/obligations?status=open")["obligations"] == []

    # 6. One debt settled by its debtor through the ledger, another forgiven by its creditor.
    owed_by_alice = live.act(
        "alice",
        "credit.obligation.recorded",
        {"creditor": live.dids["carol"], "unit": "HOUR", "amount": 50},
    )
    owed_to_alice = live.act(
        "bob",
        "credit.obligation.recorded",
        {"creditor": live.dids["alice"], "unit": "HOUR", "amount": 100},
    )
    alice.goto(f"{live.url}/credit/HOUR")
    alice.locator(f"#obligation-{owed_by_alice}").get_by_role("button", name="Settle").click()
    expect(alice.locator("#status .message.success")).to_be_visible()
    expect(alice.get_by_test_id("my-credit-balance")).to_have_text("−2.00 HOUR")
    alice.locator(f"#obligation-{owed_to_alice}").get_by_role("button", name="Forgive").click()
    expect(alice.locator("#status .message.success")).to_be_visible()
    expect(alice.get_by_test_id("open-debts")).to_have_count(0)
    shot(alice, "debts-closed")
    closed = {o["id"]: o for o in live.get("/v1/credit/obligations?status=closed")["obligations"]}
    assert closed[owed_by_alice]["settled"] == 50 and closed[owed_to_alice]["forgiven"] == 100

    # 7. Every money page fits a phone, and every field has a label.
    alice.set_viewport_size({"width": 390, "height": 800})
    for path in (
        "/treasury",
        "/treasury/ledger",
        "/treasury/expenses",
        f"/treasury/expenses/{expense}",
        "/treasury/expenses/new",
        "/treasury/transfer",
        "/credit",
        "/credit/HOUR",
        "/credit/HOUR/clearing",
    ):
        alice.goto(live.url + path)
        assert alice.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert alice.get_by_role("heading", level=1).count() == 1, path
        assert alice.evaluate(UNLABELED) == [], path
    shot(alice, "phone-credit-clearing")

    assert errors == []
    store = open_store(str(live.data_dir))
    try:
        report = verify_log(store, default_registry(), compare_with=store)
    finally:
        store.engine.dispose()
    assert report.ok, report


def _prove_once_covered(entry: Locator, within: float = 30.0) -> None:
    """Click "Prove entry" until a signed checkpoint covers the entry: the page says
    "Not yet covered … try again in a few seconds" until the node's scheduler signs one
    (every few seconds; longer on a loaded machine), then proves it in the browser."""
    verdict = entry.locator("[data-verdict]")
    deadline = time.monotonic() + within
    while True:
        entry.get_by_role("button", name=re.compile("^Prove entry")).click()
        expect(verdict).to_contain_text(re.compile("Proven|Not yet covered"))
        if "Not yet covered" not in verdict.inner_text() or time.monotonic() > deadline:
            break
        time.sleep(1)
    expect(verdict).to_contain_text("Proven")
