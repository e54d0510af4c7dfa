"""``commonweal log checkpoint|proof|verify`` and ``commonweal verify``."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from commonweal.capabilities import PROGRAM
from commonweal.cli.common import DataDir, Passphrase, console, fail
from commonweal.cli.federation_commands import node_key
from commonweal.client.http import NodeClient, NodeRefused
from commonweal.client.remote_log import RemoteLog
from commonweal.core.language import _
from commonweal.node.kernel import queries
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.setup import SetupError, database_engine, open_node, store_url
from commonweal.node.kernel.store_check import check_rollback, verify_store, witnesses_of
from commonweal.node.kernel.verify import Report, verify_log
from commonweal.node.services.federation import rollback
from commonweal.node.services.federation.peer_client import PeerClient, PeerError
from commonweal.node.services.federation.rollback import RollbackStatus
from commonweal.store.checked_store import STORAGE_ERRORS, CheckedStore, reason

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
        node = open_node(data_dir, passphrase=passphrase, registry=PROGRAM.registry())
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
        raise fail(
            _("the node refused (%(status)s): %(text)s", status=answer.status, text=answer.text)
        )
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
        node = open_node(data_dir, passphrase=passphrase, registry=PROGRAM.registry())
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


Witnesses = typer.Option(
    None,
    "--witnesses/--no-witnesses",
    help="Ask the node's witnesses and mirrors whether the log was rolled back "
    "(default: when the node has any).",
)
Peers = typer.Option(
    [], "--peer", help="Also ask this node (URL) what it holds of the log; may be repeated."
)


@app.command("verify")
def verify_command(
    target: str = typer.Argument(..., help="A data directory, a database URL, or a node URL."),
    witnesses: bool | None = Witnesses,
    peer: list[str] = Peers,
) -> None:
    """Replay the whole log and check every signature, rule, projection and checkpoint."""
    run_verify(target, witnesses=witnesses, peers=peer)


def run_verify(target: str, *, witnesses: bool | None = None, peers: Sequence[str] = ()) -> None:
    """Verify ``target`` and exit 1 if anything fails; damage is reported, never raised."""
    registry = PROGRAM.registry()
    client = None
    store: CheckedStore | None = None
    status = None
    try:
        with _progress_bar() as progress:
            if target.startswith(("http://", "https://")):
                client = NodeClient(target)
                report = verify_log(RemoteLog(client), registry, progress=progress)
            else:
                store = CheckedStore(database_engine(store_url(target)))
                report = verify_store(store, registry, progress=progress)
        if store is not None and witnesses is not False:
            urls = rollback.peer_urls([], [*witnesses_of(store), *peers])
            if urls:
                status = check_rollback(store, report, urls, timeout=ROLLBACK_TIMEOUT)
            elif witnesses:
                console.print(_("no witness or mirror is known: the rollback check was not made"))
        elif witnesses:
            console.print(_("the rollback check needs the node's own store, not its URL"))
    except SetupError as error:
        raise fail(str(error)) from None
    except STORAGE_ERRORS as error:
        raise fail(
            _(
                "%(target)s: the database is unreadable: %(reason)s",
                target=target,
                reason=reason(error),
            )
        ) from None
    except (NodeRefused, httpx.HTTPError) as error:
        raise fail(
            _("%(target)s did not serve its log: %(error)s", target=target, error=error)
        ) from None
    finally:
        if client is not None:
            client.close()
        if store is not None:
            store.engine.dispose()
    print_report(target, report)
    if status is not None:
        print_rollback(target, status)
    if not report.ok:
        raise typer.Exit(1)


ROLLBACK_TIMEOUT = 10.0
"""Seconds each witness or mirror has to answer ``verify``."""


def print_rollback(target: str, status: RollbackStatus) -> None:
    """What the witnesses and mirrors hold of the log, and the restore command if needed."""
    largest = status.largest
    seen = f"{largest.size} ({largest.kind} {largest.source})" if largest else "none"
    console.print(
        _(
            "  witnesses, mirrors   %(count)s asked, largest checkpoint seen: %(seen)s",
            count=len(status.asked),
            seen=seen,
        ),
        highlight=False,
    )
    for url in status.unreachable:
        console.print(_("  [yellow]unreachable[/] %(url)s", url=url), highlight=False)
    if status.rolled_back:
        console.print(_("  restore the missing range with:"), highlight=False)
        console.print(f"    {status.restore_command(target)}", highlight=False)


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None]]:
    """A transient progress bar; yields the callback ``verify_log`` reports to."""
    with Progress(
        TextColumn("[bold]verifying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("entries", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def print_report(target: str, report: Report) -> None:
    """A plain-language verification report."""
    console.print(_("[bold]%(target)s[/]: %(size)s entries", target=target, size=report.size))
    console.print(
        _("  entries checked      %(entries_checked)s", entries_checked=report.entries_checked)
    )
    console.print(
        _(
            "  checkpoints checked  %(checkpoints_checked)s",
            checkpoints_checked=report.checkpoints_checked,
        )
    )
    console.print(
        _("  projection rows      %(projection_rows)s", projection_rows=report.projection_rows)
    )
    if report.storage_check:
        console.print(
            _("  storage check        PRAGMA %(storage_check)s", storage_check=report.storage_check)
        )
    for failure in report.failures:
        where = f"leaf {failure.index}: " if failure.index is not None else ""
        console.print(
            _("  [red]FAILED[/] %(where)s%(what)s", where=where, what=failure.what), highlight=False
        )
    for evidence in report.evidence:
        console.print(_("  [red]EVIDENCE[/] %(reason)s", reason=evidence.reason), highlight=False)
        console.print(_("  older checkpoint:"), highlight=False)
        console.print(evidence.older, highlight=False, end="")
        console.print(_("  newer checkpoint:"), highlight=False)
        console.print(evidence.newer, highlight=False, end="")
    if report.ok:
        console.print(
            _("[bold green]verified[/]: every signature, rule, projection and checkpoint holds")
        )
    else:
        console.print(_("[bold red]verification failed[/]"))


def verify(
    target: str = typer.Argument(..., help="A data directory, a database URL, or a node URL."),
    witnesses: bool | None = Witnesses,
    peer: list[str] = Peers,
) -> None:
    """Replay a node's whole log and check every signature, rule, projection and checkpoint;
    ask its witnesses and mirrors whether the log was rolled back."""
    run_verify(target, witnesses=witnesses, peers=peer)
