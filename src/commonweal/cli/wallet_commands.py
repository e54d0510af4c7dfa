"""``commonweal wallet …``: your key (sealed with a passphrase) and your credentials."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from commonweal.cli.common import NodeUrl, Passphrase, WalletDir, console, fail
from commonweal.client.http import NodeClient, NodeRefused
from commonweal.client.wallet import Wallet, WalletError, default_wallet
from commonweal.core.language import _

app = typer.Typer(help="Your key and your credentials.", no_args_is_help=True)


def _wallet(path: Path | None) -> Wallet:
    return Wallet(path or default_wallet())


def _passphrase(given: str | None, *, confirm: bool = False) -> str:
    if given:
        return given
    return str(typer.prompt(_("Wallet passphrase"), hide_input=True, confirmation_prompt=confirm))


@app.command("new")
def new(wallet: Path | None = WalletDir, passphrase: str | None = Passphrase) -> None:
    """Create a wallet with a new key, sealed with a passphrase; print your did:key."""
    try:
        did = _wallet(wallet).create(_passphrase(passphrase, confirm=True))
    except WalletError as error:
        raise fail(str(error)) from None
    console.print(did)


@app.command("import")
def import_key(
    key_file: Path = typer.Argument(..., help="A key file (e.g. a wallet export)."),
    old_passphrase: str | None = typer.Option(
        None, help="The key file's own passphrase, if sealed."
    ),
    wallet: Path | None = WalletDir,
    passphrase: str | None = Passphrase,
) -> None:
    """Create a wallet from an existing key file (restoring a backup on a new device)."""
    try:
        did = _wallet(wallet).import_key(
            key_file, old_passphrase, _passphrase(passphrase, confirm=True)
        )
    except WalletError as error:
        raise fail(str(error)) from None
    console.print(did)


@app.command("export")
def export(
    wallet: Path | None = WalletDir,
    for_browser: bool = typer.Option(
        False,
        "--for-browser",
        help="Re-seal with PBKDF2 + AES-GCM, the form a node's Key page can restore.",
    ),
    passphrase: str | None = Passphrase,
) -> None:
    """Print the sealed key file (a backup; it stays sealed with your passphrase)."""
    holder = _wallet(wallet)
    try:
        if for_browser:
            sys.stdout.buffer.write(holder.export_for_browser(_passphrase(passphrase)))
        else:
            sys.stdout.buffer.write(holder.export())
    except WalletError as error:
        raise fail(str(error)) from None


@app.command("credentials")
def credentials(
    fetch: bool = typer.Option(
        False, "--fetch", help="First download your credentials from the node."
    ),
    node: str = NodeUrl,
    wallet: Path | None = WalletDir,
    passphrase: str | None = Passphrase,
) -> None:
    """List the credentials in your wallet (optionally fetching new ones from a node)."""
    holder = _wallet(wallet)
    try:
        if fetch:
            did = holder.did(_passphrase(passphrase))
            with NodeClient(node) as client:
                for credential in client.get_json(f"/v1/members/{did}/credentials")["credentials"]:
                    holder.add_credential(credential)
        stored = holder.credentials()
    except (WalletError, NodeRefused) as error:
        raise fail(str(error)) from None
    if not stored:
        console.print(_("No credentials yet (try --fetch once you are admitted)."))
    for position, (path, credential) in enumerate(stored, start=1):
        kinds = ", ".join(t for t in credential.get("type", []) if t != "VerifiableCredential")
        issuer = credential.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        console.print(
            _(
                "%(position)s. %(kinds)s from %(issuer_id)s (%(name)s)",
                position=position,
                kinds=kinds,
                issuer_id=issuer_id,
                name=path.name,
            )
        )
        console.print(
            _("   valid from %(since)s", since=credential.get("validFrom", "?")), highlight=False
        )


def load_json_file(path: Path) -> dict[str, object]:
    """A JSON object from a file, or a clear error."""
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise fail(f"{path}: {error}") from None
    if not isinstance(value, dict):
        raise fail(_("%(path)s does not hold a JSON object", path=path))
    return value
