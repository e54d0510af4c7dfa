"""The demo's governance chapter: proposals in every phase, delegations, closed results.

Riverside Commons decides things the way its constitution says: a yes/no decision
on the garden rota, a ranked choice between workshop hours with the status quo
on the ballot, an election of tool-library keepers by STV, an applicant admitted by
vote, a consent agreement, priorities by quadratic voting; then one vote still
open, one proposal under discussion with amendments and arguments, and a draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from commonweal.core.rfc3339 import parse_utc
from commonweal.demo import alliance as demo_alliance
from commonweal.node.services import governance

if TYPE_CHECKING:
    from commonweal.demo.seed import Story

HANA = "hana-new-phone"
"""Hana recovered her membership onto a new key earlier in the story."""


def tell(story: Story) -> None:
    """Every proposal of the demo, oldest first, moving the clock as life would."""
    _delegations(story)
    rota = _proposal(
        story,
        "amara",
        "decision",
        "Adopt the garden rota for spring",
        "Each household takes one week of watering and weeding, in the order on the "
        "noticeboard. Swaps are fine; tell the garden group.",
        topic="commons",
    )
    story.act("bruno", "governance.comment.posted", _argue(rota, "for", "Fair and simple."))
    story.act(
        "dalia",
        "governance.comment.posted",
        _argue(rota, "against", "Too rigid for shift workers."),
    )
    joining = demo_alliance.propose(story)
    hours = _proposal(
        story,
        "bruno",
        "choice",
        "Workshop opening hours",
        "Open Tuesday and Thursday evenings, 18:00 to 21:00.",
        topic="commons",
    )
    weekend = story.act(
        "emil",
        "governance.alternative.added",
        {
            "proposal": hours,
            "title": "Weekends",
            "text": "Open Saturday and Sunday, 10:00 to 16:00.",
        },
    ).index
    _open_votes(story)
    demo_alliance.vote(story, joining)
    for name, choice in (("amara", "yes"), ("bruno", "yes"), ("dalia", "no"), ("emil", "yes")):
        _vote(story, name, rota, {"choice": choice})
    for name, ranking in (
        ("bruno", [str(hours), "status_quo", str(weekend)]),
        ("dalia", [str(weekend), str(hours), "status_quo"]),
        ("emil", [str(weekend), "status_quo"]),
        ("farah", [[str(hours), str(weekend)], "status_quo"]),
        ("amara", [str(hours), str(weekend), "status_quo"]),
    ):
        _vote(story, name, hours, {"ranking": ranking})
    _close_votes(story)

    story.as_node("membership.role.defined", {"name": "tool-keeper", "permissions": []})
    election = _proposal(
        story,
        "chen",
        "election",
        "Elect three tool-library keepers",
        "Keepers hold the keys, check tools in and out, and report breakages.",
        topic="commons",
        actions=[_keeper(story, "chen")],
    )
    candidates = {"chen": election}
    for name in ("dalia", "emil", "farah"):
        candidates[name] = story.act(
            name,
            "governance.alternative.added",
            {
                "proposal": election,
                "title": f"{name.title()} as keeper",
                "text": "I will keep the library open on Saturdays.",
                "actions": [_keeper(story, name)],
            },
        ).index
    story.apply("ivo")
    admission = _proposal(
        story,
        "dalia",
        "membership",
        "Admit Ivo, who runs the repair café",
        "Ivo has volunteered at three repair cafés with us and asked to join.",
        topic="membership",
        actions=[{"type": "membership.admit", "applicant": story.did("ivo")}],
    )
    agreement = _proposal(
        story,
        "farah",
        "agreement",
        "Quiet hours in the shared kitchen",
        "No blender or dishwasher between 22:00 and 07:00.",
    )
    _open_votes(story)
    ranks = {c: str(i) for c, i in candidates.items()}
    for name, order in (
        ("amara", ["chen", "dalia", "farah"]),
        ("bruno", ["chen", "emil", "dalia"]),
        ("dalia", ["dalia", "farah", "chen"]),
        ("emil", ["emil", "chen", "farah"]),
        ("farah", ["farah", "dalia", "emil"]),
        (HANA, ["chen", "farah", "dalia"]),
    ):
        _vote(story, name, election, {"ranking": [ranks[c] for c in order]})
    for name in ("amara", "bruno", "chen", "dalia", HANA):
        _vote(story, name, admission, {"choice": "yes"})
    _vote(story, "farah", admission, {"choice": "abstain"})
    for name, ballot in (
        ("amara", {"position": "consent"}),
        ("chen", {"position": "consent"}),
        ("emil", {"position": "stand_aside", "reason": "I work nights; fine by me."}),
        ("farah", {"position": "consent"}),
    ):
        _vote(story, name, agreement, ballot)
    _close_votes(story)
    _open_phases(story)


def _open_phases(story: Story) -> None:
    """A priorities vote still open, a proposal under discussion, a draft, a withdrawn one."""
    story.skip_to(days_before_now=8)
    priorities = _proposal(
        story,
        HANA,
        "priorities",
        "What should we spend the spring on?",
        "Fix the barn roof before anything else.",
    )
    for title, text in (
        ("Rainwater tanks", "Two 1,000-litre tanks for the garden."),
        ("Bike shed", "A covered shed for twelve bikes by the gate."),
    ):
        story.act(
            "amara",
            "governance.alternative.added",
            {"proposal": priorities, "title": title, "text": text},
        )
    _open_votes(story)
    roof, tanks, shed = (str(a) for a in _alternatives(story, priorities))
    for name, votes in (
        (HANA, {roof: 8, tanks: 4, shed: 2}),
        ("bruno", {roof: 6, shed: 6, tanks: -4}),
        ("dalia", {tanks: 9, roof: 3}),
        ("amara", {roof: 7, tanks: 5, shed: -3}),
    ):
        _vote(story, name, priorities, {"votes": votes})
    solar = _proposal(
        story,
        "emil",
        "decision",
        "Solar panels on the barn roof",
        "Install 6 kWp of panels once the roof is fixed; the co-op lends the money.",
        topic="money",
    )
    story.act(
        "chen",
        "governance.amendment.proposed",
        {
            "alternative": solar,
            "text": "Install 4 kWp of panels once the roof is fixed.",
            "note": "Start smaller",
        },
    )
    story.act(
        "bruno", "governance.comment.posted", _argue(solar, "for", "Lower bills for everyone.")
    )
    story.act(
        "farah",
        "governance.comment.posted",
        _argue(solar, "against", "We have not priced the loan."),
    )
    story.act(
        "dalia",
        "governance.delegation.set",
        {"scope": f"proposal:{solar}", "trustee": story.did("emil")},
    )
    body = {
        "kind": "decision",
        "topic": "general",
        "title": "A second lawnmower",
        "text": "Buy a second, electric lawnmower for the orchard.",
        "actions": [],
    }
    story.act("bruno", "governance.proposal.drafted", body)
    withdrawn = _proposal(story, "chen", "decision", "Paint the gate green", "Like the garden.")
    story.act(
        "chen", "governance.proposal.cancelled", {"proposal": withdrawn, "reason": "Done already."}
    )


def _delegations(story: Story) -> None:
    """Liquid democracy: a node-wide trust, a topic trust, and an explicit "no"."""
    story.act("chen", "governance.delegation.set", {"scope": "node", "trustee": story.did("amara")})
    story.act(
        HANA, "governance.delegation.set", {"scope": "topic:commons", "trustee": story.did("bruno")}
    )
    story.act(HANA, "governance.delegation.set", {"scope": "topic:membership", "trustee": None})
    story.act(
        "farah", "governance.delegation.set", {"scope": "topic:money", "trustee": story.did(HANA)}
    )


def _proposal(
    story: Story,
    author: str,
    kind: str,
    title: str,
    text: str,
    *,
    topic: str = "general",
    actions: list[dict[str, Any]] | None = None,
) -> int:
    body = {"kind": kind, "topic": topic, "title": title, "text": text, "actions": actions or []}
    proposal = story.act(author, "governance.proposal.drafted", body).index
    story.act(author, "governance.proposal.submitted", {"proposal": proposal})
    return proposal


def _alternatives(story: Story, proposal: int) -> list[int]:
    alternatives: list[int] = story.node.state.get("governance.proposals", proposal)["alternatives"]
    return alternatives


def _vote(story: Story, name: str, proposal: int, ballot: dict[str, Any]) -> None:
    story.act(name, "governance.ballot.cast", {"proposal": proposal, "ballot": ballot})


def _argue(proposal: int, stance: str, text: str) -> dict[str, Any]:
    return {"proposal": proposal, "stance": stance, "text": text}


def _keeper(story: Story, name: str) -> dict[str, Any]:
    return {"type": "membership.role.grant", "member": story.did(name), "role": "tool-keeper"}


def _open_votes(story: Story) -> None:
    """Wait out every discussion now under way; the node opens the votes."""
    _wait_out(story, "discussion_until")


def _close_votes(story: Story) -> None:
    """Wait out every vote now open; the node closes them and executes what passed."""
    _wait_out(story, "voting_until")


def _wait_out(story: Story, deadline: str) -> None:
    phase = "discussion" if deadline == "discussion_until" else "voting"
    pending = [
        parse_utc(record[deadline])
        for _id, record in story.node.state.items("governance.proposals")
        if record["phase"] == phase
    ]
    if pending:
        story.wait((max(pending) - story.node.clock()).total_seconds() + 60)
    governance.run_due(story.node)
