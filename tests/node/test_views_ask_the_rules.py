"""The pages offer an action exactly when the node would accept its event.

For each flag a page's read-model sets by asking the rules (``node.dry_run``), one viewer
the rule lets act and one it refuses: the page shows the action to the first, and the
node then accepts it; it hides it from the second, and the node refuses the same event
(``Community.refused``, which leaves the state as it was).
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.gatherings.records import code_hash
from commonweal.node.read_models import aid as aid_views
from commonweal.node.read_models import campaigns as campaign_views
from commonweal.node.read_models import commons as commons_views
from commonweal.node.read_models import commons_sanctions as commons_sanction_views
from commonweal.node.read_models import credit as credit_views
from commonweal.node.read_models import gatherings as gathering_views
from commonweal.node.read_models import standing
from tests.commons import at, register
from tests.community import Community
from tests.governance import admit
from tests.mutual import funded, launch, pledge, post


def shown(page: dict[str, Any]) -> set[str]:
    """The flags a page sets to True (``may_*``, ``can_*``)."""
    return {k for k, v in page.items() if k.startswith(("may_", "can_")) and v is True}


def test_an_aid_post_offers_each_party_what_the_rules_allow(community: Community) -> None:
    admit(community, "dana", "erin")
    request = post(community, "dana")
    node = community.node

    def page(name: str) -> set[str]:
        return shown(aid_views.post_page(node, request, community.did(name)))

    assert page("erin") == {"may_take_up"}
    assert page("dana") == {"may_withdraw"}  # the author: not take up their own post
    assert community.refused("dana", "aid.request.answered", {"request": request}) == "own_post"
    assert shown(aid_views.post_page(node, request, None)) == set()
    community.act("erin", "aid.request.answered", {"request": request})  # offered, accepted
    parties = {"may_release", "may_fulfil", "may_message"}
    assert page("dana") == parties | {"may_settle", "may_withdraw"}
    assert page("erin") == parties  # the helper neither settles nor withdraws it
    assert community.refused("erin", "aid.post.settled", {"post": request, "as": "gift"}) == (
        "not_recipient"
    )
    assert page("carol") == set()  # a stranger to it: nothing, not even taking it up
    assert community.refused("carol", "aid.claim.released", {"post": request}) == "not_party"
    community.act("dana", "aid.post.settled", {"post": request, "as": "gift"})
    assert page("dana") == set() and page("erin") == set()


def test_an_obligation_is_settled_by_its_debtor_and_forgiven_by_its_creditor(
    community: Community,
) -> None:
    admit(community, "dana", "erin")
    funded(community)
    owed = community.act(
        "dana",
        "credit.obligation.recorded",
        {"creditor": community.did("erin"), "unit": "RVC", "amount": 300},
    ).index

    def flags(name: str | None) -> set[str]:
        viewer = community.did(name) if name else None
        page = credit_views.unit_page(community.node, "RVC", viewer)
        return shown(next(r for r in page["open"] + page["closed"] if r["id"] == owed))

    assert flags("dana") == {"may_settle"}
    assert flags("erin") == {"may_forgive"}
    assert flags("carol") == set() and flags(None) == set()
    assert community.refused("erin", "credit.obligation.settled", {"obligation": owed}) == (
        "not_author"
    )
    assert community.refused("dana", "credit.obligation.forgiven", {"obligation": owed}) == (
        "not_author"
    )
    community.act("dana", "credit.obligation.settled", {"obligation": owed, "amount": 100})
    community.act("erin", "credit.obligation.forgiven", {"obligation": owed})
    assert flags("dana") == flags("erin") == set()  # closed: neither is offered


def test_a_campaign_offers_pledging_to_who_can_pay_and_cancelling_to_its_author(
    community: Community,
) -> None:
    admit(community, "dana", "erin")
    funded(community, "dana")  # erin holds no EUR
    campaign = launch(community, "alice")
    node = community.node

    def page(name: str) -> dict[str, Any]:
        return campaign_views.campaign_page(node, campaign, community.did(name))

    assert shown(page("dana")) == {"may_pledge"}
    erin = page("erin")
    assert shown(erin) == set() and "too little EUR" in erin["pledge_refusal"]
    home = node.identity.did
    assert community.refused(
        "erin", "campaigns.pledge.made", {"campaign": campaign, "home": home, "amount": 1}
    ) == ("insufficient_funds")
    assert "may_cancel" in shown(page("alice"))
    assert community.refused("dana", "campaigns.campaign.cancelled", {"campaign": campaign}) == (
        "not_author"
    )
    pledge(community, "dana", campaign, 500)
    assert shown(page("dana")) == {"may_pledge", "may_add", "may_withdraw"}
    assert page("dana")["pledge_refusal"] is None
    assert community.refused("erin", "campaigns.pledge.withdrawn", {"campaign": campaign}) == (
        "no_pledge"
    )
    community.act("dana", "campaigns.pledge.withdrawn", {"campaign": campaign})
    community.act("alice", "campaigns.campaign.cancelled", {"campaign": campaign})
    assert shown(page("alice")) == set() and shown(page("dana")) == set()


def test_a_gathering_takes_rsvps_from_whom_the_rules_let_attend(community: Community) -> None:
    admit(community, "dana")
    community.apply("gus")  # an applicant: not yet a member
    body = {
        "title": "Seed swap",
        "starts": at(community, hours=5),
        "ends": at(community, hours=7),
        "checkin_code_hash": code_hash("SEED-SWAP"),
    }
    swap = community.act("alice", "gatherings.gathering.scheduled", body).index
    node = community.node
    assert gathering_views.gathering_page(node, swap, community.did("dana"))["may_rsvp"]
    assert not gathering_views.gathering_page(node, swap, community.did("gus"))["may_rsvp"]
    yes = {"gathering": swap, "response": "yes"}
    assert community.refused("gus", "gatherings.rsvp.given", yes) == "not_a_member"
    community.act("dana", "gatherings.rsvp.given", yes)
    assert gathering_views.gathering_page(node, swap, community.did("dana"))["may_rsvp"]  # "no"
    community.clock.advance(hours=8)  # over: the rule takes no more answers
    assert not gathering_views.gathering_page(node, swap, community.did("dana"))["may_rsvp"]
    assert community.refused("dana", "gatherings.rsvp.given", yes) == "too_late"


def test_the_commons_pages_offer_reports_entries_and_appeals_as_the_rules_allow(
    community: Community,
) -> None:
    admit(community, "dana", "erin")
    community.act("alice", "membership.role.defined", {"name": "gardener", "permissions": []})
    shed = register(community, title="Tool shed", access={"role": "gardener"})
    community.act(
        "alice", "membership.role.granted", {"member": community.did("dana"), "role": "gardener"}
    )
    node = community.node

    def resource(name: str) -> dict[str, Any]:
        return commons_views.resource_page(node, shed, community.did(name))

    assert resource("dana")["may_report"] and resource("bob")["may_report"]  # a user, a steward
    assert not resource("erin")["may_report"]  # no gardener role: no rights to it
    report = {"resource": shed, "condition": "good"}
    assert community.refused("erin", "commons.condition.reported", report) == "role_required"
    community.act("dana", "commons.condition.reported", report)

    bikes = register(community, title="Cargo bikes", allocation="lottery", units=1)
    opening = {
        "resource": bikes,
        "start": at(community, days=3),
        "end": at(community, days=4),
        "closes": at(community, days=1),
    }
    season = community.act("alice", "commons.round.opened", opening).index
    assert commons_views.round_page(node, season, community.did("dana"))["refusal"] is None
    community.act("dana", "commons.round.entered", {"round": season})
    again = commons_views.round_page(node, season, community.did("dana"))
    assert again["entered"]
    refusal = commons_views.round_page(node, season, community.did("gus"))["refusal"]
    assert refusal is not None and refusal["code"] == "not_a_member"

    breach = {"resource": shed, "member": community.did("dana"), "rule": "Back by dusk"}
    warning = community.act("bob", "commons.breach.reported", breach).index

    def line(name: str) -> dict[str, Any]:
        page = commons_sanction_views.sanction_page(node, warning, community.did(name))
        return page["sanction"]  # type: ignore[no-any-return]

    assert line("dana")["can_appeal"] and not line("erin")["can_appeal"]
    appeal = {"sanction": warning, "grounds": "I returned it on time."}
    assert community.refused("erin", "commons.appeal.filed", appeal) == "not_sanctioned"
    community.act("dana", "commons.appeal.filed", appeal)
    assert not line("dana")["can_appeal"]  # once only
    assert line("alice")["can_decide"]  # a steward who had no part in it
    assert not line("bob")["can_decide"] and "another steward" in line("bob")["decide_refusal"]
    decision = {"sanction": warning, "outcome": "overturned", "reason": "It was on time."}
    assert community.refused("bob", "commons.appeal.decided", decision) == "not_impartial"
    community.act("alice", "commons.appeal.decided", decision)


def test_the_member_page_offers_vouching_to_members_who_may_vouch(community: Community) -> None:
    community.apply("gus")
    gus = community.did("gus")
    node = community.node
    assert standing.application_actions(node, community.did("alice"), gus)["may_vouch"]
    assert not standing.application_actions(node, gus, gus)["may_vouch"]  # not for oneself
    assert community.refused("gus", "membership.vouch.given", {"applicant": gus}) in (
        "self_vouch",
        "not_a_member",
    )
    assert standing.application_actions(node, None, gus) == {
        "may_vouch": False,
        "may_approve": False,
        "may_decline": False,
    }
    community.act("alice", "membership.vouch.given", {"applicant": gus})
    assert not standing.application_actions(node, community.did("alice"), gus)["may_vouch"]
    assert community.refused("alice", "membership.vouch.given", {"applicant": gus}) == (
        "already_vouched"
    )
