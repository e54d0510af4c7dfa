"""Secret ballots from the command line: ``commonweal vote`` on a secret proposal, and
``commonweal teller key|decrypt``.

Voting in secret takes three exchanges, all by this program on your machine: ask the
node for a token with a *blinded* message (a request signed by you: it shows that you
take part, not how), unblind the node's signature, then cast the ballot encrypted to
the tellers' key, signed by a one-time key that is nobody's, with the token as proof
that you may vote. What you keep (the token while it is pending, then your receipt)
is in the wallet's ``secret-ballots`` folder; ``commonweal vote PROPOSAL --check``
shows whether your ballot is in the log and, after the close, how it was counted.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from commonweal.cli.common import Signer, connected, console, fail, signing, signing_key
from commonweal.client import secret_ballot
from commonweal.client.http import NodeClient, NodeRefused
from commonweal.client.wallet import default_wallet
from commonweal.core.ballots import elgamal, ristretto, wire
from commonweal.core.did import did_key_from_public_key
from commonweal.core.language import _
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.governance.secret_records import context, proof_text
from commonweal.node.services.secret_ballots import share_batch, shares_for

DEFAULT_DELAY = 120.0
"""Seconds, at most, between taking a token and casting with it in one command."""

teller_app = typer.Typer(help="Act as a teller of secret ballots: publish a key, decrypt.")


def is_secret(node: str, proposal: int) -> bool:
    """Whether ``proposal`` on ``node`` is voted by secret ballot."""
    try:
        with NodeClient(node) as client:
            rules = client.get_json(f"/v1/proposals/{proposal}").get("rules") or {}
    except NodeRefused:
        return False
    return rules.get("ballot") == "secret"


def _folder(wallet: Path | None, what: str) -> Path:
    folder = Path(wallet or default_wallet()) / what
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _kept(wallet: Path | None, node_did: str, proposal: int, what: str) -> Path:
    node = hashlib.sha256(node_did.encode()).hexdigest()[:16]
    return _folder(wallet, "secret-ballots") / f"{node}-{proposal}.{what}.json"


def cast(
    node: str,
    proposal: int,
    ballot: dict[str, Any] | None,
    wallet: Path | None,
    key: Path | None,
    passphrase: str | None,
    *,
    delay: float = DEFAULT_DELAY,
) -> dict[str, Any] | None:
    """Vote in secret: token (blinded, then unblinded), sealed ballot, one-time key.

    With ``ballot`` None, only take the token. A token taken just now is followed by a
    random wait of up to ``delay`` seconds before casting: a ballot logged right after
    its voter's token request would be linked to it by the log's order.
    """
    signer = signing_key(wallet, key, passphrase)
    member = did_key_from_public_key(signer.public_key)
    with connected(node) as client:
        view = client.get_json(f"/v1/proposals/{proposal}/secret")
        pending_path = _kept(wallet, view["node"], proposal, "token")
        fresh = not pending_path.exists()
        token = _token(client, view, signer, member, pending_path)
        if ballot is None:
            console.print(
                _(
                    "You hold your token for proposal %(proposal)s. Cast your "
                    "ballot later with `commonweal vote %(proposal2)s …`: the "
                    "later, the harder to link.",
                    proposal=proposal,
                    proposal2=proposal,
                )
            )
            return None
        if fresh and delay > 0:
            wait = secrets.SystemRandom().uniform(0, delay)
            console.print(
                _(
                    "Waiting %(wait)s s before casting, so the log's order does "
                    "not link your ballot to your token request…",
                    wait=format(wait, ".0f"),
                )
            )
            time.sleep(wait)
        body = secret_ballot.seal(view, ballot, token)
        event = secret_ballot.sealed_event(view, body, format_utc(datetime.now(UTC)))
        receipt = client.submit(event)
    kept = secret_ballot.receipt(proposal, receipt["index"], event, ballot)
    path = _kept(wallet, view["node"], proposal, "receipt")
    path.write_text(json.dumps(secret_ballot.as_json(kept), indent=2))
    console.print(
        _(
            "Your sealed ballot is entry %(index)s of the log, cast with "
            "a one-time key. Your receipt is in %(path)s; check it with "
            "`commonweal vote %(proposal)s --check`.",
            index=receipt["index"],
            path=path,
            proposal=proposal,
        )
    )
    return receipt


def _token(
    client: NodeClient, view: dict[str, Any], signer: Any, member: str, pending_path: Path
) -> dict[str, str]:
    if pending_path.exists():  # asked before: fetch the signature again
        pending = secret_ballot.PendingToken(**json.loads(pending_path.read_text()))
        fetched = client.get_json(f"/v1/proposals/{view['proposal']}/secret/tokens/{member}")
        if fetched["signature"] is None:
            raise fail(_("the node has not signed your token yet; try again in a few seconds"))
        return secret_ballot.finish_token(view, pending, fetched["signature"])
    pending, body = secret_ballot.start_token(view)
    pending_path.write_text(json.dumps(secret_ballot.as_json(pending)))
    pending_path.chmod(0o600)
    event = client.signed(signer, "governance.ballot.token.requested", body)
    answer = client.post_json(f"/v1/proposals/{view['proposal']}/secret/token", event)
    return secret_ballot.finish_token(view, pending, answer["blind_signature"])


def check(node: str, proposal: int, wallet: Path | None) -> dict[str, Any]:
    """Show whether the ballot in your receipt is in the log, and how it was counted."""
    with connected(node) as client:
        node_did = client.identity()["did"]
        path = _kept(wallet, node_did, proposal, "receipt")
        if not path.exists():
            raise fail(
                _(
                    "no receipt for proposal %(proposal)s in %(parent)s",
                    proposal=proposal,
                    parent=path.parent,
                )
            )
        kept = json.loads(path.read_text())
        found = client.get_json(f"/v1/proposals/{proposal}/secret/ballots/{kept['ballot']}")
    in_log = found["nullifier"] == kept["nullifier"]
    report = {
        "ballot": kept["ballot"],
        "in_log": in_log,
        "counted": found["counted"],
        "decrypted_as": found["decrypted"],
        "you_cast": kept["choice"],
        "spoiled": found["spoiled"],
    }
    console.print_json(json.dumps(report))
    if not in_log:
        raise fail(_("the ballot at your receipt's entry is not yours"))
    return report


def _teller_file(client: NodeClient, signer: Signer, proposal: int) -> tuple[str, Path]:
    """The node's DID, and where the teller ``signer`` keeps its secret for ``proposal``."""
    node_did: str = client.identity()["did"]
    return node_did, _kept(signer.wallet, node_did, proposal, "teller")


@teller_app.command("key")
@signing
def teller_key(
    proposal: int = typer.Argument(..., help="The secret proposal, while it is discussed."),
    *,
    signer: Signer,
) -> None:
    """Publish your teller key share for a secret proposal (you keep its secret)."""
    key = signer.signing_key()
    member = did_key_from_public_key(key.public_key)
    with signer.connected() as client:
        node_did, path = _teller_file(client, signer, proposal)
        if path.exists():
            raise fail(
                _(
                    "you hold a teller secret for %(proposal)s already (%(path)s)",
                    proposal=proposal,
                    path=path,
                )
            )
        secret = ristretto.random_scalar()
        path.write_text(json.dumps({"secret": wire.scalar_text(secret)}))
        path.chmod(0o600)
        body = {
            "proposal": proposal,
            "key": wire.b64u(ristretto.base_mul(secret)),
            "proof": proof_text(elgamal.prove_key(secret, context(node_did, proposal, member))),
        }
        receipt = client.sign_and_submit(key, "governance.teller.key.published", body)
    console.print_json(json.dumps(receipt))


@teller_app.command("decrypt")
@signing
def teller_decrypt(
    proposal: int = typer.Argument(..., help="The secret proposal, once voting time is over."),
    *,
    signer: Signer,
) -> None:
    """Post your decryption shares, with proofs, for every sealed ballot."""
    posted = 0
    key = signer.signing_key()
    member = did_key_from_public_key(key.public_key)
    with signer.connected() as client:
        node_did, path = _teller_file(client, signer, proposal)
        if not path.exists():
            raise fail(
                _(
                    "no teller secret for %(proposal)s in %(parent)s",
                    proposal=proposal,
                    parent=path.parent,
                )
            )
        secret = wire.scalar(json.loads(path.read_text())["secret"])
        listed = client.get_json(f"/v1/proposals/{proposal}/secret/ballots")["ballots"]
        waiting = [(b["ballot"], b["fields"]) for b in listed if member not in b["tellers"]]
        size = share_batch(len(waiting[0][1])) if waiting else 1
        for start in range(0, len(waiting), size):
            batch = waiting[start : start + size]
            shares = _shares(node_did, proposal, secret, batch)
            body = {"proposal": proposal, "ballots": shares}
            client.sign_and_submit(key, "governance.teller.decrypted", body)
            posted += len(batch)
    console.print(_("Posted decryption shares for %(posted)s ballot(s).", posted=posted))


def _shares(
    node_did: str, proposal: int, secret: int, batch: list[tuple[int, list[list[str]]]]
) -> list[dict[str, Any]]:
    return shares_for(node_did, proposal, secret, batch)
