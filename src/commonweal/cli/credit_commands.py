"""``commonweal credit …``: mutual credit — pay, owe, settle, forgive, clear, and see positions."""

from __future__ import annotations

import json

import typer

from commonweal.cli.common import NodeUrl, Signer, console, fail, fetch, signing
from commonweal.cli.money import exponents, line, minor, money
from commonweal.core.language import _

app = typer.Typer(
    help="Mutual credit: pay, owe, settle, forgive, clear obligations, see positions.",
    no_args_is_help=True,
)


@app.command("show")
def show(
    unit: str | None = typer.Argument(None, help="A mutual-credit unit: members' positions."),
    node: str = NodeUrl,
) -> None:
    """The mutual-credit units and their policies, or one unit's positions."""
    if unit is None:
        for policy in fetch(node, "/v1/credit")["units"]:
            console.print_json(json.dumps(policy))
        return
    known = exponents(node)
    for row in fetch(node, f"/v1/credit/{unit}/positions")["positions"]:
        ceiling = "none" if row["max"] is None else money(row["max"], unit, known)
        line(
            f"{money(row['balance'], unit, known):>16}",
            f"floor {money(row['min'], unit, known):>14}",
            f"ceiling {ceiling:>14}",
            f"can pay {money(row['can_pay'], unit, known):>14}",
            row["member"],
        )


@app.command("pay")
@signing
def pay(
    member: str = typer.Argument(..., help="The member's did:key."),
    amount: str = typer.Argument(..., help="How much (2.5 hours)."),
    unit: str = typer.Option(..., help="The mutual-credit unit."),
    memo: str = typer.Option("", help="What for (public)."),
    *,
    signer: Signer,
) -> None:
    """Pay a member, going below zero if you need to, within your credit limit."""
    body = {
        "to": f"member:{member}",
        "unit": unit,
        "amount": minor(signer.node, unit, amount),
        "memo": memo,
    }
    signer.act("treasury.transfer.sent", body)


@app.command("owe")
@signing
def owe(
    member: str = typer.Argument(..., help="The creditor's did:key."),
    amount: str = typer.Argument(..., help="How much you owe."),
    unit: str = typer.Option(..., help="The unit."),
    memo: str = typer.Option("", help="What for (public)."),
    *,
    signer: Signer,
) -> None:
    """Record that you owe a member (only a debtor records a debt)."""
    body = {
        "creditor": member,
        "unit": unit,
        "amount": minor(signer.node, unit, amount),
        "memo": memo,
    }
    signer.act("credit.obligation.recorded", body)


def _reduction(name: str, event_type: str, help_text: str) -> None:
    """Register ``credit <name> ID``: settle or forgive an obligation."""

    @signing
    def command(
        obligation: int = typer.Argument(..., help="The obligation's id."),
        amount: str | None = typer.Option(None, help="Part of it (default: all that is open)."),
        *,
        signer: Signer,
    ) -> None:
        body: dict[str, object] = {"obligation": obligation}
        if amount is not None:
            owed = fetch(signer.node, "/v1/credit/obligations")["obligations"]
            unit = next((o["unit"] for o in owed if o["id"] == obligation), None)
            if unit is None:
                raise fail(_("there is no obligation %(obligation)s", obligation=obligation))
            body["amount"] = minor(signer.node, unit, amount)
        signer.act(event_type, body)

    command.__doc__ = help_text
    app.command(name)(command)


_reduction("settle", "credit.obligation.settled", "As the debtor: pay what you owe.")
_reduction("forgive", "credit.obligation.forgiven", "As the creditor: forgive what is owed.")


@app.command("obligations")
def obligations(
    unit: str | None = typer.Option(None, help="Only this unit."),
    status: str | None = typer.Option("open", help="open, closed, or all."),
    node: str = NodeUrl,
) -> None:
    """Obligations, newest first."""
    known = exponents(node)
    chosen = None if status == "all" else status
    for o in fetch(node, "/v1/credit/obligations", unit=unit, status=chosen)["obligations"]:
        still, whole = money(o["open"], o["unit"], known), money(o["amount"], o["unit"], known)
        line(
            f"{o['id']:>6}",
            f"{still:>14} open of {whole}",
            f"{o['debtor'][:20]}… owes {o['creditor'][:20]}…",
            o["memo"],
        )


@app.command("clear")
@signing
def clear(
    unit: str = typer.Option(..., help="The unit whose obligations to clear."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only show what would be cleared."),
    *,
    signer: Signer,
) -> None:
    """Set off cycles of obligations (every net position is kept); the node checks it is optimal."""
    preview = fetch(signer.node, f"/v1/credit/{unit}/clearing")
    known = exponents(signer.node)
    console.print(
        _(
            "Debt %(money)s → %(money2)s: %(money3)s cleared over %(value)s obligations.",
            money=money(preview["debt_before"], unit, known),
            money2=money(preview["debt_after"], unit, known),
            money3=money(preview["cleared"], unit, known),
            value=len(preview["claim"]["setoffs"]),
        )
    )
    if dry_run:
        return
    if not preview["claim"]["setoffs"]:
        raise fail(_("there is no cycle of obligations to clear"))
    signer.act("credit.clearing.completed", preview["claim"])


@app.command("clearings")
def clearings(
    unit: str | None = typer.Option(None, help="Only this unit."), node: str = NodeUrl
) -> None:
    """Every clearing run, newest first."""
    known = exponents(node)
    for c in fetch(node, "/v1/credit/clearings", unit=unit)["clearings"]:
        before, after = (
            money(c["debt_before"], c["unit"], known),
            money(c["debt_after"], c["unit"], known),
        )
        line(
            f"{c['id']:>6}",
            c["at"][:10],
            f"{before} → {after}",
            f"({len(c['setoffs'])} obligations)",
        )
