"""``commonweal credential verify`` and ``commonweal wallet present``: offline checks and proofs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from commonweal.cli.common import Passphrase, WalletDir, console, fail
from commonweal.cli.wallet_commands import app as wallet_app
from commonweal.cli.wallet_commands import load_json_file
from commonweal.client.wallet import Wallet, WalletError, default_wallet
from commonweal.core.language import _
from commonweal.core.rfc3339 import format_utc
from commonweal.core.vc.did_web import resolver
from commonweal.core.vc.verify import (
    SELF_BINDING,
    VerificationResult,
    create_presentation,
    verify_credential,
    verify_presentation,
)

app = typer.Typer(help="Verify credentials and presentations, offline.", no_args_is_help=True)


@app.command("verify")
def verify(
    file: Path = typer.Argument(
        ..., help="A credential (or, with --challenge, a presentation) as JSON."
    ),
    status_list: list[Path] = typer.Option(
        [], "--status-list", help="A status list credential (cached)."
    ),
    trust: list[str] = typer.Option([], "--trust", help="An issuer DID you trust (repeat)."),
    did_document: list[Path] = typer.Option(
        [], "--did-document", help="A did:web issuer's DID document, saved earlier (repeat)."
    ),
    challenge: str | None = typer.Option(None, help="For a presentation: the challenge you gave."),
    domain: str | None = typer.Option(None, help="For a presentation: your domain."),
) -> None:
    """Check a credential's proof, issuer, dates and revocation, with no network at all."""
    document = load_json_file(file)
    statuses = {}
    for path in status_list:
        listed = load_json_file(path)
        statuses[str(listed.get("id"))] = listed
    now = datetime.now(UTC)
    resolve = resolver([load_json_file(path) for path in did_document])
    result: VerificationResult
    if challenge is not None or domain is not None:
        if not (challenge and domain):
            raise fail(_("a presentation needs both --challenge and --domain"))
        result = verify_presentation(
            document,
            challenge=challenge,
            domain=domain,
            trusted_issuers=set(trust),
            status_credentials=statuses,
            now=now,
            resolve_key=resolve,
            binding=SELF_BINDING,
        )
    else:
        result = verify_credential(
            document,
            trusted_issuers=set(trust),
            status_credentials=statuses,
            now=now,
            resolve_key=resolve,
        )
    if result.verified:
        console.print(_("[bold green]valid[/]: %(file)s verifies", file=file))
        return
    console.print(_("[bold red]not valid[/]: %(file)s", file=file))
    for problem in result.problems:
        detail = (
            problem.detail if problem.template is None else _(problem.template, **problem.params)
        )
        console.print(f"  {problem.code}: {detail}", highlight=False)
    raise typer.Exit(1)


@wallet_app.command("present")
def present(
    challenge: str = typer.Option(..., help="The verifier's challenge."),
    domain: str = typer.Option(..., help="The verifier's domain."),
    credential: list[int] = typer.Option(
        [], "--credential", "-c", help="Which credential(s), by number."
    ),
    wallet: Path | None = WalletDir,
    passphrase: str | None = Passphrase,
) -> None:
    """Print a presentation of your credentials, signed for one challenge and domain."""
    holder = Wallet(wallet or default_wallet())
    try:
        key = holder.key(passphrase)
        stored = [c for _path, c in holder.credentials()]
    except WalletError as error:
        raise fail(str(error)) from None
    chosen: list[dict[str, Any]] = [
        stored[n - 1] for n in credential if 0 < n <= len(stored)
    ] or stored
    if not chosen:
        raise fail(_("the wallet holds no credentials (wallet credentials --fetch)"))
    vp = create_presentation(
        key, chosen, challenge=challenge, domain=domain, created=format_utc(datetime.now(UTC))
    )
    console.print_json(json.dumps(vp))
