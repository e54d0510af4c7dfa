"""Builders for network threshold pledges: a home node (Aster), a node that carries its
campaigns (Birch, recognised both ways) and one that carries them unrecognised (Cedar)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from commonweal.core.events import parse_leaf
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.campaigns import carried, network
from commonweal.domain.catalog import default_registry
from commonweal.domain.federation.recognition import GRANTED
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import campaigns
from commonweal.node.services.federation.pledges import carried_body, report_body, settled_body
from tests.builders import Clock, EventFactory
from tests.federation import Place, as_node, make_place, recognition_body

LAUNCHED = "campaigns.campaign.launched"
PLEDGED = "campaigns.pledge.made"
WITHDRAWN = "campaigns.pledge.withdrawn"
NAMES = ("alice", "bob", "carol", "dan")


class Pair:
    """Aster (the campaign's home) and Birch (a node that carries it), recognising each
    other; Cedar is a node Aster does not recognise."""

    def __init__(self, root: Path, clock: Clock, *, shared: Sequence[str] = ()) -> None:
        """``shared`` names people who are members of every node with one key."""
        self.clock = clock
        founders = [EventFactory("", clock).did(name) for name in shared]
        self.aster = make_place(root, "Aster", clock, members=NAMES, founders=founders)
        self.birch = make_place(root, "Birch", clock, members=NAMES, founders=founders)
        self.cedar = make_place(root, "Cedar", clock, members=NAMES, founders=founders)
        self.aster.act("alice", GRANTED, recognition_body(self.birch.node))
        self.birch.act("alice", GRANTED, recognition_body(self.aster.node))
        self.cedar.act("alice", GRANTED, recognition_body(self.aster.node))

    def later(self, **delta: float) -> str:
        return format_utc(self.clock() + timedelta(**delta))

    def launch(self, *, network_terms: bool = True, threshold: int = 3) -> int:
        body: dict[str, Any] = {
            "kind": "threshold",
            "title": "Plant a thousand trees",
            "action": "plant ten trees on the first Saturday",
            "threshold": threshold,
            "deadline": self.later(days=7),
        }
        if network_terms:
            body.update(network=True, report_seconds=600)
        return self.aster.act("alice", LAUNCHED, body).index

    def carry(self, place: Place, campaign: int) -> int:
        leaf = self.aster.node.store.leaves(campaign, campaign + 1)[0]
        body = carried_body(leaf, self.aster.did, campaign)
        return place.node.submit_as_node(network.CARRIED_EVENT, body).index

    def pledge(self, place: Place, name: str, campaign: int) -> None:
        place.act(name, PLEDGED, {"campaign": campaign, "home": self.aster.did})

    def copy(self, place: Place, campaign: int) -> dict[str, Any]:
        found = carried.find(place.node.state, self.aster.did, campaign)
        assert found is not None
        return found

    def close_copy(self, place: Place, campaign: int) -> list[str]:
        receipts = campaigns.run_due(place.node)
        return [place.node.store.entry(r.index).type for r in receipts]  # type: ignore[union-attr]

    def report(self, place: Place, campaign: int, /, **change: Any) -> None:
        body = {**report_body(self.copy(place, campaign), place.node.identity.origin), **change}
        as_node(place.node, self.aster.node, network.REPORTED, body)

    def body_at(self, place: Place, index: int) -> dict[str, Any]:
        """The body of entry ``index`` of ``place``'s log."""
        return dict(parse_leaf(place.node.store.leaves(index, index + 1)[0]).event.body)

    def record(self, campaign: int) -> dict[str, Any]:
        found: dict[str, Any] = self.aster.node.state.get("campaigns.campaigns", campaign)
        return found

    def settle(self, place: Place, campaign: int) -> dict[str, Any]:
        index = self.record(campaign)["closed_index"]
        leaf = self.aster.node.store.leaves(index, index + 1)[0]
        body = settled_body(leaf, self.aster.did, campaign, index)
        place.node.submit_as_node(network.CARRIED_SETTLED, body)
        return body

    def verify_all(self) -> None:
        for place in (self.aster, self.birch, self.cedar):
            store = place.node.store
            assert verify_log(store, default_registry(), compare_with=store).ok

    def close(self) -> None:
        for place in (self.aster, self.birch, self.cedar):
            place.node.close()

    def progress(self, place: Place, campaign: int, pledgers: int) -> None:
        body = {"campaign": campaign, "pledgers": pledgers}
        as_node(place.node, self.aster.node, network.PROGRESS, body)
