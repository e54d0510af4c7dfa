"""``commonweal key new|show``: personal Ed25519 keys in files of mode 0600."""

from __future__ import annotations

from pathlib import Path

import typer

from commonweal.cli.common import Passphrase, console, fail
from commonweal.core.did import did_key_from_public_key, multikey_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.node.setup import SetupError, read_key_file, write_key_file

app = typer.Typer(help="Create and inspect signing keys.", no_args_is_help=True)


@app.command("new")
def new(
    out: Path = typer.Argument(..., help="Where to write the key file (must not exist)."),
    encrypt: bool = typer.Option(False, "--encrypt", help="Seal the key with a passphrase."),
    passphrase: str | None = Passphrase,
) -> None:
    """Create a key file and print its did:key."""
    if encrypt and not passphrase:
        passphrase = typer.prompt("Passphrase", hide_input=True, confirmation_prompt=True)
    key = SigningKey.generate()
    try:
        write_key_file(out, key, passphrase if encrypt or passphrase else None)
    except FileExistsError:
        raise fail(f"{out} already exists; choose another path") from None
    console.print(did_key_from_public_key(key.public_key))


@app.command("show")
def show(
    path: Path = typer.Argument(..., help="A key file."),
    passphrase: str | None = Passphrase,
) -> None:
    """Print a key file's DID and public key (never the private key)."""
    try:
        key = read_key_file(path, passphrase)
    except SetupError as error:
        raise fail(str(error)) from None
    console.print(f"did        {did_key_from_public_key(key.public_key)}")
    console.print(f"multikey   {multikey_from_public_key(key.public_key)}")
