"""The federation demo: three nodes and their alliance, each served by its own process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commonweal.cli.common import console, fail
from commonweal.core.language import _
from commonweal.node.kernel.setup import SetupError

if TYPE_CHECKING:
    from commonweal.demo.network import Community


def prepare(data_dir: Path, base_port: int, community: Community | None = None) -> dict[str, str]:
    """Create (once) the three nodes and the alliance under ``data_dir`` (with
    ``community`` as a fourth member node of the alliance); return their URLs. An
    existing network gets a fresh network vote when none is open."""
    from commonweal.demo.network import ALLIANCE, create_network, keep_a_vote_open, urls

    if not (data_dir / ALLIANCE / "node.json").exists():
        console.print(
            _(
                "Creating the network demo in %(data_dir)s (three nodes and an alliance)…",
                data_dir=data_dir,
            )
        )
        try:
            create_network(data_dir, base_port, community)
        except SetupError as error:
            raise fail(str(error)) from None
    else:
        try:
            called = keep_a_vote_open(data_dir)
        except SetupError as error:
            raise fail(str(error)) from None
        if called is not None:
            console.print(
                _("Called network vote %(called)s: the previous one had closed.", called=called)
            )
    return urls(base_port)


def community_to_join(
    data_dir: Path, network_dir: Path, public_url: str, alone: bool
) -> Community | None:
    """The community node as a member node of the alliance, when both are created now
    (a demo created before keeps its shape)."""
    from commonweal.core.keys import SigningKey
    from commonweal.demo.network import ALLIANCE, Community
    from commonweal.demo.seed import NAME
    from commonweal.node.kernel.setup import SETTINGS_FILE

    if alone or (data_dir / SETTINGS_FILE).exists() or (network_dir / ALLIANCE).exists():
        return None
    return Community(SigningKey.generate(), public_url, NAME)


def joined(network_dir: Path, community: Community | None) -> dict[str, Any]:
    """What ``create_demo`` needs to make the community a member node: its key, and the
    alliance's recognition and log."""
    from commonweal.demo.alliance import Alliance
    from commonweal.demo.network import ALLIANCE, ALLIANCE_NAME, alliance_recognition

    if community is None:
        return {}
    recognition = alliance_recognition(network_dir, ALLIANCE_NAME)
    return {"node_key": community.key, "alliance": Alliance(recognition, network_dir / ALLIANCE)}


def describe(data_dir: Path, host: str, base_port: int) -> None:
    """Print where the four nodes are and what to try."""
    from commonweal.demo.network import ALLIANCE, MEMBERS, ORDER, urls

    where = urls(base_port, host)
    console.print(_("\n[bold]The Commonweal Network[/] — three nodes and their alliance\n"))
    for name in ORDER:
        title = MEMBERS[name][0] if name in MEMBERS else "Commonweal Network (alliance)"
        console.print(f"  {format(title, '<32')} {where[name]}/v1/federation")
    alliance = where[ALLIANCE]
    riverside = where["riverside"]
    console.print(_("\nTry, in another terminal:"))
    console.print(f"  .venv/bin/commonweal peer list --node {riverside}")
    console.print(f"  .venv/bin/commonweal witness status --node {riverside}")
    console.print(f"  .venv/bin/commonweal alliance show --node {alliance}")
    for vote in _votes(data_dir / ALLIANCE):
        console.print(f"  .venv/bin/commonweal alliance show {vote} --node {alliance}")
        console.print(f"  .venv/bin/commonweal alliance audit {vote} --node {alliance}")
    console.print(f"  .venv/bin/commonweal census show --node {riverside}")
    console.print(f"  .venv/bin/commonweal census show --network --node {alliance}")
    console.print(f"  .venv/bin/commonweal census audit {alliance}")
    console.print(f"  open {riverside}/census and {alliance}/census   # charts, the network census")
    console.print(f"  .venv/bin/commonweal verify {alliance}")
    console.print(
        f"  .venv/bin/commonweal alliance call --title 'A new network "
        f"decision' --alliance {alliance} --as-node "
        f"{data_dir}/riverside"
    )
    console.print(f"  curl -s {riverside}/log/checkpoint   # cosigned by its witnesses")
    console.print(
        f"  curl -s {where['harbour']}/v1/members   # Pia moved here "
        f"from Orchard (moved_from); Chen is also Riverside's member, "
        f"counted once in the network vote\n"
    )


def start(data_dir: Path, host: str, base_port: int) -> list[subprocess.Popen[bytes]]:
    """Serve the four nodes, one ``commonweal serve`` process each."""
    from commonweal.demo.network import ORDER, urls

    command = str(Path(sys.executable).parent / "commonweal")
    public = urls(base_port, host)
    children = []
    for n, name in enumerate(ORDER):
        where = ["--data-dir", str(data_dir / name), "--host", host, "--port", str(base_port + n)]
        where += ["--public-url", public[name]]
        children.append(subprocess.Popen([command, "serve", *where]))
    return children


def stop(children: list[subprocess.Popen[bytes]]) -> None:
    """Stop the servers and wait for them."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()


def _votes(alliance_dir: Path) -> list[int]:
    from commonweal.domain.federation.alliance import NETWORK_VOTES
    from commonweal.node.kernel.setup import open_store

    store = open_store(str(alliance_dir))
    try:
        return sorted(int(str(k)) for k in store.projection_table(NETWORK_VOTES))
    finally:
        store.engine.dispose()
