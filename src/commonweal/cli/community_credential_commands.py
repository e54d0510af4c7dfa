"""``commonweal credential kinds|issue|request|endorse|revoke|requests|passport``: the
community's credentials from the command line (docs/credentials.md).

Issuing and requesting sign an event that commits to the claims under a fresh salt and
send the claims beside it (they never enter the log); ``--token`` issues with an
operator's issuer token instead. Endorsing and revoking are plain signed events.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from commonweal.cli.common import (
    Signer,
    connected,
    console,
    event_command,
    fail,
    fetch,
    signing,
)
from commonweal.cli.credential_commands import app
from commonweal.cli.wallet_commands import load_json_file
from commonweal.client.http import NodeRefused
from commonweal.core.commitment import commitment, new_salt
from commonweal.core.did import did_key_from_public_key
from commonweal.core.language import _
from commonweal.domain.credentials.events import (
    ENDORSED_TYPE,
    ISSUED_TYPE,
    REQUESTED_TYPE,
    REVOKED_TYPE,
)

NodeOption = typer.Option("http://127.0.0.1:8000", "--node", "-n", help="The node's URL.")


def _claims(claims: str | None, claims_file: Path | None) -> dict[str, Any]:
    if claims_file is not None:
        value = load_json_file(claims_file)
    else:
        try:
            value = json.loads(claims or "{}")
        except ValueError as error:
            raise fail(_("--claims is not JSON: %(error)s", error=error)) from None
    if not isinstance(value, dict):
        raise fail(_("the claims must be a JSON object"))
    return value


def _kind_type(node: str, kind: str) -> str:
    kinds = {k["name"]: k for k in fetch(node, "/credentials/kinds")["kinds"]}
    if kind not in kinds:
        raise fail(
            _(
                "the node defines no credential kind %(kind)s: try %(value)s",
                kind=repr(kind),
                value=", ".join(kinds),
            )
        )
    return str(kinds[kind]["type"])


@app.command("kinds")
def kinds(node: str = NodeOption) -> None:
    """List the kinds of credential the node's constitution defines, and who issues them."""
    for kind in fetch(node, "/credentials/kinds")["kinds"]:
        issuers = kind["issuers"]
        who = (
            f"role {issuers['role']}"
            if isinstance(issuers, dict) and "role" in issuers
            else f"{issuers['endorsements']} endorsements"
            if isinstance(issuers, dict)
            else issuers
        )
        valid = f"{kind['valid_days']} days" if "valid_days" in kind else "no expiry"
        console.print(
            _(
                "[bold]%(name)s[/] (%(type)s v%(version)s): %(title)s — "
                "issued by %(who)s, %(valid)s, %(value)s",
                name=kind["name"],
                type=kind["type"],
                version=kind["version"],
                title=kind["title"],
                who=who,
                valid=valid,
                value="revocable" if kind["revocable"] else "not revocable",
            ),
            highlight=False,
        )


@app.command("issue")
@signing
def issue(
    kind: str = typer.Argument(..., help="The kind of credential (commonweal credential kinds)."),
    subject: str = typer.Argument(..., help="The member's did:key."),
    claims: str | None = typer.Option(None, help="The claims, as a JSON object."),
    claims_file: Path | None = typer.Option(None, help="The claims, from a JSON file."),
    token: str | None = typer.Option(
        None, envvar="COMMONWEAL_ISSUER_TOKEN", help="Issue with an operator's issuer token."
    ),
    out: Path | None = typer.Option(None, help="Write the credential to this file."),
    *,
    signer: Signer,
) -> None:
    """Issue a credential of a kind the constitution lets you (or the token) issue."""
    given = _claims(claims, claims_file)
    vc_type = _kind_type(signer.node, kind)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", vc_type],
        "credentialSubject": {"id": subject, **given},
    }
    document: dict[str, Any] = {"credential": credential}
    headers = {}
    with connected(signer.node) as client:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        else:
            salt = new_salt()
            body = {"kind": kind, "subject": subject, "claims": commitment(given, salt)}
            event = client.signed(signer.signing_key(), ISSUED_TYPE, body)
            document["options"] = {"event": event, "salt": salt}
        response = client.http.post("/credentials/issue", json=document, headers=headers)
        issued = client._checked(response).json()["verifiableCredential"]
    _show(issued, out)


@app.command("request")
@signing
def request(
    kind: str = typer.Argument(..., help="A kind issued by endorsement or by vote."),
    claims: str | None = typer.Option(None, help="The claims, as a JSON object."),
    claims_file: Path | None = typer.Option(None, help="The claims, from a JSON file."),
    *,
    signer: Signer,
) -> None:
    """Ask for a credential about yourself; members endorse it (or a vote issues it)."""
    given = _claims(claims, claims_file)
    salt = new_salt()
    with connected(signer.node) as client:
        event = client.signed(
            signer.signing_key(), REQUESTED_TYPE, {"kind": kind, "claims": commitment(given, salt)}
        )
        receipt = client.post_json(
            "/v1/credentials/requests", {"event": event, "claims": given, "salt": salt}
        )
    console.print(
        _("request %(index)s logged: ask members to endorse it", index=receipt["index"]),
        highlight=False,
    )


@app.command("requests")
def requests(node: str = NodeOption) -> None:
    """The open credential requests members may endorse."""
    for row in fetch(node, "/v1/credentials/requests")["requests"]:
        console.print(
            _(
                "%(request)s: %(kind)s for %(subject)s — %(value)s endorsement(s)",
                request=row["request"],
                kind=row["kind"],
                subject=row["subject"],
                value=len(row["endorsers"]),
            ),
            highlight=False,
        )


event_command(
    app,
    "endorse",
    ENDORSED_TYPE,
    "Endorse another member's request; the last endorsement needed issues it.",
    subject="request_index",
    argument=typer.Argument(..., help="The request's number."),
    member="request",
)
event_command(
    app,
    "revoke",
    REVOKED_TYPE,
    "Revoke a revocable community credential (its status bit flips).",
    subject="index",
    argument=typer.Argument(..., help="The credential's status index."),
    reason="Why.",
)


@app.command("passport")
@signing
def passport(
    out: Path | None = typer.Option(None, help="Write it to this file."), *, signer: Signer
) -> None:
    """Ask for your passport: membership, standing and visas, signed by the node."""
    key = signer.signing_key()
    did = did_key_from_public_key(key.public_key)
    with connected(signer.node) as client:
        claims = client.get_json(f"/v1/members/{did}/passport-claims")["claims"]
        salt = new_salt()
        body = {"kind": "passport", "subject": did, "claims": commitment(claims, salt)}
        event = client.signed(key, ISSUED_TYPE, body)
        document = {
            "credential": {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential", "PassportCredential"],
                "credentialSubject": {"id": did, **claims},
            },
            "options": {"event": event, "salt": salt},
        }
        issued = client.post_json("/credentials/issue", document)["verifiableCredential"]
    _show(issued, out)


def _show(credential: dict[str, Any], out: Path | None) -> None:
    if out is not None:
        out.write_text(json.dumps(credential, indent=2) + "\n")
        console.print(_("written to %(out)s", out=out))
    else:
        console.print_json(json.dumps(credential))


__all__ = ["NodeRefused", "app"]
