"""An alliance's network votes as its pages show them: each call (the question, the
options, the weighting in words), each precinct's subtotal with the entries of the
member's own log it names, and the result (``/network/votes``, the home page)."""

from __future__ import annotations

from typing import Any

from commonweal.core.language import N_, _
from commonweal.domain.errors import DomainError
from commonweal.domain.federation import alliance
from commonweal.domain.governance.constitution import CONSTITUTION
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node


def network_votes(node: Node) -> dict[str, Any] | None:
    """An alliance's network votes for its pages: calls, precincts and results; None for
    a node whose constitution has no alliance section."""
    with node.reading() as state:
        constitution = state.get(CONSTITUTION, "constitution") or {}
        section = constitution.get("alliance")
        if section is None:
            return None
        votes = [dict(r) for _id, r in sorted(state.items(alliance.NETWORK_VOTES), reverse=True)]
        members = alliance.member_nodes(state)
    return {
        "charter": section,
        "members": members,
        "votes": [_vote_summary(v) for v in votes],
        "open": sum(1 for v in votes if v["phase"] == alliance.VOTING),
        "closed": sum(1 for v in votes if v["phase"] == alliance.DONE),
    }


def network_vote(node: Node, vote_id: int) -> dict[str, Any]:
    """One network vote with each precinct's subtotal and the result."""
    with node.reading() as state:
        try:
            record = dict(alliance.network_vote(state, vote_id))
        except DomainError as error:
            raise Rejected.from_error(error) from None
        members = alliance.member_nodes(state)
    summary = _vote_summary(record)
    summary["members"] = members
    return summary


WEIGHTING_WORDS = {
    "per_capita": N_(
        "Every ballot anywhere in the network counts once: the precincts' "
        "ballots are pooled and counted together."
    ),
    "one_node_one_vote": N_("Each member node casts one vote: the decision of its own members."),
    "double_majority": N_(
        "It passes with a majority of member nodes that also represent a "
        "majority of the network's people."
    ),
}
"""How a network vote is weighted, marked for the catalogues (said by :func:`weighting_words`)."""


def weighting_words(weighting: str) -> str:
    """How a network vote weighted ``weighting`` counts, in the language being spoken."""
    return _(WEIGHTING_WORDS[weighting]) if weighting in WEIGHTING_WORDS else weighting


def _vote_summary(record: dict[str, Any]) -> dict[str, Any]:
    result = record.get("result") or {}
    precincts = []
    for member, report in sorted(record.get("subtotals", {}).items()):
        precincts.append(
            {
                "node": member,
                "electorate": report.get("electorate", 0),
                "ballots": report.get("ballots", 0),
                "index": report.get("index"),
                "source": report.get("source", {}),
                "patterns": report.get("patterns", []),
            }
        )
    return {
        "id": record["id"],
        "title": record["title"],
        "text": record.get("text", ""),
        "kind": record.get("kind", ""),
        "phase": record["phase"],
        "weighting": record["weighting"],
        "weighting_words": weighting_words(record["weighting"]),
        "method": (record.get("rules") or {}).get("method", ""),
        "options": record.get("options", []),
        "called_at": record.get("called_at"),
        "voting_until": record.get("voting_until"),
        "report_until": record.get("report_until"),
        "closed_at": record.get("closed_at"),
        "precincts": precincts,
        "ballots": sum(p["ballots"] for p in precincts),
        "result": record.get("result"),
        "decided": result.get("decided") or [],
        "passed": result.get("passed"),
        "turnout_percent": result.get("turnout_percent"),
    }
