"""The demo's places: the ground each demo node stands on, for the places pages and the map.

Riverside Commons (the community demo) holds a hub by the river with its workshop and
cargo bike, the barn whose roof its members crowdfunded (the place names the campaign
and the ledger entry that collected it, so the chain can be followed), a half share of
the community garden, and the meadow it leases while the crowdfund to buy it runs. The
network demo's three nodes each hold places on another continent, so the network map
shows every node's places.
"""

from __future__ import annotations

from typing import Any, Protocol

from commonweal.domain.places.rules import REGISTERED
from commonweal.node.kernel.service import Node, Receipt

STEWARD = "amara"
"""The founding steward who registers Riverside's places (stewards hold commons.register)."""


class Actor(Protocol):
    """What the chapter needs of the story (demo/seed.py's ``Story``)."""

    node: Node

    def act(self, name: str, event_type: str, body: dict[str, Any] | None = None) -> Receipt: ...


def _place(name: str, kind: str, lat: str, lon: str, area: int, **more: Any) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "location": {"lat": lat, "lon": lon},
        "area_m2": area,
        "tenure": "owned",
        "since": "2023-04-01",
        **more,
    }


def tell(story: Actor) -> None:
    """Riverside registers its places, once its roof campaign has collected."""
    with story.node.reading() as state:
        resources = {r["title"]: int(r["id"]) for _id, r in state.items("commons.resources")}
        roof = next(
            int(c["id"])
            for _id, c in state.items("campaigns.campaigns")
            if c["title"].startswith("Fix the barn roof") and c["status"] == "succeeded"
        )
        collected = next(
            int(entry["id"])
            for _index, entry in state.items("treasury.entries")
            if entry["type"] == "campaigns.campaign.closed" and entry.get("ref") == roof
        )
    held = [resources[t] for t in ("Workshop room", "Cargo bike", "Seed library") if t in resources]
    garden = [resources[t] for t in ("Community garden beds",) if t in resources]
    for body in (
        _place(
            "Riverside hub",
            "hub",
            "51.0543",
            "3.7174",
            1_200,
            description="The old rope works by the river: fourteen rooms, a shared kitchen, "
            "the workshop and the tool library.",
            capacity={"beds": 14, "seats": 60},
            resources=held,
        ),
        _place(
            "The barn",
            "building",
            "50.9947",
            "3.7456",
            320,
            description="Assemblies, repair cafés and the seed swap. Its new roof was "
            "crowdfunded by the members.",
            capacity={"seats": 80},
            since="2024-02-15",
            funding={"campaign": roof, "entry": collected},
        ),
        _place(
            "Community garden",
            "garden",
            "51.0397",
            "3.7610",
            2_400,
            description="Raised beds and an orchard, co-owned with the allotment society.",
            tenure="co_owned",
            shares={"held": 1, "of": 2},
            since="2024-09-01",
            resources=garden,
        ),
        _place(
            "Riverside meadow",
            "land",
            "50.9836",
            "3.5275",
            20_000,
            description="Two hectares by the river, leased while the crowdfund to buy them runs.",
            tenure="leased",
            since="2025-06-01",
        ),
    ):
        story.act(STEWARD, REGISTERED, body)


NETWORK: dict[str, list[dict[str, Any]]] = {
    "riverside": [
        _place("Riverside hub", "hub", "51.0543", "3.7174", 1_200,
               capacity={"beds": 14, "seats": 60}),
        _place("Riverside meadow", "land", "50.9836", "3.5275", 20_000, tenure="leased"),
    ],
    "harbour": [
        _place("Harbour Guild hall", "building", "-33.0472", "-71.6127", 650,
               capacity={"beds": 6, "seats": 120}, since="2022-11-01"),
        _place("Net loft", "workshop", "-33.0390", "-71.6290", 180, tenure="shared",
               since="2024-01-15"),
        _place("Lisbon co-living", "hub", "38.7223", "-9.1393", 900,
               capacity={"beds": 18, "seats": 40}, tenure="leased", since="2025-03-01"),
    ],
    "orchard": [
        _place("Orchard house", "hub", "-41.2706", "173.2840", 480,
               capacity={"beds": 10, "seats": 30}, since="2021-05-20"),
        _place("The orchard", "land", "-41.2950", "173.2400", 45_000, tenure="co_owned",
               shares={"held": 3, "of": 5}, since="2021-05-20"),
        _place("Kyoto workshop", "workshop", "35.0116", "135.7681", 120,
               capacity={"seats": 12}, tenure="leased", since="2025-09-01"),
        _place("Nairobi desk", "office", "-1.2921", "36.8219", 60,
               capacity={"seats": 8}, tenure="shared", since="2026-01-10"),
    ],
}  # fmt: skip
"""The network demo's nodes' places (registered by each node's first founder)."""
