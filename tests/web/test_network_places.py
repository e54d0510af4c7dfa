"""The network's places gathered from real peers on 127.0.0.1: each recognised node's places
reach the map through the sync round; a peer that stops answering keeps its last places on
the page, marked, and never slows the page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.network import HTTP, LiveNode, recognize, start_node, stop_all, wait_for
from tests.places import REGISTERED, place_body


@pytest.fixture
def network(tmp_path: Path) -> Iterator[dict[str, LiveNode]]:
    nodes = {name: start_node(tmp_path, name) for name in ("ash", "birch", "cedar")}
    try:
        yield nodes
    finally:
        stop_all(list(nodes.values()))


def places_of(node: LiveNode) -> dict[str, list[str]]:
    found = node.get("/v1/network/places")
    return {entry["name"]: [p["name"] for p in entry["places"]] for entry in found["nodes"]}


@pytest.mark.slow
def test_every_recognised_nodes_places_reach_the_map(network: dict[str, LiveNode]) -> None:
    ash, birch, cedar = network["ash"], network["birch"], network["cedar"]
    ash.submit("ash-alice", REGISTERED, body=place_body(name="Ash hub"))
    birch.submit(
        "birch-alice",
        REGISTERED,
        body=place_body(name="Birch land", kind="land", location={"lat": "-33.9", "lon": "18.4"}),
    )
    for n in range(2):
        cedar.submit("cedar-alice", REGISTERED, body=place_body(name=f"Cedar {n}", area_m2=10))
    recognize(ash, birch)
    recognize(ash, cedar)
    expected = {"Ash": ["Ash hub"], "Birch": ["Birch land"], "Cedar": ["Cedar 0", "Cedar 1"]}
    wait_for(lambda: places_of(ash) == expected, what="ash fetching its peers' places")
    totals = ash.get("/v1/network/places")
    assert (totals["places"], totals["area_m2"]) == (4, 850 + 850 + 20)
    page = HTTP.get(ash.url + "/network/map").text
    for name in ("Ash hub", "Birch land", "Cedar 0", "Cedar 1"):
        assert f'aria-label="{name},' in page
    assert f'href="{birch.url}/places/' in page  # a peer's place links to its own page
    # birch never recognised ash: it shows only its own
    assert places_of(birch) == {"Birch": ["Birch land"]}

    cedar.server.kill()
    wait_for(
        lambda: next(n for n in ash.get("/v1/network/places")["nodes"] if n["name"] == "Cedar")[
            "error"
        ],
        what="ash noticing cedar is gone",
    )
    started = time.monotonic()
    page = HTTP.get(ash.url + "/network/map").text
    assert time.monotonic() - started < 2.0  # the page never waits for the dead peer
    assert 'aria-label="Cedar 0,' in page and "last try failed" in page
