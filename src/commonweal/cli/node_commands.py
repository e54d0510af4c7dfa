"""``commonweal init``, ``serve`` and ``demo``."""

from __future__ import annotations

import signal
from pathlib import Path

import typer
import uvicorn

from commonweal.cli import network_demo
from commonweal.cli.common import DataDir, Passphrase, console, fail
from commonweal.node.demo import create_demo, member_dids
from commonweal.node.movable_clock import ClockRefused, movable_clock
from commonweal.node.runtime import tune_collector
from commonweal.node.service import Node
from commonweal.node.setup import (
    SETTINGS_FILE,
    SetupError,
    add_issuer_token,
    init_node,
    open_node,
    read_settings,
)
from commonweal.node.upgrade import require_current_schema
from commonweal.web.app import create_app


def init(
    name: str = typer.Option(..., "--name", help="The node's public name."),
    data_dir: Path = DataDir,
    description: str = typer.Option("", help="What the node is, in a sentence or two."),
    url: str = typer.Option("", help="The node's public URL, if it has one."),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        help="Use this PostgreSQL URL instead of SQLite in the data directory.",
    ),
    founder: list[str] = typer.Option(
        [], "--founder", help="A founding member's did:key (repeat); founders become stewards."
    ),
    admission: str | None = typer.Option(
        None, help="Admission policy: open, vouch or approval (default: vouch, 2 vouches)."
    ),
    vouches: int = typer.Option(2, help="Vouches needed under the vouch policy."),
    domain: str | None = typer.Option(
        None,
        help="The node's domain: it is then did:web:<domain> and serves /.well-known/did.json.",
    ),
    encrypt: bool = typer.Option(False, "--encrypt", help="Seal the node key with a passphrase."),
    passphrase: str | None = Passphrase,
    checkpoint_every_events: int = typer.Option(
        1000, help="Sign a checkpoint after this many new entries."
    ),
    checkpoint_every_seconds: float = typer.Option(
        5.0, help="...or once unsigned entries have waited this long."
    ),
) -> None:
    """Create a node: its key, its database and the first entry of its log."""
    if encrypt and not passphrase:
        passphrase = typer.prompt(
            "Passphrase for the node key", hide_input=True, confirmation_prompt=True
        )
    try:
        node = init_node(
            data_dir,
            name=name,
            description=description,
            url=url,
            database_url=database_url,
            passphrase=passphrase if encrypt or passphrase else None,
            checkpoint_every_events=checkpoint_every_events,
            checkpoint_every_seconds=checkpoint_every_seconds,
            domain=domain,
            founders=founder,
            admission={"admission": admission, "vouches_required": vouches} if admission else None,
        )
    except SetupError as error:
        raise fail(str(error)) from None
    console.print(f"Created [bold]{name}[/] in {data_dir}")
    console.print(f"  node DID    {node.identity.did}")
    console.print(f"  log origin  {node.identity.origin}")
    console.print(f"  vkey        {node.identity.vkey}")
    node.close()
    console.print(f"Serve it with: commonweal serve --data-dir {data_dir}")


def serve(
    data_dir: Path = DataDir,
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    database_url: str | None = typer.Option(None, "--database-url", help="Override the database."),
    passphrase: str | None = Passphrase,
    test_clock_file: Path | None = typer.Option(
        None, "--test-clock-file", hidden=True, help="Browser tests only (docs/web.md)."
    ),
) -> None:
    """Serve the node's API, log tiles and pages."""
    try:
        clock = movable_clock(test_clock_file, host) if test_clock_file else None
        require_current_schema(data_dir, database_url)
        node = open_node(
            data_dir,
            passphrase=passphrase,
            database_url=database_url,
            migrate_schema=False,
            **({"clock": clock} if clock else {}),
        )
    except (SetupError, ClockRefused) as error:
        raise fail(str(error)) from None
    if clock is not None:
        console.print("[bold red]TEST CLOCK[/]: this node's time is moved by " + str(clock.path))
    console.print(f"Serving {node.identity.did} on http://{host}:{port}/")
    run_server(node, host, port, frozenset(read_settings(data_dir).issuer_tokens))


def demo(
    data_dir: Path = typer.Option(
        Path("demo-data"), "--data-dir", "-d", help="Where the demo lives."
    ),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port of the community's node."),
    network_port: int = typer.Option(
        8100, help="First of the four ports of the federation demo (three nodes, an alliance)."
    ),
    no_serve: bool = typer.Option(False, "--no-serve", help="Create the demo, then exit."),
    single: bool = typer.Option(
        False, "--single", help="Only the community's node, without the federation."
    ),
    network: bool = typer.Option(
        False, "--network", help="Only the federation: three nodes and an alliance."
    ),
) -> None:
    """Create (once) and serve the demo: a seeded community node, and beside it three
    nodes and their alliance that recognise, witness and mirror each other."""
    network_dir = data_dir / "network"
    children = []
    if not single:
        network_demo.prepare(network_dir, network_port)
        network_demo.describe(network_dir, host, network_port)
    if network:
        if not no_serve:
            _serve_network_until_stopped(network_dir, host, network_port)
        return
    if not (data_dir / SETTINGS_FILE).exists():
        try:
            create_demo(data_dir).close()
        except SetupError as error:
            raise fail(str(error)) from None
        console.print(f"Created the demo node in {data_dir}")
    if not single and not no_serve:
        children = network_demo.start(network_dir, host, network_port)
    try:
        _serve_community(data_dir, host, port, no_serve)
    finally:
        network_demo.stop(children)


def _serve_network_until_stopped(network_dir: Path, host: str, base_port: int) -> None:
    import signal
    import time

    children = network_demo.start(network_dir, host, base_port)

    def stop(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # a terminated demo takes its servers with it
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        network_demo.stop(children)


def _serve_community(data_dir: Path, host: str, port: int, no_serve: bool) -> None:
    node = open_node(data_dir)
    base = f"http://{host}:{port}"
    console.print(f"\n[bold]{node.identity.did}[/] — {node.size} entries in its log\n")
    console.print(f"  Home page            {base}/")
    console.print(f"  The commons          {base}/commons  (bookings, lotteries, sanctions)")
    console.print(f"  Gatherings, RSVPs    {base}/gatherings")
    console.print(
        f"  Sign in as a member  {base}/key — restore {data_dir}/members/amara.key "
        "(a steward; any file in members/ works) and choose a passphrase of 10+ characters"
    )
    console.print(f"  Node identity        {base}/.well-known/commonweal")
    console.print(f"  Latest checkpoint    {base}/log/checkpoint")
    console.print(f"  An entry and proof   {base}/events/1")
    console.print(f"  Member directory     {base}/v1/members")
    console.print(f"  Revocation list      {base}/credentials/status/1")
    console.print(f"  Shared resources     {base}/v1/commons")
    console.print(f"  Gatherings           {base}/v1/gatherings?when=all")
    console.print(f"  Mutual aid           {base}/v1/aid/posts")
    console.print(f"  Campaigns            {base}/v1/campaigns")
    console.print(f"  Funding rounds       {base}/v1/rounds")
    console.print(f"  Treasury             {base}/v1/treasury")
    console.print(f"  Ledger as CSV        {base}/v1/treasury/export.csv")
    console.print(f"  Time bank            {base}/v1/credit/HOUR/positions")
    console.print(f"  API documentation    {base}/docs")
    console.print("\nTry, in another terminal:")
    member = next(iter(member_dids(data_dir)), "amara")
    console.print(
        f"  .venv/bin/commonweal event submit notary.document.attested "
        f'\'{{"digest": "sha256:{"ab" * 32}", "title": "My document"}}\' '
        f"--key {data_dir}/members/{member}.key --node {base}"
    )
    dalia = member_dids(data_dir).get("dalia")
    if dalia:
        console.print(f"  curl -s {base}/v1/members/{dalia}/credentials  # a credential")
    console.print(f"  .venv/bin/commonweal commons list --node {base}")
    console.print(f"  .venv/bin/commonweal gathering list --all --node {base}")
    console.print(f"  .venv/bin/commonweal verify {data_dir}")
    console.print(f"  .venv/bin/commonweal verify {base}")
    if no_serve:
        node.close()
        return
    run_server(node, host, port, frozenset(read_settings(data_dir).issuer_tokens))


def run_server(
    node: Node, host: str, port: int, issuer_tokens: frozenset[str] = frozenset()
) -> None:
    """Serve ``node`` until interrupted, then release it."""
    tune_collector()
    app = create_app(node, issuer_tokens=issuer_tokens)
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again: with the
    # default handler the process would die there, before the node is closed and its
    # write-ahead log folded into node.db. This handler turns it into a normal exit.
    signal.signal(signal.SIGTERM, _exit_on_terminate)
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            proxy_headers=False,  # the node never reads client addresses
            server_header=False,
        )
    finally:
        node.close()


def _exit_on_terminate(_signal: int, _frame: object) -> None:
    raise SystemExit(0)


def issuer_token(data_dir: Path = DataDir) -> None:
    """Create a bearer token that may call POST /credentials/issue (printed once)."""
    try:
        console.print(add_issuer_token(data_dir))
    except SetupError as error:
        raise fail(str(error)) from None
