"""The demo's places: Riverside's four, the barn's funding followed back to its campaign and
ledger entry, and places on every network demo node; all of it verifies."""

from __future__ import annotations

from pathlib import Path

from commonweal.demo.network import MEMBERS, create_network
from commonweal.demo.seed import create_demo
from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.setup import open_node
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import places


def test_the_demo_node_holds_its_places_and_says_what_funded_the_barn(tmp_path: Path) -> None:
    node = create_demo(tmp_path / "demo")
    try:
        held = {p["name"]: p for p in places.places(node)}
        assert set(held) == {"Riverside hub", "The barn", "Community garden", "Riverside meadow"}
        barn = places.place_view(node, held["The barn"]["id"])
        campaign, entry = barn["funded_by"]
        assert campaign["kind"] == "campaign" and campaign["status"] == "succeeded"
        assert campaign["title"].startswith("Fix the barn roof")
        assert entry["kind"] == "entry" and entry["title"] == "campaigns.campaign.closed"
        assert entry["amount"] == node.state.get("campaigns.campaigns", campaign["id"])["total"]
        hub = places.place_view(node, held["Riverside hub"]["id"])
        assert {r["title"] for r in hub["resources"]} == {
            "Workshop room",
            "Cargo bike",
            "Seed library",
        }
        assert places.listing(node)["footprint"]["places"] == 4
        assert verify_log(node.store, default_registry(), compare_with=node.store).ok
    finally:
        node.close()


def test_every_network_demo_node_holds_places(tmp_path: Path) -> None:
    create_network(tmp_path / "network", base_port=9560)
    for name in MEMBERS:
        node = open_node(tmp_path / "network" / name)
        try:
            assert len(places.places(node)) >= 2, name
        finally:
            node.close()
