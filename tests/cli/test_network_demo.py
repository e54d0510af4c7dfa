"""The network demo: three nodes and an alliance, recognised by decision, with a counted vote."""

from __future__ import annotations

from pathlib import Path

from commonweal.domain.campaigns.carried import CARRIED
from commonweal.domain.catalog import default_registry
from commonweal.domain.federation.alliance import NETWORK_VOTES
from commonweal.domain.federation.standing import RECOGNITIONS
from commonweal.domain.membership.records import MEMBERS as MEMBERS_TABLE
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
            members = store.projection_table(MEMBERS_TABLE)
            moved = [r for r in members.values() if r.get("moved_to") or r.get("moved_from")]
            if name == "orchard":  # Pia moved from Orchard to Harbour, history linked
                assert [r["status"] for r in moved] == ["moved"]
            elif name == "harbour":
                assert [(r["status"], r["moved_from"]["index"] >= 0) for r in moved] == [
                    ("member", True)
                ]
            else:
                assert moved == []
            if name != "riverside":  # the two others carry Riverside's network campaign
                (copy,) = store.projection_table(CARRIED).values()
                assert copy["status"] == "open" and copy["pledgers"] in (2, 3)
        finally:
            store.engine.dispose()
    store = open_store(str(tmp_path / ALLIANCE))
    try:
        (vote,) = store.projection_table(NETWORK_VOTES).values()
        assert vote["phase"] == "closed"
        # Chen is a member of Riverside and Harbour and voted in both: counted once.
        people = {member for _title, members in MEMBERS.values() for member in members}
        assert len(people) == sum(len(m) for _t, m in MEMBERS.values()) - 1
        assert vote["result"]["participating"] == vote["result"]["electorate"] == len(people)
        assert vote["result"]["counts"] == {"yes": 7, "no": 4, "abstain": 1}
        (shared,) = vote["result"]["duplicates"]
        assert len(shared["also_in"]) == 1
        assert verify_log(store, default_registry(), compare_with=store).ok
    finally:
        store.engine.dispose()
