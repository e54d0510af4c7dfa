"""Atom feeds (RFC 4287) of the public log: the node's, a topic's and a proposal's.

``/feeds/node.atom`` (the latest entries of the whole log), ``/feeds/topics/<topic>.atom``
(the governance events of the proposals of one topic) and ``/feeds/proposals/<id>.atom``
(one proposal's events), made with ``feedgen``. Only what the public log says goes in:
the event's type, in words where a proposal names it, its author's DID, its time and
its log index; nothing private. List pages link them with ``<link rel="alternate"
type="application/atom+xml">`` (docs/notifications.md, "Feeds").

A feed's words are in the language its reader's ``Accept-Language`` asks for (a feed
reader sends no cookie and signs in as nobody), else the node's default language
(docs/languages.md); the feed says which (``xml:lang``, ``Content-Language``).
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response
from feedgen.feed import FeedGenerator

from commonweal.core.events import parse_leaf
from commonweal.core.language import N_, _, current_language, speaking
from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.governance.records import PROPOSALS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.public_url import public_url_of
from commonweal.node.kernel.queries import profile
from commonweal.node.kernel.service import Node
from commonweal.store.rows import EntryRow
from commonweal.web.bounds import Id
from commonweal.web.i18n import accepted_languages, default_language

ATOM = "application/atom+xml"
LATEST = 50
_TOPIC = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def router(node: Node) -> APIRouter:
    """The feed routes over ``node``."""
    feeds = APIRouter(include_in_schema=False)

    @feeds.get("/feeds/node.atom")
    def node_feed(request: Request) -> Response:
        size = node.size
        entries = node.store.entries(max(0, size - LATEST), size)
        with speaking(_language(request)):
            title = _("%(node)s: the log", node=_name(node))
            return _atom(node, "", title, "/log", entries)

    @feeds.get("/feeds/topics/{topic}.atom")
    def topic_feed(request: Request, topic: str) -> Response:
        if not _TOPIC.match(topic):
            raise Rejected("invalid_request", "a topic is 1 to 40 of a-z, 0-9 and -")
        with node.reading() as state:
            ids = {int(p["id"]) for _k, p in state.items(PROPOSALS) if p["topic"] == topic}
        entries = [e for e in _governance(node) if _proposal_of(e) in ids]
        with speaking(_language(request)):
            title = f"{_name(node)}: {topic}"
            return _atom(node, f"topics/{topic}", title, f"/proposals?topic={topic}", entries)

    @feeds.get("/feeds/proposals/{proposal_id}.atom")
    def proposal_feed(request: Request, proposal_id: Id) -> Response:
        with node.reading() as state:
            proposal = state.get(PROPOSALS, proposal_id)
        if proposal is None:
            raise Rejected("not_found", "no proposal %(proposal_id)s", proposal_id=proposal_id)
        entries = [e for e in _governance(node) if _proposal_of(e) == proposal_id]
        title = f"{_name(node)}: {proposal['title']}"
        with speaking(_language(request)):
            page = f"/proposals/{proposal_id}"
            return _atom(node, f"proposals/{proposal_id}", title, page, entries)

    return feeds


def _language(request: Request) -> str:
    """The language of a feed: the first that ``Accept-Language`` asks for, else the node's."""
    return next(iter(accepted_languages(request.headers.get("accept-language"))), None) or (
        default_language()
    )


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
    feed.language(current_language())
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
        item.summary(
            _(
                "Log entry %(index)s: %(type)s, by %(author)s.",
                index=entry.idx,
                type=entry.type,
                author=entry.author,
            )
        )
    headers = {"Content-Language": current_language(), "Vary": "Accept-Language"}
    return Response(feed.atom_str(pretty=True), media_type=ATOM, headers=headers)


def _entry_title(entry: EntryRow) -> str:
    """What a governance entry was, in the current language (other types by their name)."""
    words = ENTRY_TITLES.get(entry.type)
    return _(words) if words else entry.type


ENTRY_TITLES = {
    "governance.proposal.submitted": N_("A proposal was submitted"),
    "governance.proposal.drafted": N_("A proposal was drafted"),
    "governance.voting.opened": N_("Voting opened"),
    "governance.proposal.closed": N_("The vote closed"),
    "governance.proposal.cancelled": N_("A proposal was cancelled"),
    "governance.ballot.cast": N_("A ballot was cast"),
    "governance.decision.executed": N_("A decision was carried out"),
}
