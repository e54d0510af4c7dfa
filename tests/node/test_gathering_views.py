"""What the gathering pages read: places and the waitlist as the member sees them, when
self check-in opens, the credential a confirmed attendance brings, and the organiser's sheet."""

from __future__ import annotations

import pytest

from commonweal.domain.gatherings.records import claim_proof, code_hash
from commonweal.node.kernel.errors import Rejected
from commonweal.node.read_models import gatherings as gathering_views
from tests.commons import at, verified
from tests.community import Community
from tests.governance import admit

CODE = "RIVR-7KQ3-M9XA"


def test_a_gathering_as_each_member_sees_it(community: Community) -> None:
    admit(community, "dana", "erin")
    body = {
        "title": "Seed swap",
        "starts": at(community, hours=5),
        "ends": at(community, hours=7),
        "capacity": 2,
        "checkin_code_hash": code_hash(CODE),
        "organisers": [community.did("bob")],
    }
    swap = community.act("alice", "gatherings.gathering.scheduled", body).index
    for name in ("alice", "carol", "dana", "erin"):
        community.act(name, "gatherings.rsvp.given", {"gathering": swap, "response": "yes"})
    node = community.node

    def page(name: str) -> dict[str, object]:
        return gathering_views.gathering_page(node, swap, community.did(name))

    erin = page("erin")
    assert (erin["phase"], erin["places_left"], erin["waitlist_place"]) == ("upcoming", 0, 2)
    assert erin["my_words"] == "You are on the waitlist" and erin["keeps_waitlist"]
    assert not erin["self_checkin_open"]
    assert page("bob")["is_organiser"] and not page("carol")["is_organiser"]
    listing = gathering_views.listing_page(node, "upcoming", community.did("dana"))
    assert [(g["title"], g["my_rsvp"]) for g in listing["gatherings"]] == [
        ("Seed swap", "waitlisted")
    ]
    community.act("carol", "gatherings.rsvp.given", {"gathering": swap, "response": "no"})
    assert page("dana")["my_words"] == "You are going"  # first on the waitlist took the place
    assert page("erin")["waitlist_place"] == 1
    community.clock.advance(hours=4, minutes=1)  # check-in opens an hour before the start
    assert page("dana")["self_checkin_open"]
    proof = claim_proof(CODE, node.identity.did, swap, community.did("dana"))
    community.act("dana", "gatherings.checkin.claimed", {"gathering": swap, "proof": proof})
    dana = page("dana")
    assert dana["attended"]["status"] == "claimed" and dana["credential"] is None
    assert "confirmed when the organiser reveals it" in str(dana["attended_words"])
    community.act(
        "bob",
        "gatherings.attendee.checked_in",
        {"gathering": swap, "member": community.did("alice")},
    )
    sheet = gathering_views.checkin_page(node, swap, community.did("bob"))
    assert sheet["window"] == "open" and [c["member"] for c in sheet["claims"]] == [
        community.did("dana")
    ]
    assert [row["rsvp"] for row in sheet["sheet"]][:2] == ["going", "going"]
    assert sheet["sheet"][-1]["rsvp"] in (None, "not_going")
    assert not sheet["may_reveal"]
    with pytest.raises(Rejected) as refused:
        gathering_views.checkin_page(node, swap, community.did("dana"))
    assert refused.value.code == "forbidden"
    community.clock.advance(hours=3)
    assert gathering_views.checkin_page(node, swap, community.did("bob"))["may_reveal"]
    community.act("bob", "gatherings.code.revealed", {"gathering": swap, "code": CODE})
    dana = page("dana")
    assert dana["phase"] == "over" and dana["attended"]["status"] == "confirmed"
    assert dana["credential"] == 2  # after her membership credential
    assert {a["member"] for a in dana["confirmed"]} == {community.did(n) for n in ("dana", "alice")}
    past = gathering_views.listing_page(node, "past", community.did("dana"))["gatherings"]
    assert past[0]["my_attendance"] == "confirmed"
    assert verified(community)
