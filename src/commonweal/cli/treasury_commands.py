"""``commonweal treasury …``: balances, the ledger and its export, income, transfers, expenses."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from commonweal.cli.common import (
    NodeUrl,
    Signer,
    connected,
    console,
    event_command,
    fail,
    fetch,
    given,
    signing,
)
from commonweal.cli.money import digest_of, exponents, line, minor, money
from commonweal.core.language import _

app = typer.Typer(
    help="The treasury: balances, ledger, export, income, transfers.", no_args_is_help=True
)
expense_app = typer.Typer(
    help="Expenses: draft, submit, approve, reject, cancel, pay.", no_args_is_help=True
)
app.add_typer(expense_app, name="expense")


@app.command("show")
def show(node: str = NodeUrl) -> None:
    """Units, funds, the approval policy, and what the treasury holds."""
    overview = fetch(node, "/v1/treasury")
    known = {u["code"]: u["exponent"] for u in overview["units"]}
    console.print(
        _(
            "Expenses need %(approvals_required)s treasurers' approvals.",
            approvals_required=overview["policy"]["approvals_required"],
        )
    )
    for unit in overview["units"]:
        line(f"{unit['code']:<6}", f"{unit['kind']:<9}", unit["name"])
    for total in overview["totals"]:
        line(
            f"{total['unit']:<6}",
            f"treasury {money(total['treasury']['balance'], total['unit'], known)}",
            f"members {money(total['members']['balance'], total['unit'], known)}",
            f"escrow {money(total['escrow']['balance'], total['unit'], known)}",
            f"books {total['books']}",
        )
    for fund in overview["funds"]:
        line(f"fund:{fund['fund']:<14}", fund["title"])


@app.command("accounts")
def accounts(
    unit: str | None = typer.Option(None, help="Only this unit."), node: str = NodeUrl
) -> None:
    """Every account and its balance."""
    for row in fetch(node, "/v1/treasury/accounts", unit=unit)["accounts"]:
        line(f"{row['formatted']:>14} {row['unit']:<6}", row["account"], row.get("title", ""))


@app.command("balance")
def balance(
    account: str = typer.Argument(
        ...,
        help="node, external, fund:<name>, member:<did>, or campaign:/round:/pool:/deposits:<id>.",
    ),
    node: str = NodeUrl,
) -> None:
    """One account's balance in every unit, with its limits."""
    for row in fetch(node, f"/v1/treasury/balances/{account}")["balances"]:
        floor = "" if row["min"] is None else f"  (floor {row['min']}, ceiling {row['max']})"
        line(f"{row['formatted']:>14} {row['unit']}{floor}")


@app.command("ledger")
def ledger(
    unit: str | None = typer.Option(None, help="Only this unit."),
    account: str | None = typer.Option(None, help="Only entries touching this account."),
    cursor: str | None = typer.Option(None, help="Go on from here (the previous page's 'next')."),
    limit: int = typer.Option(50, help="How many entries."),
    as_json: bool = typer.Option(False, "--json", help="Print the page as JSON."),
    node: str = NodeUrl,
) -> None:
    """Ledger entries in log order, with their postings."""
    page = fetch(
        node, "/v1/treasury/ledger", unit=unit, account=account, cursor=cursor, limit=limit
    )
    if as_json:
        console.print_json(json.dumps(page))
        return
    for entry in page["entries"]:
        line(f"{entry['id']:>6}", entry["received"][:10], f"{entry['kind']:<18}", entry["memo"])
        for posting in entry["postings"]:
            line(" " * 6, f"{posting['formatted']:>14} {entry['unit']:<6}", posting["account"])
    if page["next"] is not None:
        console.print(_("More: --cursor %(next)s", next=page["next"]))


@app.command("export")
def export(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here (default: stdout)."
    ),
    fmt: str = typer.Option("csv", "--format", help="csv or json."),
    unit: str | None = typer.Option(None, help="Only this unit."),
    node: str = NodeUrl,
) -> None:
    """The whole ledger as CSV (one row per posting) or JSON."""
    if fmt not in ("csv", "json"):
        raise fail(_("--format is csv or json"))
    query = f"?unit={unit}" if unit else ""
    with connected(node, refused="") as client:
        content = client.get_bytes(f"/v1/treasury/export.{fmt}{query}")
    if output is None:
        typer.echo(content.decode(), nl=False)
    else:
        output.write_bytes(content)
        console.print(_("Wrote %(output)s.", output=output))


@app.command("income")
@signing
def income(
    amount: str = typer.Argument(..., help="How much, in the unit (12.50)."),
    unit: str = typer.Option(..., help="The unit (EUR)."),
    to: str = typer.Option("node", help="node, fund:<name>, or member:<did> (a member pays in)."),
    source: str = typer.Option("donation", help="donation, bank_transfer, grant, dues, …"),
    evidence_file: Path | None = typer.Option(None, help="The receipt; only its digest is sent."),
    evidence: str | None = typer.Option(None, help="...or the receipt's sha256:<hex> digest."),
    memo: str = typer.Option("", help="A public note (no personal data)."),
    *,
    signer: Signer,
) -> None:
    """As a treasurer: record money that came in from outside, with its evidence's digest."""
    digest = digest_of(evidence, evidence_file)
    if digest is None:
        raise fail(_("give --evidence-file or --evidence: income is recorded with its evidence"))
    body = {
        "to": to,
        "unit": unit,
        "amount": minor(signer.node, unit, amount),
        "source": source,
        "evidence": digest,
        "memo": memo,
    }
    signer.act("treasury.income.recorded", body)


@app.command("transfer")
@signing
def transfer(
    to: str = typer.Argument(..., help="member:<did>, fund:<name> or node."),
    amount: str = typer.Argument(..., help="How much, in the unit."),
    unit: str = typer.Option(..., help="The unit."),
    memo: str = typer.Option("", help="A public note."),
    *,
    signer: Signer,
) -> None:
    """Transfer from your own account."""
    body = {"to": to, "unit": unit, "amount": minor(signer.node, unit, amount), "memo": memo}
    signer.act("treasury.transfer.sent", body)


@app.command("budget")
def budget(
    fund: str | None = typer.Argument(None, help="A fund (with NAME: one budget in detail)."),
    name: str | None = typer.Argument(None, help="The budget's name (2026)."),
    node: str = NodeUrl,
) -> None:
    """Budgets against actual spending, line by line."""
    known = exponents(node)
    if fund and name:
        chosen = [fetch(node, f"/v1/treasury/budgets/{fund}/{name}")]
    else:
        chosen = fetch(node, "/v1/treasury/budgets")["budgets"]
    for item in chosen:
        unit = item["unit"]
        console.print(f"[bold]{item['fund']} {item['name']}[/] ({item['start']} to {item['end']})")
        for row in item["lines"]:
            line(
                f"  {row['line']:<16}",
                f"budget {money(row['amount'], unit, known):>16}",
                f"actual {money(row['actual'], unit, known):>16}",
                f"left {money(row['remaining'], unit, known):>16}",
            )
        totals = item["totals"]
        line(
            f"  {'total':<16}",
            f"budget {money(totals['budgeted'], unit, known):>16}",
            f"actual {money(totals['actual'], unit, known):>16}",
            f"unbudgeted {money(totals['unbudgeted'], unit, known)}",
        )


@expense_app.command("new")
@signing
def expense_new(
    amount: str = typer.Argument(..., help="How much, in the unit."),
    title: str = typer.Option(..., help="What it was for."),
    fund: str = typer.Option(..., help="The fund to pay it from."),
    unit: str = typer.Option(..., help="The unit."),
    description: str = typer.Option("", help="More detail."),
    item: list[str] = typer.Option([], help="A line item, 'title=12.50' (repeat; they add up)."),
    line_code: str = typer.Option("", "--line", help="The budget line it counts against."),
    payee: str | None = typer.Option(None, help="Who is paid (a member's did; default: you)."),
    receipt: list[Path] = typer.Option([], help="A receipt file; only its digest is sent."),
    submit: bool = typer.Option(False, "--submit", help="Submit it for approval at once."),
    *,
    signer: Signer,
) -> None:
    """Draft an expense (its id is the receipt's index); --submit sends it for approval."""
    items = []
    for value in item:
        what, _equals, cost = value.rpartition("=")
        if not what:
            raise fail(_("%(value)s is not title=amount", value=repr(value)))
        items.append({"title": what, "amount": minor(signer.node, unit, cost)})
    body: dict[str, object] = {
        "fund": fund,
        "unit": unit,
        "amount": minor(signer.node, unit, amount),
        "title": title,
        "description": description,
        "items": items,
        "line": line_code,
        "evidence": [digest_of(None, path) for path in receipt],
    }
    body.update(given(payee=payee))
    receipt_json = signer.act("treasury.expense.drafted", body)
    console.print(_("Expense [bold]%(index)s[/] drafted.", index=receipt_json["index"]))
    if submit:
        submitted = {"expense": receipt_json["index"]}
        signer.act("treasury.expense.submitted", submitted)


# ``treasury expense <name> ID``: one event about one expense.
for _name, _type, _help, _reason in (
    ("submit", "treasury.expense.submitted", "Submit your draft for approval.", False),
    ("approve", "treasury.expense.approved", "As a treasurer: approve an expense.", False),
    ("reject", "treasury.expense.rejected", "As a treasurer: reject an expense.", True),
    ("cancel", "treasury.expense.cancelled", "Cancel your own unpaid expense.", True),
):
    event_command(
        expense_app,
        _name,
        _type,
        _help,
        subject="expense",
        argument=typer.Argument(..., help="The expense's id."),
        reason="Why (public).",
        reason_sent="given" if _reason else "never",
    )


@expense_app.command("pay")
@signing
def expense_pay(
    expense: int = typer.Argument(..., help="The expense's id."),
    amount: str | None = typer.Option(None, help="Less than approved (default: all of it)."),
    method: str = typer.Option("external", help="external (a bank transfer) or account."),
    evidence_file: Path | None = typer.Option(None, help="The transfer's receipt (digest only)."),
    evidence: str | None = typer.Option(None, help="...or its sha256:<hex> digest."),
    *,
    signer: Signer,
) -> None:
    """As a treasurer: pay an approved expense from its fund."""
    body: dict[str, object] = {"expense": expense, "method": method}
    if amount is not None:
        unit = fetch(signer.node, f"/v1/treasury/expenses/{expense}")["unit"]
        body["amount"] = minor(signer.node, unit, amount)
    digest = digest_of(evidence, evidence_file)
    if digest is not None:
        body["evidence"] = digest
    signer.act("treasury.expense.paid", body)


@expense_app.command("list")
def expense_list(
    status: str | None = typer.Option(None, help="DRAFT, PENDING, APPROVED, PAID, REJECTED, …"),
    fund: str | None = typer.Option(None, help="Only this fund."),
    node: str = NodeUrl,
) -> None:
    """Expenses, newest first."""
    known = exponents(node)
    for item in fetch(node, "/v1/treasury/expenses", status=status, fund=fund)["expenses"]:
        line(
            f"{item['id']:>6}",
            f"{item['status']:<9}",
            f"{money(item['amount'], item['unit'], known):>16}",
            f"fund:{item['fund']:<12}",
            item["title"],
        )


@expense_app.command("show")
def expense_show(
    expense: int = typer.Argument(..., help="The expense's id."), node: str = NodeUrl
) -> None:
    """One expense with its approvals and history, as JSON."""
    console.print_json(json.dumps(fetch(node, f"/v1/treasury/expenses/{expense}")))
