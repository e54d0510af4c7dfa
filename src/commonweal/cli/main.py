"""The ``commonweal`` command."""

from __future__ import annotations

import typer

from commonweal import __version__
from commonweal.cli import (
    aid_commands,
    alliance_commands,
    backup_commands,
    campaign_commands,
    census_commands,
    commons_commands,
    credential_commands,
    credit_commands,
    deploy_commands,
    event_commands,
    federation_commands,
    gathering_commands,
    governance_commands,
    key_commands,
    log_commands,
    member_commands,
    node_commands,
    round_commands,
    scheduler_commands,
    treasury_commands,
    wallet_commands,
)

app = typer.Typer(
    name="commonweal",
    help="Commonweal: civic infrastructure for network nations, on a verifiable log.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"commonweal {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the installed version and exit.",
    ),
) -> None:
    """Commonweal: civic infrastructure for network nations, on a verifiable log."""


app.command("init")(node_commands.init)
app.command("serve")(node_commands.serve)
app.command("scheduler")(scheduler_commands.scheduler)
app.command("demo")(node_commands.demo)
app.command("issuer-token")(node_commands.issuer_token)
app.command("deploy")(deploy_commands.deploy)
app.command("backup")(backup_commands.backup)
app.command("restore-backup")(backup_commands.restore)
app.command("upgrade")(backup_commands.upgrade)
app.add_typer(key_commands.app, name="key")
app.add_typer(event_commands.app, name="event")
app.add_typer(log_commands.app, name="log")
app.add_typer(member_commands.app, name="member")
app.add_typer(wallet_commands.app, name="wallet")
app.add_typer(credential_commands.app, name="credential")
app.add_typer(governance_commands.app, name="proposal")
app.add_typer(governance_commands.constitution_app, name="constitution")
app.command("vote")(governance_commands.vote)
app.command("delegate")(governance_commands.delegate)
app.command("tally")(governance_commands.tally)
app.add_typer(commons_commands.app, name="commons")
app.add_typer(gathering_commands.app, name="gathering")
app.add_typer(aid_commands.app, name="aid")
app.add_typer(campaign_commands.app, name="campaign")
app.add_typer(round_commands.app, name="round")
app.add_typer(treasury_commands.app, name="treasury")
app.add_typer(credit_commands.app, name="credit")
app.add_typer(federation_commands.peer_app, name="peer")
app.command("recognize")(federation_commands.recognize)
app.add_typer(federation_commands.witness_app, name="witness")
app.command("restore")(federation_commands.restore)
app.add_typer(alliance_commands.app, name="alliance")
app.add_typer(census_commands.app, name="census")


@app.command("verify")
def verify(
    target: str = typer.Argument(..., help="A data directory, a database URL, or a node URL."),
    witnesses: bool | None = log_commands.Witnesses,
    peer: list[str] = log_commands.Peers,
) -> None:
    """Replay a node's whole log and check every signature, rule, projection and checkpoint;
    ask its witnesses and mirrors whether the log was rolled back."""
    log_commands.run_verify(target, witnesses=witnesses, peers=peer)


if __name__ == "__main__":
    app()
