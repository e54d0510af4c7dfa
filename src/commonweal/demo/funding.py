"""The demo's mutual-aid and funding chapter: help asked and given, campaigns, rounds, a pool.

Early in Riverside Commons' two months, members ask for and offer help (a lift
to the hospital settled in time-bank hours, soup given as a gift, a move paid in
Riverside credit; messages between the parties go through the node, never into
the log), crowdfund the barn roof (it succeeds), try a dominant assurance
contract for a street mural (it fails: everyone is refunded with a bonus), pledge
to car-free Sundays, and start crowdfunding the riverside meadow (still open). The
assembly decides, by a spending proposal, to match members' gifts from the
treasury in two quadratic-funding rounds: the spring round shares its matching
pool among spring projects and closes; the autumn round is still open. A
conviction-voting pool pays for seeds once enough members have stood behind the
request for long enough.

Every euro here is in the treasury's ledger: members pledge, contribute and fund
the pool from the money they paid into their accounts in the treasury chapter;
pledges wait in each campaign's escrow account until it closes; the mural's author
escrows its bonuses at launch; the rounds' pools leave the general treasury only
when the decision is executed; the time-bank hours and Riverside credit move
between members' accounts, into credit within their limits.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from commonweal.core.commitment import commitment, new_salt
from commonweal.core.rfc3339 import format_utc, parse_utc
from commonweal.node.kernel.service import Receipt
from commonweal.node.services import aid, campaigns, governance
from commonweal.node.services import funding as rounds

if TYPE_CHECKING:
    from commonweal.demo.seed import Story

HANA = "hana-new-phone"
CREDIT = "RVC"
"""Riverside credit, the community's mutual-credit unit."""
CENTRE, NORTH, EAST, SOUTH = "u33dc", "u33df", "u33dd", "u33d9"


def tell(story: Story) -> None:
    """The chapter, about twelve days of the community's life."""
    matching = _propose_matching(story)
    _pool(story)
    roof, mural, sundays = _campaigns(story)
    _aid(story)
    _tick(story)
    _meadow(story)
    _wait_until(story, max(_deadline(story, c) for c in (roof, mural, sundays)))
    _tick(story)
    spring, autumn = _decide_matching(story, matching)
    _spring_projects(story, spring)
    _autumn_projects(story, autumn)
    _wait_until(story, story.node.state.get("funding.rounds", spring)["closes"])
    _tick(story)


def recent(story: Story) -> None:
    """The last few hours: Dalia answers Amara's childcare request and they write to each
    other; Amara, her points freed by the seeds' payout, stands behind the repair café's
    spare parts, which should now pass in a few days; Ivo needs his brakes fixed."""
    with story.node.reading() as state:
        childcare = next(
            int(post["id"])
            for _id, post in state.items("aid.posts")
            if post["author"] == story.did("amara") and post["category"] == "childcare"
        )
        parts = next(
            int(proposal["id"])
            for _id, proposal in state.items("funding.proposals")
            if proposal["title"].startswith("Spare parts")
        )
    _act(story, "dalia", "aid.request.answered", {"request": childcare})
    _message(story, "dalia", childcare, "amara", "I can take Tuesdays. How old are the children?")
    _message(
        story, "amara", childcare, "dalia", "Four and six. Could we meet first, at the garden?"
    )
    _act(story, "amara", "funding.stake.set", {"proposal": parts, "amount": 600})
    _post(
        story,
        "ivo",
        "request",
        "My bike's brakes squeal and barely stop",
        "repairs",
        EAST,
        urgency="high",
        when="Before Friday, I cycle to work",
    )


def _tick(story: Story) -> None:
    """The node logs what is due: votes opening and closing (and their decisions executed),
    campaigns closing, rounds closing, proposals passing."""
    governance.run_due(story.node)
    campaigns.run_due(story.node)
    rounds.run_due(story.node)


def _act(story: Story, name: str, event_type: str, body: dict[str, Any]) -> Receipt:
    receipt = story.act(name, event_type, body, minutes=25)
    _tick(story)
    return receipt


def _in(story: Story, days: float) -> str:
    return format_utc(story.clock.now + timedelta(days=days))


def _from_now(days: float) -> str:
    return format_utc(datetime.now(UTC) + timedelta(days=days))


def _deadline(story: Story, campaign: int) -> str:
    deadline: str = story.node.state.get("campaigns.campaigns", campaign)["deadline"]
    return deadline


def _wait_until(story: Story, moment: str) -> None:
    """Let time pass until ``moment``, the node doing each hour what falls due (as it does
    every second when it serves), so pool proposals are paid when they pass."""
    target = parse_utc(moment) + timedelta(seconds=60)
    while story.clock.now < target:
        story.clock.later(seconds=min((target - story.clock.now).total_seconds(), 3600))
        _tick(story)


# -- mutual aid -------------------------------------------------------------------------


def _aid(story: Story) -> None:
    lift = _post(
        story,
        "dalia",
        "request",
        "Lift to the hospital on Thursday morning",
        "transport",
        CENTRE,
        urgency="urgent",
        when="Thursday, 8:30",
    )
    _act(story, "bruno", "aid.request.answered", {"request": lift})
    _message(story, "bruno", lift, "dalia", "I can take you. Which entrance do you need?")
    _message(story, "dalia", lift, "bruno", "The east entrance, thank you!")
    _act(story, "bruno", "aid.post.fulfilled", {"post": lift})
    _act(story, "dalia", "aid.post.settled", {"post": lift, "as": "hours", "minutes": 90})

    soup = _post(
        story,
        "chen",
        "offer",
        "Soup for four, Friday evening",
        "food",
        SOUTH,
        when="Friday from 18:00",
    )
    _act(story, HANA, "aid.offer.claimed", {"offer": soup})
    _message(story, HANA, soup, "chen", "Could I pick it up at half six?")
    _act(story, HANA, "aid.post.settled", {"post": soup, "as": "gift"})

    sofa = _post(
        story,
        "emil",
        "request",
        "Two hands to move a sofa upstairs",
        "transport",
        EAST,
        urgency="normal",
        when="Saturday afternoon",
    )
    _act(story, "farah", "aid.request.answered", {"request": sofa})
    _act(
        story,
        "emil",
        "aid.post.settled",
        {"post": sofa, "as": "credit", "amount": 1500, "unit": CREDIT},
    )

    tools = _post(story, "chen", "offer", "Lend: ladder, drill and sander", "tools", SOUTH)
    _act(story, "emil", "aid.offer.claimed", {"offer": tools})
    _message(story, "emil", tools, "chen", "Just the ladder, for the weekend please.")

    _post(
        story,
        "amara",
        "request",
        "Childcare on Tuesday mornings",
        "childcare",
        CENTRE,
        urgency="high",
        when="Tuesdays 9-12, for March",
    )
    _post(story, "dalia", "offer", "Childcare swap, Tuesdays or Thursdays", "childcare", NORTH)
    _post(
        story,
        "farah",
        "offer",
        "A spare room for a week",
        "housing",
        NORTH,
        details="Quiet, first floor, shared kitchen.",
    )
    _post(
        story,
        "bruno",
        "offer",
        "Bike repairs on Saturdays",
        "repairs",
        CENTRE,
        when="Saturdays 10-14 at the workshop",
    )
    _post(
        story,
        HANA,
        "request",
        "Someone to walk my dog while my wrist heals",
        "care",
        EAST,
        urgency="normal",
        when="Weekday mornings",
    )
    _post(story, "emil", "request", "Help with a tax form in German", "skills", "", urgency="low")


def _post(
    story: Story, name: str, kind: str, title: str, category: str, area: str, **extra: Any
) -> int:
    body = {"title": title, "category": category, **extra}
    if area:
        body["area"] = area
    return _act(story, name, f"aid.{kind}.posted", body).index


def _message(story: Story, sender: str, post: int, recipient: str, text: str) -> None:
    message, salt = {"text": text}, new_salt()
    body = {"post": post, "to": story.did(recipient), "commitment": commitment(message, salt)}
    aid.relay(story.node, story.event(sender, "aid.message.relayed", body), message, salt)
    story.clock.later(minutes=20)


# -- campaigns --------------------------------------------------------------------------


def _campaigns(story: Story) -> tuple[int, int, int]:
    home = story.node.identity.did
    roof = _act(
        story,
        "bruno",
        "campaigns.campaign.launched",
        {
            "kind": "all_or_nothing",
            "title": "Fix the barn roof before the spring rains",
            "description": "Slates, battens and a scaffold for a week. Collected only if we "
            "reach the goal; otherwise everyone is refunded.",
            "deadline": _in(story, 3),
            "unit": "EUR",
            "goal": 300_000,
            "beneficiary": home,
        },
    ).index
    for name, amount in (
        ("amara", 100_000),
        ("bruno", 80_000),
        ("chen", 50_000),
        ("dalia", 40_000),
        ("farah", 30_000),
        ("emil", 20_000),
    ):
        _act(
            story, name, "campaigns.pledge.made", {"campaign": roof, "home": home, "amount": amount}
        )
    mural = _act(
        story,
        "emil",
        "campaigns.campaign.launched",
        {
            "kind": "dominant_assurance",
            "title": "A street mural on the workshop wall",
            "description": "Ten of us at 80 EUR pays the artist. If we fall short, I refund "
            "everyone and pay each pledger 5 EUR for trying.",
            "deadline": _in(story, 3),
            "unit": "EUR",
            "goal": 80_000,
            "price": 8_000,
            "bonus": 500,
        },
    ).index
    for name in ("amara", "dalia", "farah", HANA):
        _act(
            story, name, "campaigns.pledge.made", {"campaign": mural, "home": home, "amount": 8_000}
        )
    sundays = _act(
        story,
        "farah",
        "campaigns.campaign.launched",
        {
            "kind": "threshold",
            "title": "Car-free Sundays",
            "action": "leave my car at home every Sunday in April",
            "threshold": 5,
            "deadline": _in(story, 3),
        },
    ).index
    for name in ("farah", "amara", "chen", "dalia", HANA, "bruno"):
        _act(story, name, "campaigns.pledge.made", {"campaign": sundays, "home": home})
    return roof, mural, sundays


def _meadow(story: Story) -> None:
    home = story.node.identity.did
    meadow = _act(
        story,
        "amara",
        "campaigns.campaign.launched",
        {
            "kind": "all_or_nothing",
            "title": "Crowdfund the riverside meadow",
            "description": "The two hectares by the river are for sale. Together we can buy them "
            "as a commons: a garden, an orchard, and a place to swim.",
            "deadline": _from_now(21),
            "unit": "EUR",
            "goal": 2_500_000,
            "beneficiary": home,
        },
    ).index
    for name, amount in (
        ("amara", 400_000),
        ("chen", 250_000),
        ("bruno", 150_000),
        ("farah", 300_000),
        ("emil", 60_000),
        ("dalia", 90_000),
    ):
        _act(
            story,
            name,
            "campaigns.pledge.made",
            {"campaign": meadow, "home": home, "amount": amount},
        )
    _act(story, "emil", "campaigns.pledge.withdrawn", {"campaign": meadow})
    _act(
        story, "emil", "campaigns.pledge.made", {"campaign": meadow, "home": home, "amount": 40_000}
    )


# -- rounds and pools -------------------------------------------------------------------


def _propose_matching(story: Story) -> int:
    """Amara proposes that the treasury match members' gifts in two rounds."""
    spring = {
        "type": "funding.round.open",
        "from": "node",
        "title": "Spring projects",
        "description": "The treasury matches members' contributions by quadratic funding: "
        "many small gifts count for more than a few large ones.",
        "unit": "EUR",
        "pool": 60_000,
        "closes": _in(story, 11),
        "method": "capped",
        "cap": 30_000,
    }
    autumn = {
        "type": "funding.round.open",
        "from": "node",
        "title": "Workshop tools for the autumn",
        "description": "Pairwise-bounded QF: pairs who always give together count for less.",
        "unit": "EUR",
        "pool": 60_000,
        "closes": _from_now(10),
        "method": "pairwise",
        "m": 2_000,
        "spend_whole_pool": True,
    }
    body = {
        "kind": "spending",
        "topic": "money",
        "title": "Match members' gifts to spring and autumn projects",
        "text": "Open two quadratic-funding rounds, each matched with 600 euros from the "
        "general treasury; what the matches leave comes back to it.",
        "actions": [spring, autumn],
    }
    proposal = _act(story, "amara", "governance.proposal.drafted", body).index
    _act(story, "amara", "governance.proposal.submitted", {"proposal": proposal})
    return proposal


def _decide_matching(story: Story, proposal: int) -> tuple[int, int]:
    """The vote on the matching proposal; the node opens both rounds when it passes."""
    _wait_until(story, _record(story, proposal)["discussion_until"])
    _tick(story)
    for name, choice in (("bruno", "yes"), ("chen", "yes"), ("dalia", "yes"), ("farah", "no")):
        ballot = {"proposal": proposal, "ballot": {"choice": choice}}
        _act(story, name, "governance.ballot.cast", ballot)
    _wait_until(story, _record(story, proposal)["voting_until"])
    _tick(story)
    opened = sorted(
        int(r["id"]) for _i, r in story.node.state.items("funding.rounds") if r["from"] == "node"
    )
    spring, autumn = opened
    return spring, autumn


def _record(story: Story, proposal: int) -> dict[str, Any]:
    found: dict[str, Any] = story.node.state.get("governance.proposals", proposal)
    return found


def _spring_projects(story: Story, spring: int) -> None:
    tanks = _project(story, "chen", spring, "Rainwater tanks for the garden")
    shed = _project(story, "bruno", spring, "A covered bike shed by the gate")
    library = _project(story, "dalia", spring, "Shelves for the seed library")
    for name, project, amount in (
        ("amara", tanks, 2_500),
        ("bruno", tanks, 1_000),
        ("dalia", tanks, 2_000),
        ("emil", tanks, 500),
        ("farah", tanks, 1_500),
        (HANA, tanks, 1_000),
        ("amara", shed, 10_000),
        ("chen", shed, 500),
        ("emil", shed, 1_000),
        ("chen", library, 3_000),
        ("farah", library, 2_000),
        (HANA, library, 500),
        ("bruno", library, 700),
        ("emil", library, 300),
    ):
        _act(story, name, "funding.contribution.made", {"project": project, "amount": amount})


def _autumn_projects(story: Story, autumn: int) -> None:
    lathe = _project(story, "bruno", autumn, "A small wood lathe")
    sewing = _project(story, "farah", autumn, "Two sewing machines for the repair café")
    for name, project, amount in (
        ("amara", lathe, 2_000),
        ("chen", lathe, 1_500),
        ("dalia", sewing, 1_000),
        (HANA, sewing, 800),
        ("emil", sewing, 1_200),
        ("chen", sewing, 400),
    ):
        _act(story, name, "funding.contribution.made", {"project": project, "amount": amount})


def _project(story: Story, name: str, round_id: int, title: str) -> int:
    return _act(story, name, "funding.project.entered", {"round": round_id, "title": title}).index


def _pool(story: Story) -> None:
    pool = _act(
        story,
        "amara",
        "funding.pool.opened",
        {
            "title": "Commons fund",
            "description": "Members stake their support on requests; conviction grows while "
            "it stays, and a request is paid once its conviction is enough.",
            "unit": "EUR",
        },
    ).index
    for name, amount in (("farah", 300_000), ("bruno", 150_000), ("chen", 50_000)):
        _act(story, name, "funding.pool.funded", {"pool": pool, "amount": amount})
    seeds = _proposal(story, "amara", pool, "Seeds and compost for spring", 40_000)
    parts = _proposal(story, "emil", pool, "Spare parts for the repair café", 60_000)
    battery = _proposal(story, "chen", pool, "A battery for the barn's solar panels", 150_000)
    for name, proposal, points in (
        ("amara", seeds, 600),
        ("dalia", seeds, 500),
        ("farah", seeds, 400),
        (HANA, seeds, 500),
        ("bruno", seeds, 300),
        ("emil", parts, 400),
        ("bruno", parts, 200),
        ("chen", battery, 900),
    ):
        _act(story, name, "funding.stake.set", {"proposal": proposal, "amount": points})


def _proposal(story: Story, name: str, pool: int, title: str, amount: int) -> int:
    body = {"pool": pool, "title": title, "amount": amount}
    return _act(story, name, "funding.proposal.submitted", body).index
