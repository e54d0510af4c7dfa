"""The node at a glance, for its home page: headline numbers, its constitution in plain
language, and recent activity told in words."""

from __future__ import annotations

from typing import Any

from commonweal.core.language import _, ngettext
from commonweal.domain.governance.constitution import CONSTITUTION
from commonweal.domain.governance.records import PROPOSALS
from commonweal.domain.membership.policy import current_policy
from commonweal.domain.membership.records import ACTIVE, APPLICANT, CREDENTIALS, MEMBERS
from commonweal.node.kernel import queries
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.decision_words import ACTION_NAMES
from commonweal.node.read_models.event_words import quoted, told
from commonweal.node.read_models.plain import describe_kind
from commonweal.node.read_models.standing import name_of

OPEN_PHASES = ("discussion", "voting")


def figures(node: Node) -> dict[str, int]:
    """Headline numbers: members, applicants, open and decided proposals, credentials, entries."""
    with node.reading() as state:
        statuses = [record["status"] for _did, record in state.items(MEMBERS)]
        phases = [record["phase"] for _id, record in state.items(PROPOSALS)]
        issued = sum(1 for _key, _row in state.items(CREDENTIALS))
    return {
        "members": statuses.count(ACTIVE),
        "applicants": statuses.count(APPLICANT),
        "open_proposals": sum(phases.count(p) for p in OPEN_PHASES),
        "discussion": phases.count("discussion"),
        "voting": phases.count("voting"),
        "decided": phases.count("closed"),
        "credentials": issued,
        "entries": node.size,
    }


def constitution_in_words(node: Node) -> dict[str, Any] | None:
    """The constitution as sentences: the preamble, topics, admission, and each kind's rules."""
    with node.reading() as state:
        constitution = state.get(CONSTITUTION, "constitution")
        version = state.get(CONSTITUTION, "version", 0)
        policy = dict(current_policy(state))
    if constitution is None:
        return None
    return {
        "version": version,
        "preamble": constitution["preamble"],
        "topics": constitution["topics"],
        "admission": admission_in_words(policy),
        "kinds": [
            {
                "name": name,
                "title": rules["title"],
                "description": rules["description"],
                "sentences": describe_kind(rules, ACTION_NAMES),
            }
            for name, rules in constitution["kinds"].items()
        ],
    }


def admission_in_words(policy: dict[str, Any]) -> str:
    """How someone joins, in one sentence (in the current language)."""
    if policy["admission"] == "open":
        return _("Anyone who applies becomes a member at once.")
    if policy["admission"] == "approval":
        return _("A steward (anyone with the right to admit) approves each application.")
    return ngettext(
        "An applicant becomes a member once %(num)d member in good standing vouches for them.",
        "An applicant becomes a member once %(num)d members in good standing vouch for them.",
        policy["vouches_required"],
    )


def activity(node: Node, limit: int = 12) -> list[dict[str, Any]]:
    """The newest entries, each with what happened in words and who did it."""
    described = []
    for logged in queries.recent_events(node, limit):
        event = logged.event
        kind = node.registry.types.get(event["type"])
        body = event["body"]
        about = _proposal_title(node, body.get("proposal"))
        title = body.get("title") or body.get("name") or (about or "")
        described.append(
            {
                "index": logged.index,
                "type": event["type"],
                "summary": kind.summary if kind else event["type"],
                "title": title,
                **_told_around(event["type"], title if isinstance(title, str) else ""),
                "proposal": body.get("proposal") if about else None,
                "author": event["author"],
                "by_node": event["author"] == node.identity.key_did,
                "author_name": name_of(node, event["author"]),
                "received": logged.received,
            }
        )
    return described


def _told_around(event_type: str, title: str) -> dict[str, str]:
    """What the event did, in words, cut around its title (``before``, ``titled``, ``after``):
    the page links the title (quoted: ``quoted(titled)``) to what it names."""
    if not title:
        return {"before": told(event_type), "titled": "", "after": ""}
    before, slot, after = told(event_type, "\0").partition(quoted("\0"))
    if not slot:  # words without a place for the title: the title follows them
        return {"before": told(event_type) + ": ", "titled": title, "after": ""}
    return {"before": before, "titled": title, "after": after}


def _proposal_title(node: Node, proposal: object) -> str | None:
    if type(proposal) is not int:
        return None
    with node.reading() as state:
        record = state.get(PROPOSALS, proposal)
    return str(record["title"]) if record else None
