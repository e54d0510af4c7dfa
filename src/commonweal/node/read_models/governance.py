"""What the proposal and delegation pages show, gathered from the governance reads.

A proposal with its options named in words, its rules and outcome as sentences,
its comments with their authors' names, and — for a signed-in member — their own
ballot, where their vote goes, and their delegation for this proposal.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.governance.delegating import scopes_for
from commonweal.domain.governance.records import STATUS_QUO
from commonweal.domain.membership.records import ACTIVE
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.decision_words import ACTION_NAMES, action_words, choice_label
from commonweal.node.read_models.names import Names
from commonweal.node.read_models.plain import describe_kind, describe_outcome, method_words
from commonweal.node.read_models.standing import name_of
from commonweal.node.services import governance, member_directory

STATUS_QUO_LABEL = "Keep things as they are (status quo)"


def proposal_page(node: Node, proposal_id: int, viewer: str | None) -> dict[str, Any]:
    """Everything the proposal page needs, for ``viewer`` (a DID, or None)."""
    view = governance.proposal_view(node, proposal_id)
    names = Names(node)
    for alternative in view["alternatives"]:
        alternative["author_name"] = names(alternative["author"])
        alternative["action_words"] = [action_words(a, names) for a in alternative["actions"]]
    labels = {str(a["id"]): choice_label(a, view["title"], names) for a in view["alternatives"]}
    labels[STATUS_QUO] = STATUS_QUO_LABEL
    rules = view["rules"]
    page: dict[str, Any] = {
        "proposal": view,
        "labels": labels,
        "method_words": method_words(rules["method"]) if rules else None,
        "rule_sentences": describe_kind(rules, ACTION_NAMES) if rules else [],
        "outcome": describe_outcome(view["result"]) if view["result"] else None,
        "author_name": name_of(node, view["author"]),
        "comments": [
            {**comment, "author_name": name_of(node, comment["author"])}
            for comment in view["comments"]
        ],
        "topic_title": _topics(node).get(view["topic"], {}).get("title", view["topic"]),
        "mine": None,
    }
    if viewer is not None:
        page["mine"] = _mine(node, view, viewer)
    return page


def _mine(node: Node, view: dict[str, Any], did: str) -> dict[str, Any]:
    """The viewer's ballot, the path of their vote, and their delegations that apply."""
    path = None
    if view["rules"] is not None:
        try:
            path = governance.vote_path(node, view["id"], did)
        except Rejected:
            path = None
    outgoing = governance.delegations(node, did)["outgoing"]
    applying = [
        {
            "scope": scope,
            "words": scope_words(scope),
            "trustee": outgoing[scope],
            "name": _name(node, outgoing[scope]),
        }
        for scope in scopes_for(view["id"], view["topic"])
        if scope in outgoing
    ]
    if path and path.get("chain"):
        chain = path["chain"]
        path["chain_names"] = [{"did": d, "name": name_of(node, d)} for d in chain["path"]]
        path["voter_name"] = _name(node, chain.get("voter"))
        path["scope_words"] = scope_words(chain["scope"]) if chain.get("scope") else ""
    return {
        "did": did,
        "path": path,
        "ballot": path["ballot"] if path else None,
        "eligible": bool(path and path["eligible"]),
        "delegations": applying,
        "author": view["author"] == did,
    }


def delegation_page(node: Node, did: str) -> dict[str, Any]:
    """A member's delegations for the whole node and each topic, and who trusts them."""
    found = governance.delegations(node, did)
    topics = _topics(node)
    outgoing = found["outgoing"]
    named = [("node", "Everything (the whole node)", "")] + [
        (f"topic:{name}", t["title"], t["description"]) for name, t in topics.items()
    ]
    scopes: list[dict[str, Any]] = [
        {
            "scope": scope,
            "title": title,
            "description": description,
            "set": scope in outgoing,
            "trustee": outgoing.get(scope),
            "name": _name(node, outgoing.get(scope)),
        }
        for scope, title, description in named
    ]
    proposal_scopes = [
        {"scope": s, "trustee": t, "name": _name(node, t)}
        for s, t in sorted(outgoing.items())
        if s.startswith("proposal:")
    ]
    incoming = [
        {
            **entry,
            "name": name_of(node, entry["truster"]),
            "scope_words": scope_words(entry["scope"]),
        }
        for entry in found["incoming"]
    ]
    return {
        "scopes": scopes,
        "proposal_scopes": proposal_scopes,
        "incoming": incoming,
        "candidates": candidates(
            node, exclude=did, also=sorted({t for t in outgoing.values() if t})
        ),
    }


MAX_CANDIDATES = 200
"""A delegation form lists at most this many members (the first in directory order), so
a page costs the same on a node of any size; anyone may be named by DID through the
API or the command line."""


def candidates(
    node: Node, *, exclude: str | None = None, also: list[str] | None = None
) -> list[dict[str, Any]]:
    """Members in good standing one may delegate to, by name where shown: the first
    :data:`MAX_CANDIDATES` in directory order, and those in ``also`` (current trustees)."""
    page = member_directory.page(node, limit=MAX_CANDIDATES, status=ACTIVE)
    people = [{"did": m["did"], "name": m["name"]} for m in page.members if m["did"] != exclude]
    listed = {person["did"] for person in people}
    people += [{"did": d, "name": name_of(node, d)} for d in also or [] if d not in listed]
    return sorted(people, key=lambda p: (p["name"] is None, p["name"] or "", p["did"]))


def scope_words(scope: str) -> str:
    """``"topic:money"`` → ``"the topic money"``."""
    if scope == "node":
        return "everything"
    kind, _, name = scope.partition(":")
    return "this proposal" if kind == "proposal" else f"the topic {name}"


def _topics(node: Node) -> dict[str, Any]:
    try:
        topics: dict[str, Any] = governance.constitution(node)["constitution"]["topics"]
    except Rejected:
        return {}
    return topics


def _name(node: Node, did: str | None) -> str | None:
    return name_of(node, did) if did else None
