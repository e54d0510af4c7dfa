"""``commonweal alliance …``: network-wide votes, their subtotals and audits."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import typer

from commonweal.cli.common import (
    DataDir,
    NodeUrl,
    Passphrase,
    Signer,
    console,
    fail,
    print_checks,
    signing,
)
from commonweal.cli.federation_commands import fetch, node_key
from commonweal.client.alliance_audit import audit_vote
from commonweal.core.language import _
from commonweal.domain.federation.precincts import BALLOT_CAST
from commonweal.domain.federation.requests import CALL_REQUESTED
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.node.kernel.setup import SetupError, init_node
from commonweal.node.read_models.federation_votes import WEIGHTING_WORDS
from commonweal.node.services.federation.peer_client import PeerClient, PeerError

app = typer.Typer(
    help="Alliances of nodes: create one, call a network-wide vote, vote, audit.",
    no_args_is_help=True,
)


# -- alliances -------------------------------------------------------------------------

ALLIANCE_KINDS: dict[str, Any] = {
    "network": {
        "title": "Network-wide decision",
        "description": "A yes/no decision of the whole alliance, counted by precinct.",
        "method": "yes_no",
        "discussion_seconds": 0,
        "voting_seconds": 60,
        "quorum": "0",
        "threshold": {"more_than": "1/2"},
        "delegation": True,
    },
    "network-choice": {
        "title": "Network-wide choice",
        "description": "Rank the options; counted by the Schulze method over every ballot.",
        "method": "schulze",
        "options": {"status_quo": False},
        "discussion_seconds": 0,
        "voting_seconds": 60,
        "quorum": "0",
        "delegation": True,
    },
}


def alliance_constitution(weighting: str, voting_seconds: int, report_seconds: int) -> Any:
    """The default constitution, with network kinds and the alliance charter."""
    constitution = copy.deepcopy(DEFAULT_CONSTITUTION)
    constitution["kinds"].pop("recognition", None)
    constitution["kinds"].update(copy.deepcopy(ALLIANCE_KINDS))
    constitution["alliance"] = {
        "weighting": weighting,
        "voting_seconds": voting_seconds,
        "report_seconds": report_seconds,
    }
    return constitution


@app.command("create")
def alliance_create(
    name: str = typer.Option(..., "--name", help="The alliance's name."),
    member: list[str] = typer.Option([], "--member", help="A member node's URL (repeat)."),
    data_dir: Path = DataDir,
    weighting: str = typer.Option(
        "per_capita", help="per_capita, one_node_one_vote or double_majority."
    ),
    voting_seconds: int = typer.Option(7 * 86400, help="How long network-wide votes last."),
    report_seconds: int = typer.Option(86400, help="How long precincts may report after."),
) -> None:
    """Create an alliance: a node whose founding members are the member nodes' keys."""
    keys = [fetch(url, "/.well-known/commonweal")["key"] for url in member]
    try:
        node = init_node(
            data_dir,
            name=name,
            founders=keys,
            admission={"admission": "approval"},
            constitution=alliance_constitution(weighting, voting_seconds, report_seconds),
        )
    except SetupError as error:
        raise fail(str(error)) from None
    console.print(
        _(
            "Created the alliance [bold]%(name)s[/] (%(did)s) in %(data_dir)s",
            name=name,
            did=node.identity.did,
            data_dir=data_dir,
        )
    )
    console.print(
        _(
            "  %(count)s member node(s); weighting %(weighting)s",
            count=len(keys),
            weighting=weighting,
        )
    )
    node.close()


@app.command("call")
def alliance_call(
    title: str = typer.Option(..., help="What the network decides."),
    kind: str = typer.Option("network", help="A kind of the alliance's constitution."),
    option: list[str] = typer.Option(["adopt"], "--option", help="An option label (repeat)."),
    text: str = typer.Option("", help="The proposal's text."),
    alliance: str = typer.Option(..., "--alliance", help="The alliance's URL."),
    as_node: Path = typer.Option(
        ..., "--as-node", help="Data directory of the member node that calls it."
    ),
    passphrase: str | None = Passphrase,
) -> None:
    """Call a network-wide vote, signed by a member node's key."""
    constitution = fetch(alliance, "/v1/constitution")["constitution"]
    charter = constitution.get("alliance")
    rules = constitution["kinds"].get(kind)
    if charter is None or rules is None:
        raise fail(
            _(
                "%(alliance)s is not an alliance with a kind %(kind)s",
                alliance=alliance,
                kind=repr(kind),
            )
        )
    body = {
        "kind": kind,
        "title": title,
        "text": text,
        "options": option,
        "method": rules["method"],
        "method_options": rules["options"],
        "voting_seconds": charter["voting_seconds"],
        "weighting": charter["weighting"],
    }
    try:
        with PeerClient(alliance) as client:
            receipt = client.submit_as(
                node_key(as_node, passphrase), "federation.network_vote.called", body
            )
    except PeerError as error:
        raise fail(str(error)) from None
    console.print(
        _("Network vote [bold]%(index)s[/] called: %(title)s", index=receipt["index"], title=title)
    )


@app.command("request-call")
@signing
def alliance_request_call(
    title: str = typer.Option(..., help="What the network decides."),
    alliance: str = typer.Option(..., "--alliance", help="The alliance's DID (recognised)."),
    kind: str = typer.Option("network", help="A kind of the alliance's constitution."),
    option: list[str] = typer.Option(["adopt"], "--option", help="An option label (repeat)."),
    text: str = typer.Option("", help="The proposal's text."),
    *,
    signer: Signer,
) -> None:
    """As a steward of a member node: ask your node to call a network-wide vote in its
    alliance (what `alliance call --as-node` does for the operator), a signed event the
    node carries out, with its own key, on its next sync round."""
    body = {"alliance": alliance, "kind": kind, "title": title, "text": text, "options": option}
    receipt = signer.act(CALL_REQUESTED, body)
    console.print(
        _("Requested (entry %(index)s); see: commonweal peer requests", index=receipt["index"])
    )


@app.command("ballot")
@signing
def alliance_ballot(
    precinct: int = typer.Argument(..., help="The precinct's id (see alliance precincts)."),
    ballot: str = typer.Argument(..., help='The ballot as JSON, e.g. \'{"choice": "yes"}\'.'),
    *,
    signer: Signer,
) -> None:
    """Vote in a network-wide vote, in your own node's precinct."""
    try:
        parsed = json.loads(ballot)
    except ValueError as error:
        raise fail(_("the ballot is not JSON: %(error)s", error=error)) from None
    signer.act(BALLOT_CAST, {"precinct": precinct, "ballot": parsed})


@app.command("precincts")
def alliance_precincts(node: str = NodeUrl) -> None:
    """This node's precincts of its alliances' votes."""
    for precinct in fetch(node, "/v1/federation/precincts")["precincts"]:
        console.print(
            _(
                "[bold]%(id)s[/] %(title)s — %(phase)s until %(voting_until)s (options: %(value)s)",
                id=precinct["id"],
                title=precinct["title"],
                phase=precinct["phase"],
                voting_until=precinct["voting_until"],
                value=", ".join(precinct["options"]),
            )
        )
        if precinct["subtotal"] is not None:
            console.print(
                _("  subtotal: %(ballots)s ballots", ballots=precinct["subtotal"]["ballots"])
            )


@app.command("precinct")
def alliance_precinct(
    precinct: int = typer.Argument(..., help="The precinct's id (see alliance precincts)."),
    node: str = NodeUrl,
) -> None:
    """One precinct of this node: the question, how it is weighted, every ballot cast here
    so far and, once voting closed, the subtotal the node logged (the page
    /network/precincts/ID)."""
    record = fetch(node, f"/v1/federation/precincts/{precinct}")
    console.print(
        _(
            "[bold]%(title)s[/] — %(phase)s until %(voting_until)s",
            title=record["title"],
            phase=record["phase"],
            voting_until=record["voting_until"],
        )
    )
    if record.get("text"):
        console.print(f"  {record['text']}")
    words = WEIGHTING_WORDS.get(record["weighting"], record["weighting"])
    console.print(
        _(
            "  options: %(value)s (%(method)s); %(words)s",
            value=", ".join(record["options"]),
            method=record["method"],
            words=words,
        )
    )
    console.print(
        _(
            "  alliance %(alliance)s, its vote %(vote)s",
            alliance=record["alliance"],
            vote=record["vote"],
        )
    )
    console.print(_("  %(value)s ballot(s) cast here", value=len(record["ballots"])))
    for voter, ballot in record["ballots"].items():
        console.print(f"    {voter}: {json.dumps(ballot)}")
    if record["subtotal"] is not None:
        subtotal = record["subtotal"]
        console.print(
            _(
                "  subtotal (entry %(closed_index)s): %(ballots)s of %(electorate)s members voted",
                closed_index=record["closed_index"],
                ballots=subtotal["ballots"],
                electorate=subtotal["electorate"],
            )
        )


@app.command("show")
def alliance_show(
    vote: int | None = typer.Argument(None, help="A vote's id (default: every vote)."),
    alliance: str = NodeUrl,
) -> None:
    """The alliance's member nodes and votes, or one vote with its subtotals (each with
    what the alliance's audit from its mirrors found) and result."""
    if vote is None:
        view = fetch(alliance, "/v1/federation/alliance")
        console.print(
            _(
                "Alliance %(did)s: %(value)s member node(s)",
                did=view["did"],
                value=len(view["members"]),
            )
        )
        console.print(_("  charter: %(charter)s", charter=view["charter"]))
        for item in view["votes"]:
            outcome = item["result"]["decided"] if item["result"] else "-"
            console.print(f"  [bold]{item['id']}[/] {item['title']} — {item['phase']} {outcome}")
        return
    record = fetch(alliance, f"/v1/federation/votes/{vote}")
    audits = fetch(alliance, f"/v1/federation/votes/{vote}/audit")["precincts"]
    console.print_json(json.dumps({k: record[k] for k in ("title", "phase", "weighting")}))
    for member, report in record["subtotals"].items():
        audit = audits.get(member, {"status": "pending", "detail": ""})
        console.print(
            f"  {member}: {report['ballots']} of {report['electorate']} "
            f"— {audit['status']}: {audit['detail']}"
        )
    if record["result"] is not None:
        console.print_json(json.dumps(record["result"]))
        for duplicate in record["result"].get("duplicates", []):
            console.print(
                _(
                    "  counted once: person %(value)s… in %(counted_in)s, also "
                    "reported by %(value2)s",
                    value=duplicate["person"][:16],
                    counted_in=duplicate["counted_in"],
                    value2=", ".join(duplicate["also_in"]),
                )
            )


@app.command("audit")
def alliance_audit(
    vote: int = typer.Argument(..., help="The vote's id."),
    alliance: str = NodeUrl,
) -> None:
    """Check every subtotal against its node's log, and the totals against the subtotals."""
    try:
        audit = audit_vote(alliance, vote)
    except PeerError as error:
        raise fail(str(error)) from None
    print_checks([*audit.checks, *audit.totals])
    if not audit.ok:
        raise typer.Exit(1)
