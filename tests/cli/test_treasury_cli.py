"""The treasury and credit commands against a live node, and payments racing over HTTP."""

from __future__ import annotations

import csv
import io
import re
import threading
from pathlib import Path

import httpx
import pytest

from commonweal.client.http import NodeClient
from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.node.kernel.setup import init_node, write_key_file
from tests.cli.test_cli import run
from tests.server import ServerProcess

PEOPLE = ("alice", "dana", "erin", "finn")


@pytest.mark.slow
def test_treasury_and_credit_cli_against_a_live_node(tmp_path: Path) -> None:
    keys = {name: SigningKey.generate() for name in PEOPLE}
    files = {}
    for name, key in keys.items():
        files[name] = tmp_path / f"{name}.key"
        write_key_file(files[name], key, None)
    did = {name: did_key_from_public_key(key.public_key) for name, key in keys.items()}
    node = init_node(tmp_path / "node", name="CLI Treasury", founders=list(did.values()))
    for unit in (("EUR", "Euro", "fiat"), ("HOUR", "Hour", "hours")):
        code, title, kind = unit
        node.submit_as_node(
            "treasury.unit.declared", {"code": code, "name": title, "exponent": 2, "kind": kind}
        )
    node.submit_as_node("treasury.fund.opened", {"fund": "garden", "title": "Garden"})
    for name in ("dana", "erin"):
        node.submit_as_node("membership.role.granted", {"member": did[name], "role": "treasurer"})
    node.submit_as_node("credit.policy.set", {"unit": "HOUR", "limits": {"default": {"min": -500}}})
    node.close()
    server = ServerProcess(tmp_path / "node").start()
    url = server.url

    def cli(name: str, *args: str) -> str:
        result = run(*args, "--node", url, *(("--key", str(files[name])) if name else ()))
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    try:
        receipt = tmp_path / "statement.txt"
        receipt.write_text("Bank statement, line 4: donation 100.00 EUR")
        cli(
            "dana",
            "treasury",
            "income",
            "100.00",
            "--unit",
            "EUR",
            "--to",
            "fund:garden",
            "--evidence-file",
            str(receipt),
        )
        made = []
        for name, amount in (("finn", "60.00"), ("alice", "55.00")):
            out = cli(
                name,
                "treasury",
                "expense",
                "new",
                amount,
                "--title",
                f"Pump for {name}",
                "--fund",
                "garden",
                "--unit",
                "EUR",
                "--receipt",
                str(receipt),
                "--submit",
            )
            made.append(int(re.search(r"Expense (\d+) drafted", out).group(1)))  # type: ignore[union-attr]
            for treasurer in ("dana", "erin"):
                cli(treasurer, "treasury", "expense", "approve", str(made[-1]))
        refused = run(
            "treasury",
            "expense",
            "approve",
            str(made[0]),
            "--node",
            url,
            "--key",
            str(files["dana"]),
        )
        assert refused.returncode == 1 and "wrong_status" in refused.stderr

        # Two treasurers pay the two approved expenses at the same moment over HTTP;
        # the fund covers only one of them.
        with httpx.Client(base_url=url) as client, NodeClient(url) as signer:
            events = [
                signer.signed(keys[payer], "treasury.expense.paid", {"expense": expense})
                for payer, expense in (("dana", made[0]), ("erin", made[1]))
            ]
            statuses: list[int] = []
            barrier = threading.Barrier(2)

            def pay(event: dict[str, object]) -> None:
                barrier.wait()
                statuses.append(client.post("/v1/events", json=event).status_code)

            threads = [threading.Thread(target=pay, args=(e,)) for e in events]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert sorted(statuses) == [201, 409]

        listed = cli("", "treasury", "expense", "list")
        assert listed.count("PAID") == 1 and listed.count("APPROVED") == 1
        assert "fund:garden" in cli("", "treasury", "accounts", "--unit", "EUR")
        export = tmp_path / "ledger.csv"
        cli("", "treasury", "export", "--output", str(export))
        rows = list(csv.DictReader(io.StringIO(export.read_text())))
        assert len(rows) == 4 and sum(int(r["amount_minor"]) for r in rows) == 0

        # Mutual credit: finn pays into a negative balance, owes, and a cycle is cleared.
        cli("finn", "credit", "pay", did["erin"], "2.5", "--unit", "HOUR", "--memo", "Help")
        over = run(
            "credit",
            "pay",
            did["erin"],
            "3",
            "--unit",
            "HOUR",
            "--node",
            url,
            "--key",
            str(files["finn"]),
        )
        assert over.returncode == 1 and "credit_limit" in over.stderr
        for debtor, creditor in (("finn", "erin"), ("erin", "dana"), ("dana", "finn")):
            cli(debtor, "credit", "owe", did[creditor], "1.25", "--unit", "HOUR")
        assert "3.75 HOUR cleared" in cli("", "credit", "clear", "--unit", "HOUR", "--dry-run")
        cli("alice", "credit", "clear", "--unit", "HOUR")
        assert cli("", "credit", "obligations", "--unit", "HOUR").strip() == ""
        positions = cli("", "credit", "show", "HOUR")
        assert "-2.50 HOUR" in positions and "2.50 HOUR" in positions
    finally:
        server.stop()
    verified = run("verify", str(tmp_path / "node"))
    assert verified.returncode == 0, verified.stdout
