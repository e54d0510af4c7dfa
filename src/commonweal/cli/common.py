"""Options and output helpers shared by the commands."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

# No emoji codes (":key:" is part of every did:key) and no wrapping of long values.
console = Console(emoji=False, soft_wrap=True)
errors = Console(stderr=True, emoji=False, soft_wrap=True)

DataDir = typer.Option(Path("data"), "--data-dir", "-d", help="The node's data directory.")
Passphrase = typer.Option(
    None,
    "--passphrase",
    envvar="COMMONWEAL_PASSPHRASE",
    help="Passphrase of an encrypted key file (or set COMMONWEAL_PASSPHRASE).",
)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as an error and return the exit to raise."""
    errors.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)
