"""What waits for a signed-in member, for the top of the home page: votes closing soon they
have not cast, applicants they could vouch for, expenses they could approve, their next
bookings and gatherings, their delegations in effect, and network votes open.

Whether they may act is asked of the rules themselves (``node.dry_run``: would this vote,
vouch or approval be logged now?), never worked out again here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from commonweal.core.rfc3339 import format_utc
from commonweal.domain.governance.records import PROPOSALS
from commonweal.domain.membership.lifecycle import VOUCHED
from commonweal.domain.membership.records import APPLICANT, MEMBERS
from commonweal.domain.treasury.expenses import APPROVED_EVENT, PENDING
from commonweal.domain.treasury.records import EXPENSES
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.governance import scope_words
from commonweal.node.read_models.names import Names, short_did
from commonweal.node.services import commons, gatherings, governance

SOON = timedelta(days=3)
"""A vote "closes soon" within three days (every open vote not yet cast is listed)."""
SHOWN = 5
"""At most this many of each kind, soonest first."""


def waiting_for(node: Node, did: str) -> dict[str, Any]:
    """Everything that waits for ``did``, each list soonest first (empty lists for nothing)."""
    names = Names(node)
    soon = format_utc(node.clock() + SOON)
    with node.reading() as state:
        closing = [
            _proposal(record)
            for _id, record in state.items(PROPOSALS)
            if record["phase"] == "voting"
        ]
    votes = []
    for proposal in closing:
        path = governance.vote_path(node, proposal["id"], did)
        if path["ballot"] is None and path["eligible"]:
            voter = (path.get("chain") or {}).get("voter")
            votes.append(
                {**proposal, "delegate": names(voter) or short_did(voter) if voter else None}
            )
    with node.dry_run() as rules:
        state = rules.state
        applicants = [
            {"did": str(applicant), "name": None}
            for applicant, record in state.items(MEMBERS)
            if record["status"] == APPLICANT
            and did not in record.get("vouches", [])
            and rules.check(VOUCHED, did, {"applicant": str(applicant)}).ok
        ]
        expenses = [
            {"id": expense["id"], "title": expense["title"]}
            for _id, expense in state.items(EXPENSES)
            if expense["status"] == PENDING
            and rules.check(APPROVED_EVENT, did, {"expense": expense["id"]}).ok
        ]
    votes.sort(key=lambda v: v["voting_until"])
    titles = {resource["id"]: resource["title"] for resource in commons.resources(node)}
    for applicant in applicants:
        applicant["name"] = names(applicant["did"]) or short_did(str(applicant["did"]))
    return {
        "votes": _closing_soon(votes[:SHOWN], soon),
        "applicants": applicants[:SHOWN],
        "expenses": expenses[:SHOWN],
        "bookings": [
            {**booking, "title": titles.get(booking["resource"], "")}
            for booking in commons.bookings(node, member=did)[:SHOWN]
        ],
        "gatherings": _gatherings(node, did),
        "delegations": _delegations(node, did, names),
    }


def _proposal(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "title": record["title"], "voting_until": record["voting_until"]}


def _closing_soon(votes: list[dict[str, Any]], soon: str) -> list[dict[str, Any]]:
    return [{**vote, "soon": vote["voting_until"] <= soon} for vote in votes]


def _gatherings(node: Node, did: str) -> list[dict[str, Any]]:
    """The next gatherings: the ones ``did`` organises or said yes to first, then others."""
    upcoming = [g for g in gatherings.gatherings(node, when="upcoming") if not g["cancelled"]]
    upcoming.sort(key=lambda g: did not in g["organisers"])  # stable: by start time within
    return upcoming[:SHOWN]


def _delegations(node: Node, did: str, names: Names) -> list[dict[str, Any]]:
    outgoing = governance.delegations(node, did)["outgoing"]
    with node.reading() as state:
        titles = {
            f"proposal:{record['id']}": record["title"] for _id, record in state.items(PROPOSALS)
        }
    return [
        {
            "scope": scope,
            "words": f"the proposal “{titles[scope]}”" if scope in titles else scope_words(scope),
            "trustee": trustee,
            "name": (names(trustee) or short_did(trustee)) if trustee else None,
        }
        for scope, trustee in sorted(outgoing.items())
    ]
