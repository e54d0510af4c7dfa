"""``commonweal peer …``, ``recognize``, ``witness …`` and ``restore`` (``alliance …``
is in ``alliance_commands``).

The operator's commands sign their requests to the running node with the node's
own key (RFC 9421), read from its data directory; members' commands sign events
with their wallet or key file as usual.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from commonweal.capabilities import PROGRAM
from commonweal.cli.common import (
    DataDir,
    KeyFile,
    NodeUrl,
    Passphrase,
    Signer,
    WalletDir,
    act,
    console,
    fail,
    signing,
)
from commonweal.core.keys import SigningKey
from commonweal.core.language import _
from commonweal.core.witness import EvidenceError, ForkEvidence, verify_fork_evidence
from commonweal.domain.federation.requests import PEER_REQUESTED, SYNC_REQUESTED
from commonweal.node.kernel.setup import KEY_FILE, SetupError, read_key_file
from commonweal.node.services.federation.peer_client import Answer, PeerClient, PeerError
from commonweal.node.services.federation.restore import restore as restore_node

peer_app = typer.Typer(help="Other nodes: add, list, sync now.", no_args_is_help=True)
witness_app = typer.Typer(help="Witnessing: cosignatures, witnessed logs, fork evidence.")


def node_key(data_dir: Path, passphrase: str | None) -> SigningKey:
    try:
        return read_key_file(data_dir / KEY_FILE, passphrase)
    except SetupError as error:
        raise fail(str(error)) from None


def _operator(node: str, data_dir: Path, passphrase: str | None, path: str, doc: Any) -> Any:
    """POST ``doc`` to the running node, signed with its own key; exit on a refusal."""
    try:
        with PeerClient(node, key=node_key(data_dir, passphrase)) as client:
            answer = client.post_signed_json(path, doc)
    except PeerError as error:
        raise fail(str(error)) from None
    return _answered(answer)


def _answered(answer: Answer) -> Any:
    if answer.status >= 400:
        try:
            detail = answer.json().get("detail", answer.text)
        except ValueError:
            detail = answer.text
        raise fail(
            _("the node refused (%(status)s): %(detail)s", status=answer.status, detail=detail)
        )
    return answer.json()


def fetch(node: str, path: str, **params: Any) -> Any:
    try:
        with PeerClient(node) as client:
            return client.get_json(path, **params)
    except PeerError as error:
        raise fail(str(error)) from None


# -- peers -----------------------------------------------------------------------------


@peer_app.command("add")
def peer_add(
    url: str = typer.Argument(..., help="The other node's URL."),
    node: str = NodeUrl,
    data_dir: Path = DataDir,
    passphrase: str | None = Passphrase,
) -> None:
    """Remember another node (its identity is fetched and shown); nothing is recognised yet."""
    identity = _operator(node, data_dir, passphrase, "/v1/federation/peers", {"url": url})
    console.print(
        _("Added [bold]%(name)s[/] %(did)s", name=identity.get("name", ""), did=identity["did"])
    )
    console.print(f"  origin   {identity['origin']}\n  witness  {identity['witness']}")


@peer_app.command("list")
def peer_list(node: str = NodeUrl) -> None:
    """Every known node: recognised by us, by them (a treaty), witness and mirror state."""
    peers = fetch(node, "/v1/federation/peers")["peers"]
    if not peers:
        console.print(_("No peers yet: commonweal peer add URL, then commonweal recognize URL."))
    for peer in peers:
        marks = []
        if peer.get("treaty"):
            marks.append("[green]treaty[/]")
        elif peer.get("recognized"):
            marks.append("recognised by us")
        elif peer.get("recognizes_us"):
            marks.append("recognises us")
        if peer.get("forked"):
            marks.append("[bold red]FORKED[/]")
        console.print(f"[bold]{peer.get('name') or peer['node']}[/]  {' · '.join(marks)}")
        console.print(f"  {peer['node']}  {peer.get('url', '')}")
        if "witness" in peer:
            console.print(
                _(
                    "  cosigned our log up to %(cosigned_size)s",
                    cosigned_size=peer["witness"]["cosigned_size"],
                )
            )
        if "mirror" in peer:
            console.print(_("  mirrored up to %(size)s", size=peer["mirror"]["size"]))


@peer_app.command("sync")
def peer_sync(
    node: str = NodeUrl, data_dir: Path = DataDir, passphrase: str | None = Passphrase
) -> None:
    """Sync with every recognised node now: cosignatures, mirrors, evidence, alliances."""
    report = _operator(node, data_dir, passphrase, "/v1/federation/sync", {})
    console.print_json(json.dumps(report))


# -- a steward's requests (the node carries them out on its next sync round) ----------


@peer_app.command("request")
@signing
def peer_request(
    url: str = typer.Argument(..., help="The other node's https:// address."),
    *,
    signer: Signer,
) -> None:
    """As a steward: ask the node to add another node by its address (what `peer add` does
    for the operator), a signed event the node carries out on its next sync round."""
    receipt = signer.act(PEER_REQUESTED, {"url": url})
    console.print(
        _("Requested (entry %(index)s); see: commonweal peer requests", index=receipt["index"])
    )


@peer_app.command("request-sync")
@signing
def peer_request_sync(*, signer: Signer) -> None:
    """As a steward: ask the node to sync with its peers now (a signed event)."""
    receipt = signer.act(SYNC_REQUESTED, {})
    console.print(
        _("Requested (entry %(index)s); see: commonweal peer requests", index=receipt["index"])
    )


@peer_app.command("requests")
def peer_requests(node: str = NodeUrl) -> None:
    """Stewards' requests of the node (add a node, sync, call a network vote) and what
    came of each."""
    listed = fetch(node, "/v1/federation/requests")
    if not listed["requests"]:
        console.print(_("No requests yet: commonweal peer request URL (as a steward)."))
    for request in listed["requests"]:
        outcome = request["outcome"] or {}
        what = request["body"].get("url") or request["body"].get("title") or ""
        console.print(
            f"[bold]{request['id']}[/] {request['kind']} {what} — {request['status']}"
            f"{': ' + outcome['detail'] if outcome.get('detail') else ''}"
        )


# -- recognition -----------------------------------------------------------------------


def recognize(
    url: str = typer.Argument(..., help="The node to recognise (or withdraw from)."),
    grant: list[str] = typer.Option(
        ["comment", "book", "attend"], "--grant", help="What its visiting members may do."
    ),
    credential: list[str] = typer.Option(
        ["MembershipCredential"], "--accept", help="Its credential types this node accepts."
    ),
    witness: bool = typer.Option(True, help="Witness its log (and ask it to witness ours)."),
    mirror: bool = typer.Option(True, help="Keep a verified copy of its log."),
    alliance: bool = typer.Option(False, "--alliance", help="It is an alliance we belong to."),
    withdraw: bool = typer.Option(False, "--withdraw", help="Withdraw the recognition instead."),
    reason: str = typer.Option("", help="Why (when withdrawing)."),
    propose: bool = typer.Option(
        False, "--propose", help="Draft a recognition proposal as a member instead."
    ),
    node: str = NodeUrl,
    data_dir: Path = DataDir,
    passphrase: str | None = Passphrase,
    wallet: Path | None = WalletDir,
    key: Path | None = KeyFile,
) -> None:
    """Recognise another node: a signed event in this node's log, with the treaty's terms.

    Where the constitution reserves recognition for a passed proposal (the default
    constitution does), use --propose: a member drafts the proposal, members vote,
    and the node executes it.
    """
    terms = {
        "credentials": credential,
        "visitors": grant,
        "witness": witness,
        "mirror": mirror,
        "alliance": alliance,
    }
    if propose:
        identity = fetch(url, "/.well-known/commonweal")
        if withdraw:
            action: dict[str, Any] = {
                "type": "federation.withdraw",
                "node": identity["did"],
                "reason": reason,
            }
        else:
            action = {
                "type": "federation.recognize",
                "node": identity["did"],
                "key": identity["key"],
                "origin": identity["origin"],
                "vkey": identity["vkey"],
                "witness": identity["witness"],
                "url": url.rstrip("/"),
                "name": identity.get("name", ""),
                "terms": terms,
            }
        verb = "Withdraw the recognition of" if withdraw else "Recognise"
        body = {
            "kind": "recognition",
            "topic": "general",
            "title": f"{verb} {identity.get('name') or identity['did']}",
            "text": reason or f"{verb} the node at {url} on the terms stated.",
            "actions": [action],
        }
        receipt = act(node, wallet, key, passphrase, "governance.proposal.drafted", body)
        console.print(
            _("Proposal [bold]%(index)s[/] drafted; submit it to discuss.", index=receipt["index"])
        )
        return
    if withdraw:
        identity = fetch(url, "/.well-known/commonweal")
        doc = {"node": identity["did"], "reason": reason}
        receipt = _operator(node, data_dir, passphrase, "/v1/federation/withdrawals", doc)
        console.print(_("Withdrawn: entry %(index)s of this node's log.", index=receipt["index"]))
        return
    doc = {"url": url, "terms": terms}
    receipt = _operator(node, data_dir, passphrase, "/v1/federation/recognitions", doc)
    console.print(_("Recognised: entry %(index)s of this node's log.", index=receipt["index"]))


# -- witness ---------------------------------------------------------------------------


@witness_app.command("status")
def witness_status(node: str = NodeUrl) -> None:
    """The logs this node witnesses, and the cosignatures its own checkpoints received."""
    witnessed = fetch(node, "/v1/federation/witnessed")
    console.print(_("Witness key: %(witness)s", witness=witnessed["witness"]))
    for log in witnessed["logs"]:
        mark = " [bold red]FORKED[/]" if log["forked"] else ""
        console.print(
            _(
                "  cosigned %(origin)s up to %(size)s%(mark)s",
                origin=log["origin"],
                size=log["size"],
                mark=mark,
            )
        )
    cosignatures = fetch(node, "/v1/federation/cosignatures")
    console.print(
        _(
            "This log: final checkpoint %(final)s (quorum %(quorum)s witness(es))",
            final=cosignatures["final"],
            quorum=cosignatures["quorum"],
        )
    )
    for checkpoint in cosignatures["checkpoints"][-5:]:
        names = ", ".join(c["witness"] for c in checkpoint["cosignatures"])
        console.print(_("  size %(size)s: %(names)s", size=checkpoint["size"], names=names))


@witness_app.command("verify-evidence")
def verify_evidence(
    evidence_file: Path = typer.Argument(..., help="Evidence JSON (or a node's evidence list)."),
    vkey: str = typer.Option(..., "--vkey", help="The log's checkpoint verifier key."),
) -> None:
    """Check fork evidence offline, with nothing but the two notes and the log's key."""
    try:
        document = json.loads(evidence_file.read_text())
    except (OSError, ValueError) as error:
        raise fail(
            _("cannot read %(evidence_file)s: %(error)s", evidence_file=evidence_file, error=error)
        ) from None
    documents = document.get("evidence", [document]) if isinstance(document, dict) else document
    proven = 0
    for item in documents:
        try:
            evidence = ForkEvidence.from_json(item)
            console.print(
                _(
                    "[bold red]proven:[/] %(proof)s",
                    proof=verify_fork_evidence(evidence, vkey),
                )
            )
            proven += 1
        except EvidenceError as error:
            console.print(_("not proven: %(error)s", error=error))
    if not proven:
        raise typer.Exit(1)


# -- restore ---------------------------------------------------------------------------


def restore(
    data_dir: Path = DataDir,
    source: str = typer.Option(..., "--from", help="A peer that mirrors this node's log."),
    accept_loss: bool = typer.Option(
        False, "--accept-loss", help="Restore even if a witness saw more of the log."
    ),
    passphrase: str | None = Passphrase,
) -> None:
    """Rebuild a node whose database was lost from a peer's mirror of its log, or bring
    back the entries a rolled-back database is missing."""
    try:
        restored = restore_node(
            data_dir,
            source,
            passphrase=passphrase,
            accept_loss=accept_loss,
            registry=PROGRAM.registry(),
        )
    except SetupError as error:
        raise fail(str(error)) from None
    kept = f" (the first {restored.kept} were in the database already)" if restored.kept else ""
    console.print(
        _(
            "Restored %(size)s entries%(kept)s, %(checkpoints)s "
            "checkpoints and %(cosignatures)s cosignatures from "
            "%(source)s.",
            size=restored.size,
            kept=kept,
            checkpoints=restored.checkpoints,
            cosignatures=restored.cosignatures,
            source=source,
        )
    )
    for warning in restored.warnings:
        console.print(_("[yellow]warning:[/] %(warning)s", warning=warning))
    console.print(_("Check it with: commonweal verify %(data_dir)s", data_dir=data_dir))
