"""``commonweal census …``: show, take, prove one's own count, audit a network census."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from commonweal.cli.common import DataDir, NodeUrl, Signer, console, fail, fetch, signing
from commonweal.cli.federation_commands import _operator
from commonweal.cli.funding_view import short, table
from commonweal.client.census_audit import audit as audit_census
from commonweal.client.census_audit import check_member_proof, proof_request
from commonweal.core.language import _
from commonweal.core.merkle import ProofError

SHOWN = ("members", "joined", "left", "active", "gatherings", "attendance", "funds", "places")
"""The figures a census's row shows, in order (of ``domain.census.events.FIGURES``)."""

app = typer.Typer(
    help="The census: figures at each epoch, the network census, your own proof of being counted.",
    no_args_is_help=True,
)
Json = typer.Option(False, "--json", help="Print the JSON document.")


def _funds(funds: dict[str, int]) -> str:
    return ", ".join(f"{amount} {unit}" for unit, amount in funds.items()) or "—"


@app.command("show")
def show(
    epoch: int | None = typer.Option(None, "--epoch", "-e", help="One census by its epoch."),
    network: bool = typer.Option(False, "--network", help="The network census."),
    as_json: bool = Json,
    node: str = NodeUrl,
) -> None:
    """Every census the node took (or one epoch, or the network census)."""
    if network:
        counted = fetch(node, "/v1/census/network")
        if as_json:
            console.print_json(json.dumps(counted))
            return
        rows = [
            [
                short(e["node"]),
                e["epoch"],
                e["figures"]["members"],
                e["figures"]["active"],
                _funds(e["figures"]["funds"]),
                e["figures"]["places"],
                e["index"],
                e["checkpoint"]["size"],
            ]
            for e in counted["entries"]
        ] + [
            [short(r["node"]), "refused", r["reason"], None, None, None, None, None]
            for r in counted["refused"]
        ]
        table(
            f"Network census {counted['count']}",
            ["node", "epoch", "members", "active", "funds", "places", "entry", "checkpoint"],
            rows,
        )
        t = counted["totals"]
        console.print(
            _(
                "In all: %(members)s members in %(nodes)s node(s), "
                "%(active)s active, funds %(funds)s, %(places)s places "
                "(%(area_m2)s m², capacity %(capacity)s)",
                members=t["members"],
                nodes=t["nodes"],
                active=t["active"],
                funds=_funds(t["funds"]),
                places=t["places"],
                area_m2=t["area_m2"],
                capacity=t["capacity"],
            ),
            highlight=False,
        )
        people = t.get("people")
        if people and people["nodes"]:
            unknown = len(people["people_unknown"])
            console.print(
                f"Distinct people: {people['distinct']} in {people['nodes']} node(s) "
                f"({people['period']})" + (f"; not known at {unknown} node(s)" if unknown else ""),
                highlight=False,
            )
        return
    document: Any = fetch(node, f"/v1/census/{epoch}") if epoch else fetch(node, "/v1/census")
    if as_json:
        console.print_json(json.dumps(document))
        return
    censuses = [document] if epoch else document["censuses"]
    rows = [
        [
            c["epoch"],
            c["at"],
            c["reason"],
            *(_funds(c["figures"][f]) if f == "funds" else c["figures"][f] for f in SHOWN),
            c["size"],
        ]
        for c in censuses
    ]
    table("Censuses", ["epoch", "at", "reason", *SHOWN, "size"], rows)
    if not epoch and document.get("pending"):
        console.print(_("A census was asked for by %(who)s.", who=short(document["pending"]["by"])))


@app.command("take")
@signing
def take(
    note: str = typer.Option("", "--note", help="Why (shown with the request)."),
    network: bool = typer.Option(
        False, "--network", help="Count the network census now (the operator, with the node's key)."
    ),
    data_dir: Path = DataDir,
    *,
    signer: Signer,
) -> None:
    """Ask for a census now (a steward; the node takes it within a second), or the network's."""
    if network:
        report = _operator(signer.node, data_dir, signer.passphrase, "/v1/federation/sync", {})
        logged = report.get("network_census")
        if logged is None:
            console.print(
                _("Nothing new was counted this round: the latest network census stands.")
            )
        else:
            console.print(_("The network census is logged at entry %(logged)s.", logged=logged))
        return
    signer.act("census.requested", {"note": note} if note else {})


@app.command("prove")
@signing
def prove(
    epoch: int | None = typer.Option(None, "--epoch", "-e", help="The census (default: latest)."),
    *,
    signer: Signer,
) -> None:
    """Check that you are counted: your salt and inclusion proof, checked here against the root."""
    key = signer.signing_key()
    with signer.connected() as client:
        if epoch is None:
            censuses = client.get_json("/v1/census")["censuses"]
            if not censuses:
                raise fail(_("the node has taken no census yet"))
            epoch = censuses[-1]["epoch"]
        census = client.get_json(f"/v1/census/{epoch}")
        request = proof_request(key, client.identity()["did"], epoch)
        proof = client.post_json("/v1/census/proof", request)
    try:
        console.print(check_member_proof(proof, census), highlight=False)
    except ProofError as error:
        raise fail(_("the proof does not hold: %(error)s", error=error)) from None


@app.command("audit")
def audit(
    node_url: str = typer.Argument(..., help="The node whose network census to audit."),
) -> None:
    """Check a node's network census from outside: every entry in its node's cosigned log."""
    result = audit_census(node_url)
    for what, ok, detail in result.checks:
        console.print(f"{'[green]ok[/]  ' if ok else '[red]FAIL[/]'} {short(what)}  {detail}")
    for what, _ok, detail in result.flagged:
        console.print(_("[yellow]flagged[/] %(what)s  %(detail)s", what=short(what), detail=detail))
    if not result.ok:
        raise typer.Exit(1)
    console.print(_("network census %(count)s: every entry proven", count=result.count))
