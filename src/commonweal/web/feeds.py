"""Atom feeds (RFC 4287) of the public log: the node's, a topic's and a proposal's.

``/feeds/node.atom`` (the latest entries of the whole log), ``/feeds/topics/<topic>.atom``
(the governance events of the proposals of one topic) and ``/feeds/proposals/<id>.atom``
(one proposal's events), made with ``feedgen``. Only what the public log says goes in:
the event's type, in words where a proposal names it, its author's DID, its time and
its log index; nothing private. List pages link them with ``<link rel="alternate"
type="application/atom+xml">`` (docs/notifications.md, "Feeds").
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from feedgen.feed import FeedGenerator

from commonweal.core.events import parse_leaf
from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.governance.records import PROPOSALS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.public_url import public_url_of
from commonweal.node.kernel.queries import profile
from commonweal.node.kernel.service import Node
from commonweal.store.rows import EntryRow
from commonweal.web.bounds import Id

ATOM = "application/atom+xml"
LATEST = 50
_TOPIC = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def router(node: Node) -> APIRouter:
    """The feed routes over ``node``."""
    feeds = APIRouter(include_in_schema=False)

    @feeds.get("/feeds/node.atom")
    def node_feed() -> Response:
        size = node.size
        entries = node.store.entries(max(0, size - LATEST), size)
        return _atom(node, "", f"{_name(node)}: the log", "/log", entries)

    @feeds.get("/feeds/topics/{topic}.atom")
    def topic_feed(topic: str) -> Response:
        if not _TOPIC.match(topic):
            raise Rejected("invalid_request", "a topic is 1 to 40 of a-z, 0-9 and -")
        with node.reading() as state:
            ids = {int(p["id"]) for _k, p in state.items(PROPOSALS) if p["topic"] == topic}
        entries = [e for e in _governance(node) if _proposal_of(e) in ids]
        return _atom(
            node, f"topics/{topic}", f"{_name(node)}: {topic}", f"/proposals?topic={topic}", entries
        )

    @feeds.get("/feeds/proposals/{proposal_id}.atom")
    def proposal_feed(proposal_id: Id) -> Response:
        with node.reading() as state:
            proposal = state.get(PROPOSALS, proposal_id)
        if proposal is None:
            raise Rejected("not_found", f"no proposal {proposal_id}")
        entries = [e for e in _governance(node) if _proposal_of(e) == proposal_id]
        title = f"{_name(node)}: {proposal['title']}"
        return _atom(node, f"proposals/{proposal_id}", title, f"/proposals/{proposal_id}", entries)

    return feeds


def _name(node: Node) -> str:
    return str(profile(node).get("name") or "Commonweal node")


def _governance(node: Node) -> list[EntryRow]:
    types = [name for name in node.registry.types if name.startswith("governance.")]
    return node.store.entries_of_types(types)


def _proposal_of(entry: EntryRow) -> int | None:
    body = parse_leaf(entry.leaf).event.body
    value = body.get("proposal")
    if value is None and entry.type in _CREATING:
        value = entry.idx  # a proposal's id is the log index of the event that made it
    return value if isinstance(value, int) else None


_CREATING = frozenset({"governance.proposal.submitted", "governance.proposal.drafted"})


def _atom(node: Node, name: str, title: str, page: str, entries: list[EntryRow]) -> Response:
    base = public_url_of(node).rstrip("/")
    feed = FeedGenerator()
    feed_url = f"{base}/feeds/{name or 'node'}.atom"
    feed.id(feed_url)
    feed.title(title)
    feed.author({"name": _name(node), "uri": base})
    feed.link(href=base + page, rel="alternate")
    feed.link(href=feed_url, rel="self")
    latest = entries[-LATEST:]
    feed.updated(parse_utc(latest[-1].received) if latest else parse_utc("1970-01-01T00:00:00Z"))
    for entry in latest:
        item = feed.add_entry(order="append")
        url = f"{base}/events/{entry.idx}"
        item.id(url)
        item.title(_entry_title(entry))
        item.link(href=url, rel="alternate")
        item.updated(parse_utc(entry.received))
        item.author({"name": entry.author})
        item.summary(f"Log entry {entry.idx}: {entry.type}, by {entry.author}.")
    return Response(feed.atom_str(pretty=True), media_type=ATOM)


def _entry_title(entry: EntryRow) -> str:
    words: dict[str, Any] = {
        "governance.proposal.submitted": "A proposal was submitted",
        "governance.proposal.drafted": "A proposal was drafted",
        "governance.voting.opened": "Voting opened",
        "governance.proposal.closed": "The vote closed",
        "governance.proposal.cancelled": "A proposal was cancelled",
        "governance.ballot.cast": "A ballot was cast",
        "governance.decision.executed": "A decision was carried out",
    }
    return str(words.get(entry.type, entry.type))
