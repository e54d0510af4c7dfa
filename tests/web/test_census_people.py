"""Distinct people across the network: a did:key that is a member of two live nodes
counts in both nodes' censuses, and once among the network's distinct people — found by
the period's nullifiers, which each node commits to in its log and serves, without
either node publishing its member list (docs/census.md)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from commonweal.client.census_audit import audit
from commonweal.core.merkle import leaf_hash, root_of
from tests.cli.test_cli import run
from tests.federation import alliance_constitution
from tests.network import HTTP, LiveNode, recognize, start_node, stop_all, wait_for
from tests.web.test_census_network import CENSUS_HOURLY, checkpointed

PAT = "ash-pat"
"""The person who is a member of both Ash and Birch (one did:key, admitted to both)."""


@pytest.fixture
def network(tmp_path: Path) -> Iterator[tuple[LiveNode, LiveNode, LiveNode]]:
    ash = start_node(tmp_path, "ash", members=("alice", "bob", "pat"), constitution=CENSUS_HOURLY)
    birch = start_node(
        tmp_path,
        "birch",
        members=("dan", "eve"),
        founders=[ash.events.did(PAT)],
        constitution=CENSUS_HOURLY,
    )
    hub = start_node(
        tmp_path,
        "hub",
        members=(),
        founders=[ash.key_did, birch.key_did],
        constitution=alliance_constitution("per_capita"),
    )
    for node in (ash, birch):
        recognize(node, hub, alliance=True)
        recognize(hub, node, visitors=[])
    try:
        yield ash, birch, hub
    finally:
        stop_all([ash, birch, hub])


def committed_people(node: LiveNode) -> dict[str, Any] | None:
    """The node's latest census's served people, once committed."""
    censuses = node.get("/v1/census")["censuses"]
    if not censuses:
        return None
    epoch = max(c["epoch"] for c in censuses)
    answer = HTTP.get(f"{node.url}/v1/census/{epoch}/people")
    return answer.json() if answer.status_code == 200 else None


def independent_root(nullifiers: list[str]) -> str:
    leaves = sorted(bytes.fromhex(n) for n in nullifiers)
    return "sha256:" + root_of([leaf_hash(x) for x in leaves]).hex()


@pytest.mark.slow
def test_each_node_commits_its_counted_members_nullifiers(
    network: tuple[LiveNode, LiveNode, LiveNode],
) -> None:
    ash, birch, _hub = network
    sets = {
        n.name: wait_for(lambda n=n: committed_people(n), timeout=60, what=f"{n.name}'s people")
        for n in (ash, birch)
    }
    for node in (ash, birch):
        served = sets[node.name]
        assert len(served["nullifiers"]) == 3
        assert served["nullifiers"] == sorted(set(served["nullifiers"]))
        assert served["people_root"] == independent_root(served["nullifiers"])
        census = node.get(f"/v1/census/{served['epoch']}")
        assert served["period"] == census["at"][:7]
    # Pat is in both sets, and only Pat: five distinct people among six memberships
    shared = set(sets["ash"]["nullifiers"]) & set(sets["birch"]["nullifiers"])
    assert len(shared) == 1
    # no member list is published: the sets name no did:key
    for name in ("alice", "bob", "pat"):
        assert ash.events.did(f"ash-{name}") not in str(sets)


def network_people(hub: LiveNode) -> dict[str, Any] | None:
    counted: dict[str, Any] = hub.get("/v1/census/network")
    people = counted["totals"].get("people")
    return counted if people and people["nodes"] == 2 else None


@pytest.mark.slow
def test_the_network_census_counts_a_member_of_two_nodes_once(
    network: tuple[LiveNode, LiveNode, LiveNode],
) -> None:
    ash, birch, hub = network
    counted = wait_for(lambda: network_people(hub), timeout=90, what="the network's people")
    # six memberships, five people: Pat is a member of both Ash and Birch
    assert counted["totals"]["members"] == 6
    people = counted["totals"]["people"]
    assert people["distinct"] == 5
    assert people["people_unknown"] == []
    sets = [committed_people(n) for n in (ash, birch)]
    assert people["distinct"] == len(set().union(*(s["nullifiers"] for s in sets if s)))

    # the census page shows the network's distinct people beside its memberships
    page = hub.text("/census")
    assert 'data-figure="distinct-people">5</strong> distinct people' in page

    # the audit recounts the union from the sets each node serves
    checkpointed(hub, counted["index"])
    result = audit(hub.url)
    assert result.ok, result.checks
    [(_what, _ok, said)] = [c for c in result.checks if c[0] == "people"]
    assert "5 distinct people claimed, 5 recounted" in said
    shown = run("census", "audit", hub.url)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    listed = run("census", "show", "--network", "--node", hub.url)
    assert listed.returncode == 0, listed.stderr
    assert "Distinct people: 5 in 2 node(s)" in listed.stdout

    # a node serving a set that is not the one it committed to is caught
    served = committed_people(ash)
    assert served is not None
    swapped = {**served, "nullifiers": sorted([*served["nullifiers"][1:], "ab" * 32])}
    lying_ash = _faking({f"/v1/census/{served['epoch']}/people": swapped}, host=ash.url)
    with httpx.Client(transport=lying_ash) as client:
        caught = audit(hub.url, http=client)
    assert not caught.ok
    failed = {what: said for what, ok, said in caught.checks if not ok}
    assert "committed people_root" in failed[ash.did]
    assert "people" in failed

    # a network census claiming more distinct people than the union is caught
    inflated = copy.deepcopy(counted)
    inflated["totals"]["people"]["distinct"] += 1
    with httpx.Client(transport=_faking({"/v1/census/network": inflated}, host=hub.url)) as client:
        caught = audit(hub.url, http=client)
    failed = {what: said for what, ok, said in caught.checks if not ok}
    assert "6 distinct people claimed, 5 recounted" in failed["people"]


def _faking(answers: dict[str, Any], *, host: str) -> httpx.BaseTransport:
    """Serves ``answers`` for those paths of ``host``, everything else faithfully."""

    class Faking(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if str(request.url).startswith(host) and request.url.path in answers:
                return httpx.Response(200, json=answers[request.url.path])
            with httpx.Client() as real:
                answer = real.send(request)
                answer.read()
                return httpx.Response(
                    answer.status_code, headers=answer.headers, content=answer.content
                )

    return Faking()
