"""``commonweal event submit``: sign an event with your key and send it to a node."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from commonweal.cli.common import Passphrase, connected, console, fail
from commonweal.core.language import _
from commonweal.node.kernel.setup import SetupError, read_key_file

app = typer.Typer(help="Sign and submit events.", no_args_is_help=True)


@app.command("submit")
def submit(
    event_type: str = typer.Argument(..., help="The event type, e.g. notary.document.attested."),
    body: str = typer.Argument("{}", help="The body as a JSON object."),
    key: Path = typer.Option(..., "--key", "-k", help="Your key file."),
    node: str = typer.Option("http://127.0.0.1:8000", "--node", "-n", help="The node's URL."),
    seq: int | None = typer.Option(None, help="Your event counter (default: the next one)."),
    passphrase: str | None = Passphrase,
) -> None:
    """Sign EVENT_TYPE with BODY as the key's owner and submit it; print the receipt."""
    try:
        parsed = json.loads(body)
    except ValueError as error:
        raise fail(_("the body is not JSON: %(error)s", error=error)) from None
    if not isinstance(parsed, dict):
        raise fail(_("the body must be a JSON object"))
    try:
        signing_key = read_key_file(key, passphrase)
    except SetupError as error:
        raise fail(str(error)) from None
    with connected(node, refused=_("the node refused the event: ")) as client:
        receipt = client.sign_and_submit(signing_key, event_type, parsed, seq=seq)
    console.print_json(json.dumps(receipt))
