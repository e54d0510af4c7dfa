"""The network demo: three nodes and an alliance, recognised by decision, with a counted vote."""

from __future__ import annotations

from pathlib import Path

import orjson

from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey
from commonweal.core.rfc3339 import format_utc
from commonweal.demo.alliance import Alliance
from commonweal.demo.network import (
    ALLIANCE,
    ALLIANCE_NAME,
    MEMBERS,
    OPEN_CALL,
    Community,
    alliance_recognition,
    create_network,
    keep_a_vote_open,
)
from commonweal.demo.seed import NAME, create_demo
from commonweal.domain.campaigns.carried import CARRIED
from commonweal.domain.catalog import default_registry
from commonweal.domain.census.records import CENSUSES
from commonweal.domain.federation import precincts
from commonweal.domain.federation.alliance import NETWORK_VOTES
from commonweal.domain.federation.standing import RECOGNITIONS
from commonweal.domain.membership.records import ACTIVE
from commonweal.domain.membership.records import MEMBERS as MEMBERS_TABLE
from commonweal.domain.membership.records import MEMBERS as MEMBER_TABLE
from commonweal.node.kernel.setup import open_store, read_key_file
from commonweal.node.kernel.verify import verify_log
from commonweal.node.read_models import federation_precincts as precinct_views


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
                assert moved[0]["moved_from"]["credential"] is True  # on her home credential
            else:
                assert moved == []
            censuses = store.projection_table(CENSUSES)
            assert sorted(censuses) == [1, 2, 3, 4]  # at least three epochs per node
            reasons = [censuses[e]["body"]["reason"] for e in sorted(censuses)]
            assert reasons == ["scheduled", "scheduled", "requested", "scheduled"]
            members = len(MEMBERS[name][1])
            moved_in = {"orchard": -1, "harbour": 1}.get(name, 0)  # Pia, before epoch 4
            counted = [censuses[e]["body"]["figures"]["members"] for e in sorted(censuses)]
            assert counted == [members, members, members, members + moved_in]
            assert censuses[2]["body"]["figures"]["active"] == members  # all voted to join
            if name != "riverside":  # the two others carry Riverside's network campaign
                (copy,) = store.projection_table(CARRIED).values()
                assert copy["status"] == "open" and copy["pledgers"] in (2, 3)
        finally:
            store.engine.dispose()
    store = open_store(str(tmp_path / ALLIANCE))
    try:
        votes = store.projection_table(NETWORK_VOTES)
        vote, still_open = (votes[k] for k in sorted(votes, key=lambda k: int(str(k))))
        assert still_open["phase"] == "voting"  # for the demo's members to cast
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


def test_the_community_node_joins_the_alliance_and_its_members_can_vote(tmp_path: Path) -> None:
    """``make demo``: the community on port 8000 is a member node of the demo alliance,
    recognises it by a passed proposal, and has its precinct of the open vote open."""
    key = SigningKey.generate()
    community = Community(key, "http://127.0.0.1:8000", NAME)
    create_network(tmp_path / "network", 8150, community)
    assert keep_a_vote_open(tmp_path / "network") is None  # one is open already
    alliance = Alliance(
        alliance_recognition(tmp_path / "network", ALLIANCE_NAME), tmp_path / "network" / ALLIANCE
    )
    node = create_demo(tmp_path / "main", community.url, node_key=key, alliance=alliance)
    try:
        hub = node.state  # the community's own state
        (record,) = [r for _d, r in hub.items(RECOGNITIONS) if r["terms"]["alliance"]]
        assert record["node"] == alliance.recognition["node"] and record["status"] == "recognized"
        (precinct,) = precinct_views.open_precincts(node)
        assert precinct["title"] == OPEN_CALL[0] and precinct["alliance_name"] == ALLIANCE_NAME
        amara = read_key_file(tmp_path / "main" / "members" / "amara.key", None)
        event = sign_event(
            amara,
            type=precincts.BALLOT_CAST,
            node=node.identity.did,
            seq=node.state.get("log.authors", did_key_from_public_key(amara.public_key), 0) + 1,
            at=format_utc(node.clock()),
            body={"precinct": precinct["id"], "ballot": {"choice": "yes"}},
        )
        node.submit(orjson.dumps(event))
        assert precinct_views.precinct_page(node, precinct["id"])["cast"] == 1
    finally:
        node.close()
    store = open_store(str(tmp_path / "network" / ALLIANCE))
    try:
        members = store.projection_table(MEMBER_TABLE)
        assert members[community.identity.key_did]["status"] == ACTIVE
    finally:
        store.engine.dispose()
