"""The ``commonweal`` command: the node's own commands, then every capability's
(``commonweal.capabilities``), then ``verify``.

Its messages and its ``--help`` are in the language the environment names (``LC_ALL``,
``LC_MESSAGES``, ``LANG``, then ``COMMONWEAL_LANGUAGE``; docs/languages.md), chosen once as
it starts (the help by :func:`run`, the console entry point: ``cli/help_words.py``);
command and option names and JSON output are the same in every language.
"""

from __future__ import annotations

import os

import typer

from commonweal import __version__
from commonweal.capabilities import PROGRAM, Assembly
from commonweal.cli import (
    backup_commands,
    demo_commands,
    deploy_commands,
    event_commands,
    help_words,
    issuer_commands,
    key_commands,
    log_commands,
    node_commands,
    scheduler_commands,
)
from commonweal.core.language import language_of_environment, speaking


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"commonweal {__version__}")
        raise typer.Exit()


def main(
    context: typer.Context,
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the installed version and exit.",
    ),
) -> None:
    """Commonweal: civic infrastructure for network nations, on a verifiable log."""
    # Every command speaks the environment's language until it ends (then what spoke before).
    context.with_resource(speaking(language_of_environment(os.environ)))


def verify(
    target: str = typer.Argument(..., help="A data directory, a database URL, or a node URL."),
    witnesses: bool | None = log_commands.Witnesses,
    peer: list[str] = log_commands.Peers,
) -> None:
    """Replay a node's whole log and check every signature, rule, projection and checkpoint;
    ask its witnesses and mirrors whether the log was rolled back."""
    log_commands.run_verify(target, witnesses=witnesses, peers=peer)


def command(program: Assembly) -> typer.Typer:
    """The ``commonweal`` command with the commands of ``program``'s capabilities."""
    app = typer.Typer(
        name="commonweal",
        help="Commonweal: civic infrastructure for network nations, on a verifiable log.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    app.callback()(main)
    app.command("init")(node_commands.init)
    app.command("serve")(node_commands.serve)
    app.command("scheduler")(scheduler_commands.scheduler)
    app.command("demo")(demo_commands.demo)
    app.command("issuer-token")(issuer_commands.issuer_token)
    app.command("deploy")(deploy_commands.deploy)
    app.command("backup")(backup_commands.backup)
    app.command("restore-backup")(backup_commands.restore)
    app.command("upgrade")(backup_commands.upgrade)
    app.add_typer(key_commands.app, name="key")
    app.add_typer(event_commands.app, name="event")
    app.add_typer(log_commands.app, name="log")
    program.add_commands(app)  # every capability's commands, in the list's order
    app.command("verify")(verify)
    return app


app = command(PROGRAM)


def run() -> None:
    """The console entry point: ``app``, its ``--help`` in the environment's language
    (``cli/help_words.py``)."""
    help_words.run(app)


if __name__ == "__main__":
    run()
