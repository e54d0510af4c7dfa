"""``commonweal peer …``, ``recognize``, ``witness …``, ``restore`` and ``alliance …``.

The operator's commands sign their requests to the running node with the node's
own key (RFC 9421), read from its data directory; members' commands sign events
with their wallet or key file as usual.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import typer

from commonweal.cli.common import (
    DataDir,
    KeyFile,
    NodeUrl,
    Passphrase,
    WalletDir,
    act,
    console,
    fail,
)
from commonweal.client.alliance_audit import audit_vote
from commonweal.client.peers import Answer, PeerClient, PeerError
from commonweal.core.keys import SigningKey
from commonweal.core.witness import EvidenceError, ForkEvidence, verify_fork_evidence
from commonweal.domain.federation.precincts import BALLOT_CAST
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.node.federation.restore import restore as restore_node
from commonweal.node.setup import KEY_FILE, SetupError, init_node, read_key_file

peer_app = typer.Typer(help="Other nodes: add, list, sync now.", no_args_is_help=True)
witness_app = typer.Typer(help="Witnessing: cosignatures, witnessed logs, fork evidence.")
alliance_app = typer.Typer(
    help="Alliances of nodes: create one, call a network-wide vote, vote, audit.",
    no_args_is_help=True,
)


def _node_key(data_dir: Path, passphrase: str | None) -> SigningKey:
    try:
        return read_key_file(data_dir / KEY_FILE, passphrase)
    except SetupError as error:
        raise fail(str(error)) from None


def _operator(node: str, data_dir: Path, passphrase: str | None, path: str, doc: Any) -> Any:
    """POST ``doc`` to the running node, signed with its own key; exit on a refusal."""
    try:
        with PeerClient(node, key=_node_key(data_dir, passphrase)) as client:
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
        raise fail(f"the node refused ({answer.status}): {detail}")
    return answer.json()


def _get(node: str, path: str, **params: Any) -> Any:
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
    console.print(f"Added [bold]{identity.get('name', '')}[/] {identity['did']}")
    console.print(f"  origin   {identity['origin']}\n  witness  {identity['witness']}")


@peer_app.command("list")
def peer_list(node: str = NodeUrl) -> None:
    """Every known node: recognised by us, by them (a treaty), witness and mirror state."""
    peers = _get(node, "/v1/federation/peers")["peers"]
    if not peers:
        console.print("No peers yet: commonweal peer add URL, then commonweal recognize URL.")
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
            console.print(f"  cosigned our log up to {peer['witness']['cosigned_size']}")
        if "mirror" in peer:
            console.print(f"  mirrored up to {peer['mirror']['size']}")


@peer_app.command("sync")
def peer_sync(
    node: str = NodeUrl, data_dir: Path = DataDir, passphrase: str | None = Passphrase
) -> None:
    """Sync with every recognised node now: cosignatures, mirrors, evidence, alliances."""
    report = _operator(node, data_dir, passphrase, "/v1/federation/sync", {})
    console.print_json(json.dumps(report))


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
        identity = _get(url, "/.well-known/commonweal")
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
        console.print(f"Proposal [bold]{receipt['index']}[/] drafted; submit it to discuss.")
        return
    if withdraw:
        identity = _get(url, "/.well-known/commonweal")
        doc = {"node": identity["did"], "reason": reason}
        receipt = _operator(node, data_dir, passphrase, "/v1/federation/withdrawals", doc)
        console.print(f"Withdrawn: entry {receipt['index']} of this node's log.")
        return
    doc = {"url": url, "terms": terms}
    receipt = _operator(node, data_dir, passphrase, "/v1/federation/recognitions", doc)
    console.print(f"Recognised: entry {receipt['index']} of this node's log.")


# -- witness ---------------------------------------------------------------------------


@witness_app.command("status")
def witness_status(node: str = NodeUrl) -> None:
    """The logs this node witnesses, and the cosignatures its own checkpoints received."""
    witnessed = _get(node, "/v1/federation/witnessed")
    console.print(f"Witness key: {witnessed['witness']}")
    for log in witnessed["logs"]:
        mark = " [bold red]FORKED[/]" if log["forked"] else ""
        console.print(f"  cosigned {log['origin']} up to {log['size']}{mark}")
    cosignatures = _get(node, "/v1/federation/cosignatures")
    console.print(
        f"This log: final checkpoint {cosignatures['final']} "
        f"(quorum {cosignatures['quorum']} witness(es))"
    )
    for checkpoint in cosignatures["checkpoints"][-5:]:
        names = ", ".join(c["witness"] for c in checkpoint["cosignatures"])
        console.print(f"  size {checkpoint['size']}: {names}")


@witness_app.command("verify-evidence")
def verify_evidence(
    evidence_file: Path = typer.Argument(..., help="Evidence JSON (or a node's evidence list)."),
    vkey: str = typer.Option(..., "--vkey", help="The log's checkpoint verifier key."),
) -> None:
    """Check fork evidence offline, with nothing but the two notes and the log's key."""
    try:
        document = json.loads(evidence_file.read_text())
    except (OSError, ValueError) as error:
        raise fail(f"cannot read {evidence_file}: {error}") from None
    documents = document.get("evidence", [document]) if isinstance(document, dict) else document
    proven = 0
    for item in documents:
        try:
            evidence = ForkEvidence.from_json(item)
            console.print(f"[bold red]proven:[/] {verify_fork_evidence(evidence, vkey)}")
            proven += 1
        except EvidenceError as error:
            console.print(f"not proven: {error}")
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
    """Rebuild a node whose database was lost from a peer's mirror of its log."""
    try:
        restored = restore_node(data_dir, source, passphrase=passphrase, accept_loss=accept_loss)
    except SetupError as error:
        raise fail(str(error)) from None
    console.print(
        f"Restored {restored.size} entries, {restored.checkpoints} checkpoints and "
        f"{restored.cosignatures} cosignatures from {source}."
    )
    for warning in restored.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print(f"Check it with: commonweal verify {data_dir}")


# -- alliances -------------------------------------------------------------------------

ALLIANCE_KINDS: dict[str, Any] = {
    "network": {
        "title": "Network-wide decision",
        "description": "A yes/no decision of the whole alliance, counted by precinct.",
        "method": "yes_no",
        "discussion_seconds": 0,
        "voting_seconds": 60,
        "quorum": "0",
        "threshold": {"more_than": "1/2"},
        "delegation": True,
    },
    "network-choice": {
        "title": "Network-wide choice",
        "description": "Rank the options; counted by the Schulze method over every ballot.",
        "method": "schulze",
        "options": {"status_quo": False},
        "discussion_seconds": 0,
        "voting_seconds": 60,
        "quorum": "0",
        "delegation": True,
    },
}


def alliance_constitution(weighting: str, voting_seconds: int, report_seconds: int) -> Any:
    """The default constitution, with network kinds and the alliance charter."""
    constitution = copy.deepcopy(DEFAULT_CONSTITUTION)
    constitution["kinds"].pop("recognition", None)
    constitution["kinds"].update(copy.deepcopy(ALLIANCE_KINDS))
    constitution["alliance"] = {
        "weighting": weighting,
        "voting_seconds": voting_seconds,
        "report_seconds": report_seconds,
    }
    return constitution


@alliance_app.command("create")
def alliance_create(
    name: str = typer.Option(..., "--name", help="The alliance's name."),
    member: list[str] = typer.Option([], "--member", help="A member node's URL (repeat)."),
    data_dir: Path = DataDir,
    weighting: str = typer.Option(
        "per_capita", help="per_capita, one_node_one_vote or double_majority."
    ),
    voting_seconds: int = typer.Option(7 * 86400, help="How long network-wide votes last."),
    report_seconds: int = typer.Option(86400, help="How long precincts may report after."),
) -> None:
    """Create an alliance: a node whose founding members are the member nodes' keys."""
    keys = [_get(url, "/.well-known/commonweal")["key"] for url in member]
    try:
        node = init_node(
            data_dir,
            name=name,
            founders=keys,
            admission={"admission": "approval"},
            constitution=alliance_constitution(weighting, voting_seconds, report_seconds),
        )
    except SetupError as error:
        raise fail(str(error)) from None
    console.print(f"Created the alliance [bold]{name}[/] ({node.identity.did}) in {data_dir}")
    console.print(f"  {len(keys)} member node(s); weighting {weighting}")
    node.close()


@alliance_app.command("call")
def alliance_call(
    title: str = typer.Option(..., help="What the network decides."),
    kind: str = typer.Option("network", help="A kind of the alliance's constitution."),
    option: list[str] = typer.Option(["adopt"], "--option", help="An option label (repeat)."),
    text: str = typer.Option("", help="The proposal's text."),
    alliance: str = typer.Option(..., "--alliance", help="The alliance's URL."),
    as_node: Path = typer.Option(
        ..., "--as-node", help="Data directory of the member node that calls it."
    ),
    passphrase: str | None = Passphrase,
) -> None:
    """Call a network-wide vote, signed by a member node's key."""
    constitution = _get(alliance, "/v1/constitution")["constitution"]
    charter = constitution.get("alliance")
    rules = constitution["kinds"].get(kind)
    if charter is None or rules is None:
        raise fail(f"{alliance} is not an alliance with a kind {kind!r}")
    body = {
        "kind": kind,
        "title": title,
        "text": text,
        "options": option,
        "method": rules["method"],
        "method_options": rules["options"],
        "voting_seconds": charter["voting_seconds"],
        "weighting": charter["weighting"],
    }
    try:
        with PeerClient(alliance) as client:
            receipt = client.submit_as(
                _node_key(as_node, passphrase), "federation.network_vote.called", body
            )
    except PeerError as error:
        raise fail(str(error)) from None
    console.print(f"Network vote [bold]{receipt['index']}[/] called: {title}")


@alliance_app.command("ballot")
def alliance_ballot(
    precinct: int = typer.Argument(..., help="The precinct's id (see alliance precincts)."),
    ballot: str = typer.Argument(..., help='The ballot as JSON, e.g. \'{"choice": "yes"}\'.'),
    node: str = NodeUrl,
    wallet: Path | None = WalletDir,
    key: Path | None = KeyFile,
    passphrase: str | None = Passphrase,
) -> None:
    """Vote in a network-wide vote, in your own node's precinct."""
    try:
        parsed = json.loads(ballot)
    except ValueError as error:
        raise fail(f"the ballot is not JSON: {error}") from None
    act(node, wallet, key, passphrase, BALLOT_CAST, {"precinct": precinct, "ballot": parsed})


@alliance_app.command("precincts")
def alliance_precincts(node: str = NodeUrl) -> None:
    """This node's precincts of its alliances' votes."""
    for precinct in _get(node, "/v1/federation/precincts")["precincts"]:
        console.print(
            f"[bold]{precinct['id']}[/] {precinct['title']} — {precinct['phase']} until "
            f"{precinct['voting_until']} (options: {', '.join(precinct['options'])})"
        )
        if precinct["subtotal"] is not None:
            console.print(f"  subtotal: {precinct['subtotal']['ballots']} ballots")


@alliance_app.command("show")
def alliance_show(
    vote: int | None = typer.Argument(None, help="A vote's id (default: every vote)."),
    alliance: str = NodeUrl,
) -> None:
    """The alliance's member nodes and votes, or one vote with its subtotals and result."""
    if vote is None:
        view = _get(alliance, "/v1/federation/alliance")
        console.print(f"Alliance {view['did']}: {len(view['members'])} member node(s)")
        console.print(f"  charter: {view['charter']}")
        for item in view["votes"]:
            outcome = item["result"]["decided"] if item["result"] else "-"
            console.print(f"  [bold]{item['id']}[/] {item['title']} — {item['phase']} {outcome}")
        return
    record = _get(alliance, f"/v1/federation/votes/{vote}")
    console.print_json(json.dumps({k: record[k] for k in ("title", "phase", "weighting")}))
    for node_key, report in record["subtotals"].items():
        console.print(f"  {node_key}: {report['ballots']} of {report['electorate']}")
    if record["result"] is not None:
        console.print_json(json.dumps(record["result"]))


@alliance_app.command("audit")
def alliance_audit(
    vote: int = typer.Argument(..., help="The vote's id."),
    alliance: str = NodeUrl,
) -> None:
    """Check every subtotal against its node's log, and the totals against the subtotals."""
    try:
        audit = audit_vote(alliance, vote)
    except PeerError as error:
        raise fail(str(error)) from None
    for node_key, ok, detail in audit.checks:
        console.print(f"{'[green]ok[/]  ' if ok else '[red]FAIL[/]'} {node_key}: {detail}")
    for name, ok, detail in audit.totals:
        console.print(f"{'[green]ok[/]  ' if ok else '[red]FAIL[/]'} {name}: {detail}")
    if not audit.ok:
        raise typer.Exit(1)


# -- the network demo ------------------------------------------------------------------


def _demo_votes(alliance_dir: Path) -> list[int]:
    from commonweal.domain.federation.alliance import NETWORK_VOTES
    from commonweal.node.setup import open_store

    store = open_store(str(alliance_dir))
    try:
        return sorted(int(str(k)) for k in store.projection_table(NETWORK_VOTES))
    finally:
        store.engine.dispose()


def network_demo(data_dir: Path, host: str, base_port: int, no_serve: bool) -> None:
    """Create (once) the network demo under ``data_dir`` and serve its four nodes."""
    import signal
    import subprocess
    import sys
    import time

    from commonweal.node.demo_network import ALLIANCE, MEMBERS, ORDER, create_network, urls

    if not (data_dir / ALLIANCE / "node.json").exists():
        console.print(f"Creating the network demo in {data_dir} (three nodes and an alliance)…")
        try:
            create_network(data_dir, base_port)
        except SetupError as error:
            raise fail(str(error)) from None
    where = urls(base_port, host)
    console.print("\n[bold]The Commonweal Network[/] — three nodes and their alliance\n")
    for name in ORDER:
        title = MEMBERS[name][0] if name in MEMBERS else "Commonweal Network (alliance)"
        console.print(f"  {title:<32} {where[name]}/v1/federation")
    alliance = where[ALLIANCE]
    riverside = where["riverside"]
    console.print("\nTry, in another terminal:")
    console.print(f"  .venv/bin/commonweal peer list --node {riverside}")
    console.print(f"  .venv/bin/commonweal witness status --node {riverside}")
    console.print(f"  .venv/bin/commonweal alliance show --node {alliance}")
    for vote in _demo_votes(data_dir / ALLIANCE):
        console.print(f"  .venv/bin/commonweal alliance show {vote} --node {alliance}")
        console.print(f"  .venv/bin/commonweal alliance audit {vote} --node {alliance}")
    console.print(f"  .venv/bin/commonweal verify {alliance}")
    console.print(
        f"  .venv/bin/commonweal alliance call --title 'A new network decision' "
        f"--alliance {alliance} --as-node {data_dir}/riverside"
    )
    console.print(f"  curl -s {riverside}/log/checkpoint   # cosigned by its witnesses\n")
    if no_serve:
        return
    command = str(Path(sys.executable).parent / "commonweal")
    children = [
        subprocess.Popen(
            [
                command,
                "serve",
                "--data-dir",
                str(data_dir / name),
                "--host",
                host,
                "--port",
                str(base_port + n),
            ]
        )
        for n, name in enumerate(ORDER)
    ]

    def stop(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # a terminated demo takes its four servers with it
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=30)
