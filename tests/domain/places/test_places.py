"""Places: registered, described anew and closed by stewards; every bad member refused with its
code and nothing logged; what funded a place followed back through the log; the footprint."""

from __future__ import annotations

from decimal import Decimal

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.domain.errors import InvalidBody
from commonweal.domain.places.location import degrees_text, micro_degrees
from commonweal.domain.places.records import PLACES, footprint
from commonweal.node.kernel.errors import Rejected
from tests.commons import register as register_resource
from tests.commons import verified
from tests.community import Community
from tests.governance import admit, draft
from tests.mutual import funded, launch, pledge, run_due
from tests.places import CLOSED, REGISTERED, UPDATED, place_body, register_place


def place(community: Community, place_id: int) -> dict:
    record: dict = community.node.state.get(PLACES, place_id)
    return record


def test_a_steward_registers_a_place_and_replay_agrees(community: Community) -> None:
    hub = register_place(community)
    record = place(community, hub)
    assert record["location"] == {"lat": "38.7223", "lon": "-9.1393"}
    assert (record["area_m2"], record["capacity"], record["tenure"]) == (
        850,
        {"beds": 12, "seats": 40},
        "owned",
    )
    assert record["closed"] is None and record["registered_by"] == community.did("alice")
    assert verified(community)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"location": {"lat": "90.000001", "lon": "0"}}, "invalid_coordinates"),
        ({"location": {"lat": "-91", "lon": "0"}}, "invalid_coordinates"),
        ({"location": {"lat": "10", "lon": "180.5"}}, "invalid_coordinates"),
        ({"location": {"lat": "10", "lon": "-181"}}, "invalid_coordinates"),
        ({"location": {"lat": "1e2", "lon": "0"}}, "invalid_coordinates"),
        ({"location": {"lat": "10.1234567", "lon": "0"}}, "invalid_coordinates"),
        ({"location": {"lat": 38, "lon": 9}}, "invalid_coordinates"),
        ({"location": "38.7,-9.1"}, "invalid_coordinates"),
        ({"area_m2": -1}, "negative_area"),
        ({"area_m2": "850"}, "invalid_body"),
        ({"tenure": "squatted"}, "unknown_tenure"),
        ({"tenure": "co_owned"}, "invalid_shares"),
        ({"tenure": "co_owned", "shares": {"held": 5, "of": 4}}, "invalid_shares"),
        ({"shares": {"held": 1, "of": 4}}, "invalid_shares"),
        ({"kind": "castle"}, "invalid_body"),
        ({"since": "2024-02-30"}, "invalid_body"),
        ({"since": "May 2024"}, "invalid_body"),
        ({"capacity": {"beds": -2}}, "invalid_body"),
        ({"resources": [999]}, "unknown_resource"),
        ({"funding": {"campaign": 999}}, "unknown_funding"),
        ({"funding": {"proposal": 999}}, "unknown_funding"),
        ({"funding": {"entry": 999}}, "unknown_funding"),
        ({"funding": {}}, "invalid_body"),
        ({"name": None}, "invalid_body"),
        ({"colour": "green"}, "invalid_body"),
    ],
)
def test_a_bad_place_is_refused_with_its_code_and_nothing_logged(
    community: Community, changes: dict, code: str
) -> None:
    size = community.node.store.count_entries()
    assert community.refused("alice", REGISTERED, place_body(**changes)) == code
    assert community.node.store.count_entries() == size
    assert list(community.node.state.items(PLACES)) == []


def test_a_float_coordinate_never_reaches_the_rules(community: Community) -> None:
    event = community.events.event(
        "alice", type=REGISTERED, body=place_body(location={"lat": 38.7223, "lon": "-9.1393"})
    )
    with pytest.raises(Rejected) as refusal:
        community.node.submit(orjson.dumps(event))
    assert refusal.value.code == "float_not_allowed"


def test_only_stewards_and_the_node_register_update_and_close(community: Community) -> None:
    admit(community, "dana")
    assert community.refused("dana", REGISTERED, place_body()) == "forbidden"
    hub = register_place(community)
    assert community.refused("dana", UPDATED, {"place": hub, "area_m2": 900}) == "forbidden"
    assert community.refused("dana", CLOSED, {"place": hub}) == "forbidden"
    community.node.submit_as_node(REGISTERED, place_body(name="By decision"))
    assert len(list(community.node.state.items(PLACES))) == 2


def test_an_update_changes_what_it_names_and_a_closed_place_stays_closed(
    community: Community,
) -> None:
    hub = register_place(community)
    assert community.refused("bob", UPDATED, {"place": hub}) == "invalid_body"
    assert community.refused("bob", UPDATED, {"place": hub, "area_m2": -5}) == "negative_area"
    assert community.refused("bob", UPDATED, {"place": hub, "tenure": "co_owned"}) == (
        "invalid_shares"
    )
    assert community.refused("bob", UPDATED, {"place": 12345, "area_m2": 5}) == "not_found"
    shares = {"held": 1, "of": 4}
    community.act("bob", UPDATED, {"place": hub, "tenure": "co_owned", "shares": shares})
    assert (place(community, hub)["tenure"], place(community, hub)["shares"]) == (
        "co_owned",
        shares,
    )
    community.act("bob", UPDATED, {"place": hub, "tenure": "leased", "capacity": {"seats": 45}})
    assert place(community, hub)["capacity"] == {"beds": 12, "seats": 45}  # beds unchanged
    assert place(community, hub)["shares"] is None and place(community, hub)["name"] == (
        "Riverside hub"
    )
    community.act("carol", CLOSED, {"place": hub, "reason": "The lease ended."})
    assert place(community, hub)["closed"]["reason"] == "The lease ended."
    assert community.refused("bob", CLOSED, {"place": hub}) == "place_closed"
    assert community.refused("bob", UPDATED, {"place": hub, "area_m2": 5}) == "place_closed"
    assert verified(community)


def test_crowdfund_the_land_a_campaign_its_ledger_entry_and_the_place(
    community: Community,
) -> None:
    funded(community, "alice", "bob")
    land = launch(community, goal=1000, beneficiary=community.node.identity.did)
    pledge(community, "bob", land, 1000)
    body = place_body(kind="land", funding={"campaign": land})
    assert community.refused("alice", REGISTERED, body) == "not_funded"  # still open
    community.clock.advance(days=31)
    assert run_due(community) == ["campaigns.campaign.closed"]
    [collected] = [
        index
        for index, entry in community.node.state.items("treasury.entries")
        if entry["type"] == "campaigns.campaign.closed"
    ]
    meadow = register_place(community, kind="land", funding={"campaign": land, "entry": collected})
    assert place(community, meadow)["funding"] == {"campaign": land, "entry": collected}
    proposal = draft(community)
    assert (
        community.refused("alice", REGISTERED, place_body(funding={"proposal": proposal}))
        == "not_funded"
    )
    assert verified(community)


def test_a_place_holds_registered_shared_resources(community: Community) -> None:
    garden = register_resource(community, title="Garden plots", kind="land")
    tools = register_resource(community, title="Tool library", kind="tool")
    hub = register_place(community, resources=[tools, garden])
    assert place(community, hub)["resources"] == sorted([tools, garden])
    assert community.refused("alice", REGISTERED, place_body(resources=[tools, tools])) == (
        "invalid_body"
    )


def test_the_footprint_counts_places_still_held(community: Community) -> None:
    register_place(community)  # owned, 850 m², 12 beds, 40 seats
    register_place(
        community,
        kind="land",
        area_m2=20_000,
        capacity=None,
        tenure="co_owned",
        shares={"held": 1, "of": 4},
    )
    shared = register_place(
        community, kind="building", area_m2=300, tenure="shared", capacity={"seats": 60}
    )
    gone = register_place(community, area_m2=99, tenure="leased")
    community.act("alice", CLOSED, {"place": gone})
    totals = footprint(community.node.state)
    assert totals["places"] == 3
    assert totals["area_m2"] == 850 + 20_000 + 300
    assert totals["held_area_m2"] == 850 + 5_000  # a quarter of the land, none of the shared
    assert (totals["beds"], totals["seats"]) == (12, 100)
    assert totals["by_tenure"] == {
        "owned": {"places": 1, "area_m2": 850},
        "co_owned": {"places": 1, "area_m2": 20_000},
        "shared": {"places": 1, "area_m2": 300},
    }
    assert totals["by_kind"]["land"] == {"places": 1, "area_m2": 20_000}
    assert shared in dict(community.node.state.items(PLACES))


@given(st.decimals(min_value=-90, max_value=90, places=6, allow_nan=False))
def test_micro_degrees_agree_with_decimal_arithmetic(value: Decimal) -> None:
    text = format(value, "f")
    micro = micro_degrees(text, "lat")
    assert micro == int(value * 1_000_000)  # an independent, exact reading
    assert Decimal(degrees_text(micro)) == value
    assert micro_degrees(degrees_text(micro), "lat") == micro


def test_coordinates_at_the_edges() -> None:
    assert micro_degrees("90", "lat") == 90_000_000
    assert micro_degrees("-180.000000", "lon") == -180_000_000
    assert degrees_text(-500_000) == "-0.5" and degrees_text(0) == "0"
    for bad in ("90.0000001", "+10", "10.", ".5", " 10", "-0.0000001x"):
        with pytest.raises(InvalidBody):
            micro_degrees(bad, "lat")


def test_a_passed_decision_registers_a_place_once_the_constitution_allows_it(
    community: Community,
) -> None:
    from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
    from tests.domain.governance.test_decisions import executions, passed

    action = {"type": "places.register", **place_body(name="Bought by vote", kind="land")}
    body = {"kind": "spending", "title": "Buy it", "text": "x", "actions": [action]}
    assert community.refused("alice", "governance.proposal.drafted", body) == (
        "action_not_allowed"  # the default constitution allows it in no kind
    )
    spending = DEFAULT_CONSTITUTION["kinds"]["spending"]
    amended = {
        **DEFAULT_CONSTITUTION,
        "kinds": {
            **DEFAULT_CONSTITUTION["kinds"],
            "spending": {**spending, "actions": [*spending["actions"], "places.register"]},
        },
    }
    passed(community, "amend", [{"type": "constitution.amend", "constitution": amended}])
    bad = {**action, "location": {"lat": "95", "lon": "0"}}
    refused = community.refused("alice", "governance.proposal.drafted", {**body, "actions": [bad]})
    assert refused == "invalid_body"  # the action's body is checked when it is drafted
    decided = passed(community, "spending", [action])
    assert executions(community, decided) == [("done", "")]
    [bought] = [p for _k, p in community.node.state.items(PLACES)]
    assert (
        bought["name"] == "Bought by vote"
        and bought["registered_by"] == community.node.identity.key_did
    )
    assert verified(community)
