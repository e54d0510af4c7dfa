"""One person, one count: a did:key that is a member of two live nodes votes in both
precincts of a per-capita network vote, and the alliance counts them once — found by
their per-vote nullifiers, without either node publishing its member list."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commonweal.client.alliance_audit import Audit, audit_vote, check_people
from commonweal.domain.federation.precincts import BALLOT_CAST
from commonweal.node.services.federation.peer_client import PeerClient
from tests.federation import alliance_constitution
from tests.network import HTTP, LiveNode, recognize, start_node, stop_all, wait_for

COMMONWEAL = str(Path(sys.executable).parent / "commonweal")
PAT = "ash-pat"
"""The person who is a member of both Ash and Birch (one did:key, admitted to both)."""


@pytest.fixture
def network(tmp_path: Path) -> Iterator[tuple[LiveNode, LiveNode, LiveNode]]:
    ash = start_node(tmp_path, "ash", members=("alice", "bob", "pat"))
    birch = start_node(tmp_path, "birch", members=("dan", "eve"), founders=[ash.events.did(PAT)])
    hub = start_node(
        tmp_path,
        "hub",
        members=(),
        founders=[ash.key_did, birch.key_did],
        constitution=alliance_constitution("per_capita", voting_seconds=6, report_seconds=120),
    )
    for node in (ash, birch):
        recognize(node, hub, alliance=True)
        recognize(hub, node, visitors=[])
    try:
        yield ash, birch, hub
    finally:
        stop_all([ash, birch, hub])


def _precinct(node: LiveNode, vote: int) -> int:
    return int(
        next(
            p["id"] for p in node.get("/v1/federation/precincts")["precincts"] if p["vote"] == vote
        )
    )


@pytest.mark.slow
def test_a_member_of_two_nodes_counts_once(network: tuple[LiveNode, LiveNode, LiveNode]) -> None:
    ash, birch, hub = network
    constitution = hub.get("/v1/constitution")["constitution"]
    rules, charter = constitution["kinds"]["network"], constitution["alliance"]
    call = {
        "kind": "network",
        "title": "Share the tool library",
        "text": "",
        "options": ["share"],
        "method": rules["method"],
        "method_options": rules["options"],
        "voting_seconds": charter["voting_seconds"],
        "weighting": charter["weighting"],
    }
    with PeerClient(hub.url, http=HTTP) as client:
        vote = int(client.submit_as(ash.key, "federation.network_vote.called", call)["index"])
    precinct = {
        node.name: wait_for(lambda n=node: _precinct(n, vote), what=f"{node.name}'s precinct")
        for node in (ash, birch)
    }
    ballots = {
        ("ash", "ash-alice"): "yes",
        ("ash", "ash-bob"): "no",
        ("ash", PAT): "yes",
        ("birch", "birch-dan"): "yes",
        ("birch", "birch-eve"): "no",
        ("birch", PAT): "no",  # the same person, voting again in their other node
    }
    nodes = {"ash": ash, "birch": birch}
    for (name, author), choice in ballots.items():
        body = {"precinct": precinct[name], "ballot": {"choice": choice}}
        nodes[name].submit(author, BALLOT_CAST, body=body)
    record = wait_for(
        lambda: (r := hub.get(f"/v1/federation/votes/{vote}"))["phase"] == "closed" and r,
        timeout=90,
        what="the alliance closing the vote",
    )
    result = record["result"]
    # Each precinct reported everyone it counted: 3 at Ash, 3 at Birch (Pat in both).
    assert record["subtotals"][ash.key_did]["electorate"] == 3
    assert record["subtotals"][birch.key_did]["electorate"] == 3
    # The network counted five people and five ballots, not six.
    assert result["electorate"] == 5
    assert result["participating"] == 5
    # Pat's ballot is the one in the precinct that reported first; the other is set aside.
    first = min(record["subtotals"], key=lambda k: record["subtotals"][k]["index"])
    home = "ash" if first == ash.key_did else "birch"
    expected_yes = sum(
        1 for (name, author), c in ballots.items() if c == "yes" and (author != PAT or name == home)
    )
    assert result["counts"]["yes"] == expected_yes
    assert result["counts"]["no"] == 5 - expected_yes
    [duplicate] = result["duplicates"]
    assert duplicate["counted_in"] == first
    assert duplicate["also_in"] == [k for k in (ash.key_did, birch.key_did) if k != first]
    # No member list is published: the reports carry nullifiers, never did:keys.
    published = str(record)
    for name, author in ballots:
        assert nodes[name].events.did(author) not in published
    # The audit finds the double-reported person, and that the alliance counted them once.
    audit = audit_vote(hub.url, vote, http=HTTP)
    assert audit.ok, audit
    assert [d["person"] for d in audit.duplicates] == [duplicate["person"]]
    assert any(name == "double-reported" for name, _ok, _d in audit.totals)
    shown = subprocess.run(
        [COMMONWEAL, "alliance", "audit", str(vote), "--node", hub.url],
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "double-reported" in shown.stdout and duplicate["counted_in"] in shown.stdout
    # An alliance that counted the person twice would fail the audit.
    doubled: dict[str, Any] = copy.deepcopy(result)
    doubled["electorate"], doubled["participating"] = 6, 6
    failed = Audit(vote)
    check_people(failed, record["subtotals"], doubled)
    assert not failed.ok
