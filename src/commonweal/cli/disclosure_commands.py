"""``commonweal credential selective`` and ``derive``: fetch your selective-disclosure
credentials (a request signed by your key), then show only some of their claims."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from commonweal.cli.common import Signer, console, fail, signing
from commonweal.cli.credential_commands import app
from commonweal.cli.wallet_commands import load_json_file
from commonweal.client.http import signed_read
from commonweal.core.language import _
from commonweal.core.vc import ecdsa_sd
from commonweal.core.vc.errors import CredentialError

SELECTIVE_PURPOSE = "commonweal/selective-credentials"


@app.command("selective")
@signing
def selective(
    out: Path | None = typer.Option(None, "--out", "-o", help="Write them here, not to stdout."),
    *,
    signer: Signer,
) -> None:
    """Fetch your credentials with an ecdsa-sd-2023 base proof, to derive from (a request
    signed by your key: a base proof goes to its holder only)."""
    key = signer.signing_key()
    with signer.connected() as client:
        request = signed_read(key, SELECTIVE_PURPOSE, client.identity()["did"])
        found = client.post_json(f"/v1/members/{request['did']}/credentials/selective", request)
    if _written(found, out):
        count = len(found["credentials"])
        console.print(_("Wrote %(out)s: %(count)s credential(s).", out=out, count=count))


@app.command("derive")
def derive(
    file: Path = typer.Argument(
        ..., help="A credential with an ecdsa-sd-2023 base proof (from /credentials/selective)."
    ),
    reveal: list[str] = typer.Option(
        [],
        "--reveal",
        "-r",
        help="A JSON Pointer to a claim to show, e.g. /credentialSubject/memberOf (repeat).",
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write it here, not to stdout."),
) -> None:
    """Derive a credential that shows only the claims you pick (plus what the issuer made
    mandatory: issuer, status, context), for any verifier that knows ecdsa-sd-2023."""
    document: dict[str, Any] = dict(load_json_file(file))
    try:
        derived = ecdsa_sd.derive(document, list(reveal))
    except CredentialError as error:
        reason = _(error.template, **error.params)  # said in the command line's language
        raise fail(_("cannot derive: %(reason)s", reason=reason)) from None
    if _written(derived, out):
        console.print(
            _("Wrote %(out)s: %(count)s chosen claim(s) revealed.", out=out, count=len(reveal))
        )


def _written(document: dict[str, Any], out: Path | None) -> bool:
    """Write ``document`` as JSON to ``out`` (True), or print it when there is none."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if out is None:
        console.print_json(text)
        return False
    out.write_text(text + "\n")
    return True
