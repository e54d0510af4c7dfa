"""A network-wide vote across three live nodes and their alliance, counted by precinct:
each node's subtotal is its own ballots, and the alliance's result is the direct count."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commonweal.client.alliance_audit import audit_vote
from commonweal.domain.federation.calls import subtotal_of
from commonweal.domain.governance.counters import COUNTERS, Count
from commonweal.domain.governance.turnout import Turnout
from commonweal.domain.state import State
from tests.federation import alliance_constitution
from tests.network import HTTP, LiveNode, recognize, start_node, stop_all, wait_for

COMMONWEAL = str(Path(sys.executable).parent / "commonweal")


def cli(*args: str) -> str:
    done = subprocess.run([COMMONWEAL, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


MEMBERS = {"ash": 5, "birch": 3, "cedar": 4}
NAMES = ("alice", "bob", "carol", "dan", "eve")
RANKINGS = [
    ["north", "south", "east"],
    ["south", "east", "north"],
    ["east", "north", "south"],
    ["south", "north"],
    ["north"],
]


@pytest.fixture
def network(tmp_path: Path) -> Iterator[tuple[dict[str, LiveNode], LiveNode]]:
    nodes = {
        name: start_node(tmp_path, name, members=NAMES[:size]) for name, size in MEMBERS.items()
    }
    alliance = start_node(
        tmp_path,
        "alliance",
        members=(),
        founders=[n.key_did for n in nodes.values()],
        constitution=alliance_constitution("per_capita", voting_seconds=6, report_seconds=120),
    )
    for node in nodes.values():
        recognize(node, alliance, alliance=True)
        recognize(alliance, node, visitors=[])
    try:
        yield nodes, alliance
    finally:
        stop_all([*nodes.values(), alliance])


@pytest.mark.slow
def test_a_network_wide_vote_counts_by_precinct(
    network: tuple[dict[str, LiveNode], LiveNode],
) -> None:
    nodes, alliance = network
    # Ash's operator calls the vote with the CLI, signing with Ash's node key.
    called = cli(
        "alliance", "call", "--title", "Where the shared seed bank goes",
        "--kind", "network-choice", "--option", "north", "--option", "south",
        "--option", "east", "--alliance", alliance.url, "--as-node", str(nodes["ash"].data_dir),
    )  # fmt: skip
    vote = alliance.get("/v1/federation/alliance")["votes"][0]["id"]
    assert f"Network vote {vote} called" in called
    precincts = {
        name: wait_for(
            lambda n=node: next(
                p["id"] for p in n.get("/v1/federation/precincts")["precincts"] if p["vote"] == vote
            ),
            what=f"{name} opening its precinct",
        )
        for name, node in nodes.items()
    }
    cast: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in nodes}
    n = 0
    for name, node in nodes.items():
        for member in node.members:
            ballot = {"ranking": RANKINGS[n % len(RANKINGS)]}
            node.submit(
                member,
                "federation.precinct.ballot.cast",
                body={"precinct": precincts[name], "ballot": ballot},
            )
            cast[name][node.events.did(member)] = ballot
            n += 1
    # A member changes their mind: only the newest ballot counts.
    birch = nodes["birch"]
    changed = {"ranking": ["east", "south", "north"]}
    birch.submit(
        birch.members[0],
        "federation.precinct.ballot.cast",
        body={"precinct": precincts["birch"], "ballot": changed},
    )
    cast["birch"][birch.events.did(birch.members[0])] = changed
    record = wait_for(
        lambda: (r := alliance.get(f"/v1/federation/votes/{vote}"))["phase"] == "closed" and r,
        timeout=60,
        what="the alliance closing the vote",
    )
    result = record["result"]
    # Each node's subtotal is exactly its own members' ballots, as its log recounted them.
    for name, node in nodes.items():
        precinct = next(
            p for p in node.get("/v1/federation/precincts")["precincts"] if p["vote"] == vote
        )
        expected = subtotal_of(list(cast[name].values()), MEMBERS[name])
        assert precinct["subtotal"] == expected
        assert record["subtotals"][node.key_did]["patterns"] == expected["patterns"]
    # The alliance's result is the count of every ballot in one place.
    everyone = {voter: b for ballots in cast.values() for voter, b in ballots.items()}
    direct = COUNTERS["schulze"](
        Count(
            State(),
            {"id": vote, "rules": record["rules"]},
            Turnout(sum(MEMBERS.values()), everyone, {}, 0),
            record["options"],
            alliance.did,
        )
    )
    assert result["winners"] == direct["winners"]
    assert result["pairwise"] == direct["pairwise"]
    assert result["participating"] == len(everyone) == sum(MEMBERS.values())
    # Anyone can check it: subtotals against the members' logs, totals against subtotals,
    # and the alliance's log recounts the result on replay.
    audit = audit_vote(alliance.url, vote, http=HTTP)
    assert audit.ok, audit
    assert len(audit.checks) == len(nodes)
    audited = cli("alliance", "audit", str(vote), "--node", alliance.url).splitlines()
    assert sum(line.startswith("ok ") for line in audited) == 5  # not "ok" inside a key
    shown = cli("alliance", "show", str(vote), "--node", alliance.url)
    for name, node in nodes.items():
        assert f"{node.key_did}: {MEMBERS[name]} of {MEMBERS[name]}" in shown
    # Each subtotal says what the alliance's audit from its mirror found (or that it waits).
    assert sum(f" — {s}:" in shown for s in ("audited", "pending", "failed")) >= 1
    assert " — failed:" not in shown
    # A member node shows its precinct: the ballots cast there, then its subtotal.
    one = cli("alliance", "precinct", str(precincts["birch"]), "--node", birch.url)
    assert f"{MEMBERS['birch']} ballot(s) cast here" in one
    assert f"{MEMBERS['birch']} of {MEMBERS['birch']} members voted" in one
    for target in (alliance, nodes["ash"]):
        verified = subprocess.run(
            [COMMONWEAL, "verify", target.url], capture_output=True, text=True
        )
        assert verified.returncode == 0, verified.stdout + verified.stderr
