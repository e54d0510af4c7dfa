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

from collections.abc import Mapping
from typing import Any

from commonweal.domain.governance.records import ALTERNATIVES, DELEGATIONS, PROPOSALS
from commonweal.domain.membership.records import ACTIVE, MEMBERS
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
) -> list[tuple[str, str, str, str, str, str, str]]:
    """``(recipient, kind, topic, weight, subject, text, path)`` for each member the event
    logged at ``index`` concerns (``decisions.decide`` makes them notices)."""
    decide = _DECIDERS.get(event_type)
    return [] if decide is None else decide(lookups, index, author, body)


Told = list[tuple[str, str, str, str, str, str, str]]


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
                f"Your delegate voted: {proposal['title']}",
                f"The member you entrusted your vote to voted on “{proposal['title']}”: {how}. "
                "Their ballot counts for you unless you vote yourself before the vote closes.",
                f"/proposals/{proposal['id']}",
            )
        )
    return told


def describe_ballot(state: State, ballot: object) -> str:
    """A ballot in words, options named by their alternatives' titles."""
    if not isinstance(ballot, dict):
        return "a ballot"

    def name(option: object) -> str:
        if isinstance(option, list):
            return " = ".join(name(o) for o in option)
        if option == "status_quo":
            return "the status quo"
        found = state.get(ALTERNATIVES, _int(option))
        return f"“{found['title']}”" if found else f"“{option}”"

    if "choice" in ballot:
        choice = ballot["choice"]
        return f"“{choice}”" if choice in ("yes", "no", "abstain") else name(choice)
    if "position" in ballot:
        return str(ballot["position"]).replace("_", " ")
    if "approve" in ballot:
        return "approved " + (", ".join(name(o) for o in ballot["approve"]) or "nothing")
    if "ranking" in ballot:
        return "ranked " + " > ".join(name(o) for o in ballot["ranking"])
    for key in ("scores", "votes"):
        if isinstance(ballot.get(key), dict):
            return ", ".join(f"{name(o)}: {n}" for o, n in ballot[key].items())
    return "a ballot"


def _rsvp(lookups: Lookups, _index: int, author: str, body: Mapping[str, Any]) -> Told:
    gathering = lookups.state.get(GATHERINGS, _int(body.get("gathering")))
    if gathering is None:
        return []
    answer = "is coming" if body.get("response") == "yes" else "is not coming"
    return [
        (
            organiser,
            "rsvp_received",
            "gatherings",
            "activity",
            f"New RSVP: {gathering['title']}",
            f"Someone answered the RSVP of “{gathering['title']}”: {answer}. "
            f"{gathering['going']} going so far.",
            f"/gatherings/{gathering['id']}",
        )
        for organiser in gathering["organisers"]
        if organiser != author
    ]


def _aid_claimed(lookups: Lookups, _index: int, author: str, body: Mapping[str, Any]) -> Told:
    post = lookups.state.get(AID_POSTS, _int(body.get("offer", body.get("request"))))
    if post is None or post["author"] == author:
        return []
    doing = "claimed your offer" if post["kind"] == "offer" else "answered your request"
    return [
        (
            str(post["author"]),
            "aid_claimed",
            "aid",
            "mention",
            f"Someone {doing}: {post['title']}",
            f"Someone {doing} “{post['title']}”. Open the post to reply to them.",
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
            f"A message about “{post['title']}”",
            f"You have a new message about the aid post “{post['title']}”.",
            f"/aid/{post['id']}",
        )
    ]


def _recognition(lookups: Lookups, _index: int, _author: str, body: Mapping[str, Any]) -> Told:
    other = str(body.get("name") or body.get("node") or "another node")
    return [
        (
            did,
            "recognition",
            "federation",
            "activity",
            f"Your node now recognises {other}",
            f"Your node recognised {other}: the two nodes witness and mirror each other's "
            "logs, and each accepts the other's credentials.",
            "/network",
        )
        for did in lookups.members()
    ]


def _network_vote(lookups: Lookups, index: int, _author: str, body: Mapping[str, Any]) -> Told:
    call = body.get("call")
    title = str(call.get("title", "a network vote")) if isinstance(call, dict) else "a vote"
    until = body.get("voting_until", "")
    return [
        (
            did,
            "network_vote",
            "federation",
            "decision",
            f"A network vote has opened: {title}",
            f"Your node's alliance asks its members to vote on “{title}”, until {until}.",
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
