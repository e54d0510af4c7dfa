"""``commonweal key new|show|seal``: Ed25519 keys in files of mode 0600."""

from __future__ import annotations

from pathlib import Path

import typer

from commonweal.cli.common import Passphrase, console, fail
from commonweal.core.did import did_key_from_public_key, multikey_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.core.language import _
from commonweal.node.kernel.setup import SetupError, read_key_file, write_key_file

app = typer.Typer(help="Create and inspect signing keys.", no_args_is_help=True)


@app.command("new")
def new(
    out: Path = typer.Argument(..., help="Where to write the key file (must not exist)."),
    encrypt: bool = typer.Option(False, "--encrypt", help="Seal the key with a passphrase."),
    passphrase: str | None = Passphrase,
) -> None:
    """Create a key file and print its did:key."""
    if encrypt and not passphrase:
        passphrase = typer.prompt(_("Passphrase"), hide_input=True, confirmation_prompt=True)
    key = SigningKey.generate()
    try:
        write_key_file(out, key, passphrase if encrypt or passphrase else None)
    except FileExistsError:
        raise fail(_("%(out)s already exists; choose another path", out=out)) from None
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


@app.command("seal")
def seal(
    path: Path = typer.Argument(..., help="A key file (plain, or sealed with the old passphrase)."),
    passphrase: str | None = Passphrase,
    new_passphrase: str | None = typer.Option(
        None,
        "--new-passphrase",
        envvar="COMMONWEAL_NEW_PASSPHRASE",
        help="The passphrase to seal it with (asked twice when not given).",
    ),
) -> None:
    """Seal a key file with a (new) passphrase, in place: the same key, the same DID.

    The sealed file replaces the old one only once it is written whole (mode 0600), so an
    interrupted run leaves the old file as it was. A node's key is sealed while the node
    is stopped; start it again with the new passphrase (docs/operations.md, "Key custody").
    """
    try:
        key = read_key_file(path, passphrase)
    except SetupError as error:
        raise fail(str(error)) from None
    if not new_passphrase:
        new_passphrase = typer.prompt(
            _("New passphrase"), hide_input=True, confirmation_prompt=True
        )
    if not new_passphrase:
        raise fail(_("the new passphrase must not be empty"))
    sealed = path.with_name(f".{path.name}.sealing")
    sealed.unlink(missing_ok=True)
    write_key_file(sealed, key, new_passphrase)
    sealed.replace(path)
    console.print(
        _(
            "Sealed %(path)s (%(did)s)",
            path=path,
            did=did_key_from_public_key(key.public_key),
        )
    )
