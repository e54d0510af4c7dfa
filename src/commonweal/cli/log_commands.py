"""``commonweal log checkpoint|proof|verify`` and ``commonweal verify``."""

from __future__ import annotations

import base64
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from commonweal.cli.common import DataDir, Passphrase, console, fail
from commonweal.cli.federation_commands import node_key
from commonweal.client.http import NodeClient
from commonweal.client.peers import PeerClient, PeerError
from commonweal.client.remote_log import RemoteLog
from commonweal.domain.catalog import default_registry
from commonweal.node import queries
from commonweal.node.errors import Rejected
from commonweal.node.setup import SetupError, open_node, open_store
from commonweal.node.verify import LogSource, Report, verify_log
from commonweal.store.log_store import LogStore

app = typer.Typer(
    help="Checkpoints, proofs and verification of a node's log.", no_args_is_help=True
)


@app.command("checkpoint")
def checkpoint(
    data_dir: Path = DataDir,
    passphrase: str | None = Passphrase,
    node_url: str | None = typer.Option(
        None,
        "--node",
        help="Ask this running node (POST /v1/checkpoints, signed with the node key "
        "read from --data-dir) instead of opening its database here.",
    ),
) -> None:
    """Sign a checkpoint of the log now and print it."""
    if node_url is not None:
        console.print(_checkpoint_remote(node_url, data_dir, passphrase), end="", highlight=False)
        return
    try:
        node = open_node(data_dir, passphrase=passphrase)
    except SetupError as error:
        raise fail(str(error)) from None
    try:
        console.print(node.checkpoint().note, end="", highlight=False)
    finally:
        node.close()


def _checkpoint_remote(node_url: str, data_dir: Path, passphrase: str | None) -> str:
    """The operator's signed request for a checkpoint now; the signed note."""
    try:
        with PeerClient(node_url, key=node_key(data_dir, passphrase)) as client:
            answer = client.post_signed("/v1/checkpoints", b"", "application/json")
    except PeerError as error:
        raise fail(str(error)) from None
    if answer.status != 201:
        raise fail(f"the node refused ({answer.status}): {answer.text}")
    return str(answer.json()["note"])


@app.command("proof")
def proof(
    index: int = typer.Argument(..., help="The leaf index to prove."),
    data_dir: Path = DataDir,
    passphrase: str | None = Passphrase,
    consistency_from: int | None = typer.Option(
        None, "--consistency-from", help="Instead: prove the log at this size is a prefix of INDEX."
    ),
) -> None:
    """Print an offline receipt (C2SP tlog-proof) for leaf INDEX, or a consistency proof."""
    try:
        node = open_node(data_dir, passphrase=passphrase)
    except SetupError as error:
        raise fail(str(error)) from None
    try:
        if consistency_from is None:
            console.print(queries.tlog_proof(node, index), end="", highlight=False)
            return
        result = queries.consistency(node, consistency_from, index)
    except Rejected as error:
        raise fail(str(error)) from None
    finally:
        node.close()
    console.print(f"old {result['old']} root {base64.b64encode(result['old_root']).decode()}")
    console.print(f"new {result['new']} root {base64.b64encode(result['new_root']).decode()}")
    for value in result["proof"]:
        console.print(base64.b64encode(value).decode())


@app.command("verify")
def verify_command(
    target: str = typer.Argument(..., help="A data directory, a database URL, or a node URL."),
) -> None:
    """Replay the whole log and check every signature, rule, projection and checkpoint."""
    run_verify(target)


def run_verify(target: str) -> None:
    """Verify ``target`` and exit 1 if anything fails."""
    registry = default_registry()
    source: LogSource
    live: LogStore | None = None
    client = None
    try:
        if target.startswith(("http://", "https://")):
            client = NodeClient(target)
            source = RemoteLog(client)
        else:
            live = open_store(target)
            source = live
        with Progress(
            TextColumn("[bold]verifying"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("entries", total=None)
            report = verify_log(
                source,
                registry,
                compare_with=live,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except SetupError as error:
        raise fail(str(error)) from None
    finally:
        if client is not None:
            client.close()
    print_report(target, report)
    if not report.ok:
        raise typer.Exit(1)


def print_report(target: str, report: Report) -> None:
    """A plain-language verification report."""
    console.print(f"[bold]{target}[/]: {report.size} entries")
    console.print(f"  entries checked      {report.entries_checked}")
    console.print(f"  checkpoints checked  {report.checkpoints_checked}")
    console.print(f"  projection rows      {report.projection_rows}")
    for failure in report.failures:
        where = f"leaf {failure.index}: " if failure.index is not None else ""
        console.print(f"  [red]FAILED[/] {where}{failure.what}", highlight=False)
    for evidence in report.evidence:
        console.print(f"  [red]EVIDENCE[/] {evidence.reason}", highlight=False)
        console.print("  older checkpoint:", highlight=False)
        console.print(evidence.older, highlight=False, end="")
        console.print("  newer checkpoint:", highlight=False)
        console.print(evidence.newer, highlight=False, end="")
    if report.ok:
        console.print(
            "[bold green]verified[/]: every signature, rule, projection and checkpoint holds"
        )
    else:
        console.print("[bold red]verification failed[/]")
