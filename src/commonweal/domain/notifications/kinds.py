"""Who must hear of what, for the kinds beyond votes, applications, expenses and recoveries.

Pure, like ``decisions``: each function reads one logged event (type, author, body, log
index) and the state, and returns :class:`Notice` values (docs/notifications.md):

- ``delegate_voted``: a member I entrusted my vote to (for the proposal, its topic or
  the node, the most specific scope that I set) cast a ballot; it says how they voted,
  as the ballot is public in the log. Never for a secret ballot (nothing links a sealed
  ballot to its voter, and a public ballot on a secret proposal is not told either),
  nor to a member who voted themselves (their own ballot counts). ``mention``.
- ``rsvp_received``: someone answered the RSVP of a gathering I organise. ``activity``.
- ``aid_claimed``: someone claimed my aid offer or answered my aid request. ``mention``.
- ``aid_message``: a message about an aid post was relayed to me. ``mention``.
- ``recognition``: my node recognised another node (its half of a treaty is logged).
  ``activity``, to every member.
- ``network_vote``: my node opened its precinct of an alliance's vote: I may vote.
  ``decision``, to every member.

Looking up who delegated to a voter would read every delegation for each ballot;
:class:`Lookups` builds the reverse index once per batch of entries instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from commonweal.domain.governance.records import ALTERNATIVES, DELEGATIONS, PROPOSALS
from commonweal.domain.membership.records import ACTIVE, MEMBERS
from commonweal.domain.notifications.said import Said, Time, said, said_counted
from commonweal.domain.state import State

BALLOT_CAST = "governance.ballot.cast"
RSVP_GIVEN = "gatherings.rsvp.given"
OFFER_CLAIMED = "aid.offer.claimed"
REQUEST_ANSWERED = "aid.request.answered"
MESSAGE_RELAYED = "aid.message.relayed"
RECOGNITION_GRANTED = "federation.recognition.granted"
PRECINCT_OPENED = "federation.precinct.opened"

GATHERINGS = "gatherings.gatherings"
AID_POSTS = "aid.posts"


class Lookups:
    """What several decisions of one batch read, each computed once, on first use."""

    def __init__(self, state: State) -> None:
        self.state = state
        self._members: list[str] | None = None
        self._trusters: dict[str, list[tuple[str, Mapping[str, Any]]]] | None = None

    def members(self) -> list[str]:
        """Every member in good standing, in DID order."""
        if self._members is None:
            self._members = sorted(
                str(did) for did, record in self.state.items(MEMBERS) if record["status"] == ACTIVE
            )
        return self._members

    def trusters(self, trustee: str) -> list[tuple[str, Mapping[str, Any]]]:
        """Every member naming ``trustee`` in some scope, with all their scopes."""
        if self._trusters is None:
            index: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
            for truster, scopes in self.state.items(DELEGATIONS):
                for named in {t for t in scopes.values() if t}:
                    index.setdefault(str(named), []).append((str(truster), scopes))
            self._trusters = index
        return self._trusters.get(trustee, [])


def notices_for(
    lookups: Lookups, index: int, event_type: str, author: str, body: Mapping[str, Any]
) -> list[tuple[str, str, str, str, Said, Said, str]]:
    """``(recipient, kind, topic, weight, subject, text, path)`` for each member the event
    logged at ``index`` concerns (``decisions.decide`` makes them notices)."""
    decide = _DECIDERS.get(event_type)
    return [] if decide is None else decide(lookups, index, author, body)


Told = list[tuple[str, str, str, str, Said, Said, str]]


def _delegate_voted(lookups: Lookups, _index: int, author: str, body: Mapping[str, Any]) -> Told:
    state = lookups.state
    proposal = state.get(PROPOSALS, _int(body.get("proposal")))
    if proposal is None:
        return []
    rules = proposal.get("rules") or {}
    if rules.get("ballot") == "secret" or not rules.get("delegation", True):
        return []
    voters = state.tables.get(f"governance.ballots.{proposal['id']}", {})
    scopes = (f"proposal:{proposal['id']}", f"topic:{proposal['topic']}", "node")
    how = describe_ballot(state, body.get("ballot"))
    told: Told = []
    for truster, held in lookups.trusters(author):
        if truster in voters or truster == author:
            continue
        chosen = next((held[s] for s in scopes if s in held), None)
        if chosen != author:
            continue
        told.append(
            (
                truster,
                "delegate_voted",
                str(proposal["topic"]),
                "mention",
                said("Your delegate voted: %(title)s", title=proposal["title"]),
                said(
                    "The member you entrusted your vote to voted on “%(title)s”: %(how)s. "
                    "Their ballot counts for you unless you vote yourself before the vote "
                    "closes.",
                    title=proposal["title"],
                    how=how,
                ),
                f"/proposals/{proposal['id']}",
            )
        )
    return told


_CHOICES = {"yes": said("“yes”"), "no": said("“no”"), "abstain": said("“abstain”")}


def describe_ballot(state: State, ballot: object) -> Said:
    """A ballot in words, options named by their alternatives' titles."""
    if not isinstance(ballot, dict):
        return said("a ballot")

    def name(option: object) -> Said:
        if isinstance(option, list):
            return _joined(" = ", [name(o) for o in option])
        if option == "status_quo":
            return said("the status quo")
        found = state.get(ALTERNATIVES, _int(option))
        return _joined("", [f"“{found['title'] if found else option}”"])

    if "choice" in ballot:
        choice = ballot["choice"]
        return _CHOICES[choice] if choice in _CHOICES else name(choice)
    if "position" in ballot:
        return _joined("", [str(ballot["position"]).replace("_", " ")])
    if "approve" in ballot:
        if not ballot["approve"]:
            return said("approved nothing")
        return said("approved %(options)s", options=_joined(", ", map(name, ballot["approve"])))
    if "ranking" in ballot:
        return said("ranked %(options)s", options=_joined(" > ", map(name, ballot["ranking"])))
    for key in ("scores", "votes"):
        if isinstance(ballot.get(key), dict):
            scored = [_joined(": ", [name(o), str(n)]) for o, n in ballot[key].items()]
            return _joined(", ", scored)
    return said("a ballot")


def _joined(separator: str, parts: Iterable[object]) -> Said:
    """``parts`` one after the other (words of their own, said each in its turn)."""
    values = {f"p{i}": part for i, part in enumerate(parts)}
    return Said(separator.join(f"%({key})s" for key in values), values)


def _rsvp(lookups: Lookups, _index: int, author: str, body: Mapping[str, Any]) -> Told:
    gathering = lookups.state.get(GATHERINGS, _int(body.get("gathering")))
    if gathering is None:
        return []
    title = gathering["title"]
    if body.get("response") == "yes":
        answer = said("Someone answered the RSVP of “%(title)s”: is coming.", title=title)
    else:
        answer = said("Someone answered the RSVP of “%(title)s”: is not coming.", title=title)
    going = said_counted("%(num)d going so far.", "%(num)d going so far.", int(gathering["going"]))
    return [
        (
            organiser,
            "rsvp_received",
            "gatherings",
            "activity",
            said("New RSVP: %(title)s", title=gathering["title"]),
            _joined(" ", [answer, going]),
            f"/gatherings/{gathering['id']}",
        )
        for organiser in gathering["organisers"]
        if organiser != author
    ]


def _aid_claimed(lookups: Lookups, _index: int, author: str, body: Mapping[str, Any]) -> Told:
    post = lookups.state.get(AID_POSTS, _int(body.get("offer", body.get("request"))))
    if post is None or post["author"] == author:
        return []
    title = post["title"]
    if post["kind"] == "offer":
        subject = said("Someone claimed your offer: %(title)s", title=title)
        text = said(
            "Someone claimed your offer “%(title)s”. Open the post to reply to them.", title=title
        )
    else:
        subject = said("Someone answered your request: %(title)s", title=title)
        text = said(
            "Someone answered your request “%(title)s”. Open the post to reply to them.",
            title=title,
        )
    return [
        (
            str(post["author"]),
            "aid_claimed",
            "aid",
            "mention",
            subject,
            text,
            f"/aid/{post['id']}",
        )
    ]


def _aid_message(lookups: Lookups, _index: int, author: str, body: Mapping[str, Any]) -> Told:
    post = lookups.state.get(AID_POSTS, _int(body.get("post")))
    recipient = body.get("to")
    if post is None or not isinstance(recipient, str) or recipient == author:
        return []
    return [
        (
            recipient,
            "aid_message",
            "aid",
            "mention",
            said("A message about “%(title)s”", title=post["title"]),
            said("You have a new message about the aid post “%(title)s”.", title=post["title"]),
            f"/aid/{post['id']}",
        )
    ]


def _recognition(lookups: Lookups, _index: int, _author: str, body: Mapping[str, Any]) -> Told:
    other: object = str(body.get("name") or body.get("node") or "") or said("another node")
    return [
        (
            did,
            "recognition",
            "federation",
            "activity",
            said("Your node now recognises %(node)s", node=other),
            said(
                "Your node recognised %(node)s: the two nodes witness and mirror each other's "
                "logs, and each accepts the other's credentials.",
                node=other,
            ),
            "/network",
        )
        for did in lookups.members()
    ]


def _network_vote(lookups: Lookups, index: int, _author: str, body: Mapping[str, Any]) -> Told:
    call = body.get("call")
    title: object = said("a vote")
    if isinstance(call, dict):
        title = str(call["title"]) if "title" in call else said("a network vote")
    until = str(body.get("voting_until", ""))
    return [
        (
            did,
            "network_vote",
            "federation",
            "decision",
            said("A network vote has opened: %(title)s", title=title),
            said(
                "Your node's alliance asks its members to vote on “%(title)s”, until %(time)s.",
                title=title,
                time=Time(until) if until else "",
            ),
            f"/network/precincts/{index}",
        )
        for did in lookups.members()
    ]


def _int(value: object) -> int:
    if isinstance(value, bool):
        return -1
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return -1


_DECIDERS = {
    BALLOT_CAST: _delegate_voted,
    RSVP_GIVEN: _rsvp,
    OFFER_CLAIMED: _aid_claimed,
    REQUEST_ANSWERED: _aid_claimed,
    MESSAGE_RELAYED: _aid_message,
    RECOGNITION_GRANTED: _recognition,
    PRECINCT_OPENED: _network_vote,
}
DECIDED = frozenset(_DECIDERS)
"""The event types this module decides notices from."""
