"""``commonweal campaign …``: launch, pledge, withdraw, cancel; see who is owed what."""

from __future__ import annotations

import json
from typing import Any

import typer

from commonweal.cli.common import (
    NodeUrl,
    Signer,
    console,
    event_command,
    fail,
    fetch,
    filled,
    given,
    print_checks,
    signing,
)
from commonweal.cli.funding_view import table, when
from commonweal.client.campaign_audit import audit_campaign
from commonweal.core.language import N_
from commonweal.node.services.federation.peer_client import PeerError

app = typer.Typer(
    help="Campaigns: all-or-nothing, dominant assurance contracts, threshold pledges.",
    no_args_is_help=True,
)


@app.command("launch")
@signing
def launch(
    title: str = typer.Argument(..., help="What the campaign is for."),
    deadline: str = typer.Option(..., help="When it closes: RFC 3339, or 30d / 12h from now."),
    kind: str = typer.Option(
        "all_or_nothing", help="all_or_nothing, dominant_assurance or threshold."
    ),
    goal: int | None = typer.Option(None, help="The sum needed, in minor units."),
    unit: str = typer.Option("EUR", help="The unit pledges are counted in."),
    price: int | None = typer.Option(None, help="dominant_assurance: each pledge, exactly."),
    bonus: int | None = typer.Option(None, help="dominant_assurance: each pledger's bonus."),
    threshold: int | None = typer.Option(None, help="threshold: how many people must pledge."),
    action: str = typer.Option("", help="threshold: what each pledger will do."),
    network: bool = typer.Option(
        False, "--network", help="threshold: count the pledgers of nodes that carry it too."
    ),
    report_seconds: int | None = typer.Option(
        None, help="--network: how long after the deadline other nodes may report (3600)."
    ),
    beneficiary: str | None = typer.Option(None, help="Who gets the money (default: you)."),
    description: str = typer.Option("", help="More about it."),
    *,
    signer: Signer,
) -> None:
    """Launch a campaign; its goal, deadline and terms are fixed from then on."""
    body: dict[str, Any] = {"kind": kind, "title": title, "deadline": when(deadline)}
    if kind != "threshold":
        body.update(unit=unit, goal=goal)
    extra = {"price": price, "bonus": bonus, "threshold": threshold, "beneficiary": beneficiary}
    body.update({name: value for name, value in extra.items() if value is not None})
    if action:
        body["action"] = action
    if network:
        body["network"] = True
    if report_seconds is not None:
        body["report_seconds"] = report_seconds
    if description:
        body["description"] = description
    signer.made("campaigns.campaign.launched", body, N_("Campaign [bold]%(index)s[/] launched."))


@app.command("list")
def list_campaigns(
    status: str | None = typer.Option(None, help="open, succeeded, failed or cancelled."),
    node: str = NodeUrl,
) -> None:
    """Every campaign, newest first."""
    found = fetch(node, "/v1/campaigns", status=status)["campaigns"]
    rows = [
        [
            c["id"],
            c["kind"],
            c["status"],
            f"{c['total']} / {c['goal']} {c['unit']}"
            if c["unit"]
            else f"{c.get('people', c['pledgers'])} / {c['threshold']} people",
            c["deadline"],
            c["title"],
        ]
        for c in found
    ]
    table("Campaigns", ["id", "kind", "status", "pledged", "deadline", "title"], rows)


@app.command("show")
def show(campaign: int = typer.Argument(...), node: str = NodeUrl) -> None:
    """A campaign with its pledges and who is owed what, as JSON."""
    console.print_json(json.dumps(fetch(node, f"/v1/campaigns/{campaign}")))


@app.command("postings")
def postings(campaign: int = typer.Argument(...), node: str = NodeUrl) -> None:
    """The money the campaign moved at its close (or would move on each outcome)."""
    console.print_json(json.dumps(fetch(node, f"/v1/campaigns/{campaign}/postings")))


@app.command("pledge")
@signing
def pledge(
    campaign: int = typer.Argument(...),
    amount: int | None = typer.Option(None, help="Minor units (none for a threshold pledge)."),
    home: str | None = typer.Option(
        None, help="The campaign's node DID, for another node's campaign this node carries."
    ),
    *,
    signer: Signer,
) -> None:
    """Pledge to a campaign of this node, or one it carries (refunded in full if it fails)."""
    home = home or fetch(signer.node, "/.well-known/commonweal")["did"]
    body: dict[str, Any] = {"campaign": campaign, "home": home}
    body.update(given(amount=amount))
    signer.act("campaigns.pledge.made", body)


@app.command("withdraw")
@signing
def withdraw(
    campaign: int = typer.Argument(...),
    home: str | None = typer.Option(None, help="The campaign's node DID, if it is carried."),
    *,
    signer: Signer,
) -> None:
    """Take your pledge back before the deadline."""
    body: dict[str, Any] = {"campaign": campaign}
    body.update(filled(home=home))
    signer.act("campaigns.pledge.withdrawn", body)


@app.command("carried")
def carried(node: str = NodeUrl) -> None:
    """Other nodes' network campaigns this node carries (its members pledge to them here)."""
    found = fetch(node, "/v1/campaigns/carried")["carried"]
    rows = [
        [
            c["campaign"],
            c["home_name"] or c["home"],
            c["status"],
            c["pledgers"],
            _network_count(c.get("network")),
            c["deadline"],
        ]
        for c in found
    ]
    columns = ["id", "home", "status", "pledgers here", "across the network", "deadline"]
    table("Carried campaigns", columns, rows)


def _network_count(count: dict[str, Any] | None) -> str:
    """A carried campaign's count across the network as the node knows it, in words."""
    if not count or "people" not in count:
        return "not heard yet" if not count or not count.get("error") else "unreadable"
    if count["audited"]:
        return (
            f"{count['people']} of {count['threshold']} (audited, entry {count['closing_index']})"
        )
    return f"{count['so_far']} of {count['threshold']} (home's count {count['as_of']})"


@app.command("audit")
def audit(
    campaign: int = typer.Argument(..., help="The campaign's id at its home node."),
    node: str = NodeUrl,
) -> None:
    """Check a network campaign: each node's report against that node's log, and the
    outcome against the reports."""
    try:
        found = audit_campaign(node, campaign)
    except PeerError as error:
        raise fail(str(error)) from None
    print_checks([*found.checks, *found.totals])
    if not found.ok:
        raise typer.Exit(1)


event_command(
    app,
    "cancel",
    "campaigns.campaign.cancelled",
    "Call off your campaign: every pledge is refunded (with any bonus promised).",
    subject="campaign",
    argument=typer.Argument(...),
    reason="Why (public).",
)
