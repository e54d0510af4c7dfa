"""The network demo: three nodes and an alliance, recognised by decision, with a counted vote."""

from __future__ import annotations

from pathlib import Path

from commonweal.domain.campaigns.carried import CARRIED
from commonweal.domain.catalog import default_registry
from commonweal.domain.census.records import CENSUSES
from commonweal.domain.federation.alliance import NETWORK_VOTES
from commonweal.domain.federation.standing import RECOGNITIONS
from commonweal.node.demo_network import ALLIANCE, MEMBERS, create_network
from commonweal.node.setup import open_store
from commonweal.node.verify import verify_log


def test_the_network_demo_is_recognised_and_has_voted(tmp_path: Path) -> None:
    urls = create_network(tmp_path, 8150)
    assert len(urls) == 4
    for name in MEMBERS:
        store = open_store(str(tmp_path / name))
        try:
            recognitions = store.projection_table(RECOGNITIONS)
            assert len(recognitions) == 3  # the two other nodes and the alliance
            assert sum(r["terms"]["alliance"] for r in recognitions.values()) == 1
            assert verify_log(store, default_registry(), compare_with=store).ok
            censuses = store.projection_table(CENSUSES)
            assert sorted(censuses) == [1, 2, 3, 4]  # at least three epochs per node
            reasons = [censuses[e]["body"]["reason"] for e in sorted(censuses)]
            assert reasons == ["scheduled", "scheduled", "requested", "scheduled"]
            members = len(MEMBERS[name][1])
            assert all(c["body"]["figures"]["members"] == members for c in censuses.values())
            assert censuses[2]["body"]["figures"]["active"] == members  # all voted to join
            if name != "riverside":  # the two others carry Riverside's network campaign
                (copy,) = store.projection_table(CARRIED).values()
                assert copy["status"] == "open" and copy["pledgers"] in (2, 3)
        finally:
            store.engine.dispose()
    store = open_store(str(tmp_path / ALLIANCE))
    try:
        (vote,) = store.projection_table(NETWORK_VOTES).values()
        assert vote["phase"] == "closed"
        assert vote["result"]["participating"] == sum(len(m) for _t, m in MEMBERS.values())
        assert vote["result"]["counts"] == {"yes": 7, "no": 4, "abstain": 1}
        assert verify_log(store, default_registry(), compare_with=store).ok
    finally:
        store.engine.dispose()
