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
from commonweal.cli import help_words
from commonweal.cli.lazy import lazy_group, loader
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


OWN_COMMANDS = {
    "init": "commonweal.cli.node_commands:init",
    "serve": "commonweal.cli.node_commands:serve",
    "scheduler": "commonweal.cli.scheduler_commands:scheduler",
    "demo": "commonweal.cli.demo_commands:demo",
    "issuer-token": "commonweal.cli.issuer_commands:issuer_token",
    "deploy": "commonweal.cli.deploy_commands:deploy",
    "backup": "commonweal.cli.backup_commands:backup",
    "restore-backup": "commonweal.cli.backup_commands:restore",
    "upgrade": "commonweal.cli.backup_commands:upgrade",
    "key": "commonweal.cli.key_commands",
    "event": "commonweal.cli.event_commands",
    "log": "commonweal.cli.log_commands",
}
"""The node's own commands, before the capabilities' (each imported when it is called)."""


def command(program: Assembly) -> typer.Typer:
    """The ``commonweal`` command with the commands of ``program``'s capabilities, each
    imported when it is first called (``cli/lazy.py``)."""
    loaders = {name: loader(name, place) for name, place in OWN_COMMANDS.items()}
    loaders.update(program.command_loaders())  # every capability's, in the list's order
    loaders["verify"] = loader("verify", "commonweal.cli.log_commands:verify")
    app = typer.Typer(
        name="commonweal",
        help="Commonweal: civic infrastructure for network nations, on a verifiable log.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        cls=lazy_group(loaders),
    )
    app.callback()(main)
    return app


app = command(PROGRAM)


def run() -> None:
    """The console entry point: ``app``, its ``--help`` in the environment's language
    (``cli/help_words.py``)."""
    help_words.run(app)


if __name__ == "__main__":
    run()
