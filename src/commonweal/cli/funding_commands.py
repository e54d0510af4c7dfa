"""``commonweal round …``: quadratic-funding rounds and conviction-voting pools."""

from __future__ import annotations

import json
from typing import Any

import typer

from commonweal.cli.common import (
    NodeUrl,
    Signer,
    console,
    event_command,
    fetch,
    filled,
    given,
    signing,
)
from commonweal.cli.funding_view import table, when
from commonweal.core.did import did_key_from_public_key
from commonweal.core.language import N_

app = typer.Typer(
    help="Funding rounds: quadratic funding with a matching pool, and conviction-voting pools.",
    no_args_is_help=True,
)


@app.command("open")
@signing
def open_round(
    title: str = typer.Argument(...),
    pool: int = typer.Option(..., help="The matching pool from your account, in minor units."),
    closes: str = typer.Option(..., help="When contributions close: RFC 3339, or 14d."),
    unit: str = typer.Option("EUR"),
    method: str = typer.Option("plain", help="plain, capped or pairwise."),
    cap: int | None = typer.Option(None, help="capped: the most one project is matched."),
    m: int | None = typer.Option(None, help="pairwise: the bound M, in minor units."),
    minimum: int | None = typer.Option(None, help="Contributions below this are not matched."),
    spend_whole_pool: bool = typer.Option(
        False, "--spend-whole-pool", help="Pay the whole pool even when QF asks for less."
    ),
    description: str = typer.Option(""),
    *,
    signer: Signer,
) -> None:
    """Open a quadratic-funding round (needs the funding.rounds permission); its pool leaves
    your own account. To match from the treasury, propose the funding.round.open action."""
    body: dict[str, Any] = {
        "title": title,
        "unit": unit,
        "pool": pool,
        "closes": when(closes),
        "method": method,
        "spend_whole_pool": spend_whole_pool,
    }
    body.update(given(cap=cap, m=m, minimum=minimum, description=description or None))
    signer.made("funding.round.opened", body, N_("Round [bold]%(index)s[/] opened."))


@app.command("list")
def list_rounds(node: str = NodeUrl) -> None:
    """Every round and pool, newest first."""
    found = fetch(node, "/v1/rounds")["rounds"]
    rows = [
        [
            r["id"],
            r["kind"],
            r["status"],
            f"{r['pool']} {r['unit']}" if r["kind"] == "quadratic" else f"{r['funds']} {r['unit']}",
            r.get("closes"),
            r["title"],
        ]
        for r in found
    ]
    table("Rounds and pools", ["id", "kind", "status", "pool / funds", "closes", "title"], rows)


@app.command("show")
def show(round_id: int = typer.Argument(...), node: str = NodeUrl) -> None:
    """A round with its projects and matches, or a pool with its proposals, as JSON."""
    console.print_json(json.dumps(fetch(node, f"/v1/rounds/{round_id}")))


@app.command("project")
@signing
def project(
    round_id: int = typer.Argument(..., help="The round."),
    title: str = typer.Argument(...),
    beneficiary: str | None = typer.Option(None, help="Who receives the funds (default: you)."),
    description: str = typer.Option(""),
    *,
    signer: Signer,
) -> None:
    """Enter a project in an open round."""
    body: dict[str, Any] = {"round": round_id, "title": title}
    body.update(filled(beneficiary=beneficiary, description=description))
    signer.made("funding.project.entered", body, N_("Project [bold]%(index)s[/] entered."))


event_command(
    app,
    "contribute",
    "funding.contribution.made",
    "Give to a project; the matching pool adds to it quadratically.",
    subject="project_id",
    argument=typer.Argument(..., help="The project."),
    member="project",
    also=[("amount", int, typer.Argument(..., help="Minor units."))],
)


@app.command("pool")
@signing
def pool(
    title: str = typer.Argument(...),
    unit: str = typer.Option("EUR"),
    decay: int | None = typer.Option(
        None, help="α·10⁷ per period (default 9904191: 3-day half-life)."
    ),
    max_ratio: int | None = typer.Option(
        None, help="β·10⁷ (default 2000000: a fifth of the funds)."
    ),
    weight: int | None = typer.Option(None, help="ρ·10⁷ (default 20000)."),
    period_seconds: int | None = typer.Option(None, help="Conviction grows per period (3600)."),
    stake_per_member: int | None = typer.Option(None, help="Points each member holds (1000)."),
    *,
    signer: Signer,
) -> None:
    """Open a conviction-voting pool (needs the funding.rounds permission)."""
    body: dict[str, Any] = {"title": title, "unit": unit}
    body.update(
        given(
            decay=decay,
            max_ratio=max_ratio,
            weight=weight,
            period_seconds=period_seconds,
            stake_per_member=stake_per_member,
        )
    )
    signer.made("funding.pool.opened", body, N_("Pool [bold]%(index)s[/] opened."))


event_command(
    app,
    "fund",
    "funding.pool.funded",
    "Add funds to a pool.",
    subject="pool_id",
    argument=typer.Argument(...),
    member="pool",
    also=[("amount", int, typer.Argument(..., help="Minor units."))],
)


@app.command("propose")
@signing
def propose(
    pool_id: int = typer.Argument(...),
    title: str = typer.Argument(...),
    amount: int = typer.Option(..., help="What you ask for, in minor units."),
    beneficiary: str | None = typer.Option(None),
    description: str = typer.Option(""),
    *,
    signer: Signer,
) -> None:
    """Ask a pool for funds; it pays once members' conviction reaches the threshold."""
    body: dict[str, Any] = {"pool": pool_id, "title": title, "amount": amount}
    body.update(filled(beneficiary=beneficiary, description=description))
    signer.made("funding.proposal.submitted", body, N_("Proposal [bold]%(index)s[/] submitted."))


event_command(
    app,
    "stake",
    "funding.stake.set",
    "Set your stake on a pool proposal.",
    subject="proposal_id",
    argument=typer.Argument(...),
    member="proposal",
    also=[
        (
            "amount",
            int,
            typer.Argument(..., help="Points to have on it (0 takes them off)."),
        )
    ],
)


event_command(
    app,
    "withdraw",
    "funding.proposal.withdrawn",
    "Withdraw your pool proposal; every stake on it is freed.",
    subject="proposal_id",
    argument=typer.Argument(...),
    member="proposal",
)


@app.command("stakes")
@signing
def stakes(
    pool_id: int = typer.Argument(...),
    member: str | None = typer.Option(None, help="Whose (default: yours)."),
    *,
    signer: Signer,
) -> None:
    """Points held, placed and free in a pool."""
    did = member or did_key_from_public_key(signer.signing_key().public_key)
    console.print_json(json.dumps(fetch(signer.node, f"/v1/rounds/{pool_id}/stakes/{did}")))
