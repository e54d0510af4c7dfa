"""``commonweal demo``: a seeded community, and a network of three nodes and their alliance."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import typer

from commonweal.capabilities import PROGRAM
from commonweal.cli import network_demo
from commonweal.cli.common import console, fail
from commonweal.cli.node_commands import run_server
from commonweal.core.language import _
from commonweal.demo.seed import create_demo, member_dids
from commonweal.node.kernel.issuer_tokens import IssuerTokens
from commonweal.node.kernel.public_url import served_url
from commonweal.node.kernel.setup import SETTINGS_FILE, SetupError, open_node


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
    public_url = served_url(host, port)
    joining = network_demo.community_to_join(data_dir, network_dir, public_url, single or network)
    if not single:
        network_demo.prepare(network_dir, network_port, joining)
        network_demo.describe(network_dir, host, network_port)
    if network:
        if not no_serve:
            _serve_network_until_stopped(network_dir, host, network_port)
        return
    if not (data_dir / SETTINGS_FILE).exists():
        try:
            create_demo(
                data_dir, public_url, program=PROGRAM, **network_demo.joined(network_dir, joining)
            ).close()
        except SetupError as error:
            raise fail(str(error)) from None
        console.print(_("Created the demo node in %(data_dir)s", data_dir=data_dir))
    if not single and not no_serve:
        children = network_demo.start(network_dir, host, network_port)
    try:
        _serve_community(data_dir, host, port, public_url, no_serve)
    finally:
        network_demo.stop(children)


def _serve_network_until_stopped(network_dir: Path, host: str, base_port: int) -> None:

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


def _serve_community(data_dir: Path, host: str, port: int, public_url: str, no_serve: bool) -> None:
    """Print where the demo is and what to try; serve it at ``public_url`` (its address)."""
    node = open_node(data_dir, public_url=public_url, registry=PROGRAM.registry())
    base = public_url
    console.print(
        _(
            "\n[bold]%(did)s[/] — %(size)s entries in its log\n",
            did=node.identity.did,
            size=node.size,
        )
    )
    console.print(_("  Home page            %(base)s/", base=base))
    console.print(
        _("  The commons          %(base)s/commons  (bookings, lotteries, sanctions)", base=base)
    )
    console.print(_("  Gatherings, RSVPs    %(base)s/gatherings", base=base))
    console.print(
        _(
            "  Sign in as a member  %(base)s/key — restore "
            "%(data_dir)s/members/amara.key (a steward; any file in "
            "members/ works) and choose a passphrase of 10+ characters",
            base=base,
            data_dir=data_dir,
        )
    )
    console.print(
        _("  The network          %(base)s/network  (recognitions, witnessing, mirrors)", base=base)
    )
    console.print(
        _("  Network votes        %(base)s/network/precincts  (a member votes here)", base=base)
    )
    console.print(_("  Node identity        %(base)s/.well-known/commonweal", base=base))
    console.print(_("  Latest checkpoint    %(base)s/log/checkpoint", base=base))
    console.print(_("  An entry and proof   %(base)s/events/1", base=base))
    console.print(_("  Member directory     %(base)s/v1/members", base=base))
    console.print(_("  Revocation list      %(base)s/credentials/status/1", base=base))
    console.print(_("  Shared resources     %(base)s/v1/commons", base=base))
    console.print(_("  Gatherings           %(base)s/v1/gatherings?when=all", base=base))
    console.print(_("  Mutual aid           %(base)s/v1/aid/posts", base=base))
    console.print(_("  Campaigns            %(base)s/v1/campaigns", base=base))
    console.print(_("  Funding rounds       %(base)s/v1/rounds", base=base))
    console.print(_("  Treasury             %(base)s/v1/treasury", base=base))
    console.print(_("  Ledger as CSV        %(base)s/v1/treasury/export.csv", base=base))
    console.print(_("  Time bank            %(base)s/v1/credit/HOUR/positions", base=base))
    console.print(_("  API documentation    %(base)s/docs", base=base))
    console.print(_("\nTry, in another terminal:"))
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
    run_server(node, host, port, IssuerTokens(data_dir))
