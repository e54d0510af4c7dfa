"""The network demo: three nodes and their alliance, recognised, witnessing and mirroring
each other, with one network-wide vote already counted by precinct.

The story is told in-process with a clock that starts four days ago: each node's
members pass a ``recognition`` proposal (the constitution reserves recognition for
a decision) that recognises the two other nodes and the alliance; the alliance
recognises its member nodes; a member node calls a network-wide vote, each node
opens its precinct, its members vote, the precincts close with their subtotals,
the member nodes report them, and the alliance closes the vote with the result.
Then Riverside launches a threshold pledge across the network, which the two
other nodes carry and their members pledge to; it is open for ten days (served,
their sync rounds send their counts so far, and at the deadline report them).
Each node holds a few places, on three continents.
Each node takes its census along the way — at the start, a day later, when a steward
asks after the vote, and a day after that — so it has four epochs; served, the nodes
count the network census from each other's witnessed censuses.
Served, the nodes then witness and mirror each other live (``make demo`` serves them
beside the community node; ``commonweal demo --network`` serves them alone).

``make demo``'s community node (port 8000) is a member node of the alliance too
(``community``): a founder of it, recognised by it, and a second network vote is
left open for a day, which its members can cast in their browser; each start of
the demo calls a fresh one when none is open (:func:`keep_a_vote_open`).
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey
from commonweal.core.rfc3339 import format_utc
from commonweal.demo import places as demo_places
from commonweal.demo.seed import DemoClock
from commonweal.domain.campaigns import network
from commonweal.domain.campaigns.events import LAUNCHED, PLEDGED
from commonweal.domain.census import events as census_events
from commonweal.domain.federation import alliance, precincts
from commonweal.domain.federation.recognition import GRANTED
from commonweal.domain.governance.constitution import DAY, DEFAULT_CONSTITUTION
from commonweal.domain.membership import moves
from commonweal.domain.membership.policy import DEFAULT_POLICY
from commonweal.domain.places.rules import REGISTERED
from commonweal.node.kernel.identity import NodeIdentity
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import (
    KEY_FILE,
    init_node,
    open_node,
    read_key_file,
    read_settings,
    write_key_file,
)
from commonweal.node.services import census, credentials, governance
from commonweal.node.services.federation import alliance as alliance_service
from commonweal.node.services.federation import nullifiers
from commonweal.node.services.federation.pledges import carried_body

MEMBERS = {
    "riverside": ("Riverside Commons", ("amara", "bruno", "chen", "dalia")),
    "harbour": ("Harbour Guild", ("ines", "jonas", "kemal", "chen")),
    "orchard": ("Orchard Collective", ("lea", "mateo", "noor", "omar", "pia")),
}
ALLIANCE = "alliance"
ALLIANCE_NAME = "Commonweal Network"
ORDER = ("riverside", "harbour", "orchard", ALLIANCE)
SHARED_MEMBER = "chen"
"""A person who is a member of two nodes (Riverside and Harbour, one key): they vote in
both precincts and the network counts them once, in Riverside (which reports first)."""
MOVER = ("pia", "orchard", "harbour")
"""A member who moves, after the network vote, from Orchard to Harbour with her history."""
VOTING_SECONDS = DAY
"""Network-wide votes in the demo last a day, so one is open while the demo is tried."""
REPORT_SECONDS = 600
OPEN_CALL = (
    "Open the shared seed bank to visiting members",
    "Members of any node in the network could borrow seeds from the Orchard Collective's "
    "seed bank, as its own members do.",
)
CHOICES = {
    "riverside": ("yes", "yes", "no", "yes"),
    "harbour": ("yes", "abstain", "no", "yes"),
    "orchard": ("yes", "no", "yes", "yes", "no"),
}


def node_constitution() -> dict[str, Any]:
    """The default constitution, with a demo-paced recognition kind (an hour, then a day)
    and a daily census."""
    constitution = copy.deepcopy(DEFAULT_CONSTITUTION)
    kind = constitution["kinds"]["recognition"]
    kind.update(discussion_seconds=3600, voting_seconds=DAY)
    constitution["census"] = {"every_seconds": DAY}
    return constitution


def alliance_constitution() -> dict[str, Any]:
    """The alliance's constitution: a network-wide yes/no kind and a per-capita charter."""
    constitution = copy.deepcopy(DEFAULT_CONSTITUTION)
    constitution["kinds"].pop("recognition")
    constitution["kinds"]["network"] = {
        "title": "Network-wide decision",
        "description": "A decision of every member of every member node, counted by precinct.",
        "method": "yes_no",
        "discussion_seconds": 0,
        "voting_seconds": 60,
        "quorum": "1/5",
        "threshold": {"more_than": "1/2"},
        "delegation": True,
    }
    constitution["alliance"] = {
        "weighting": "per_capita",
        "voting_seconds": VOTING_SECONDS,
        "report_seconds": REPORT_SECONDS,
    }
    return constitution


@dataclass
class Place:
    """One demo node while the story is told."""

    name: str
    node: Node
    keys: dict[str, SigningKey]
    seqs: dict[str, int]

    def act(self, member: str, event_type: str, body: dict[str, Any]) -> int:
        self.seqs[member] = self.seqs.get(member, 0) + 1
        event = sign_event(
            self.keys[member],
            type=event_type,
            node=self.node.identity.did,
            seq=self.seqs[member],
            at=format_utc(self.node.clock()),
            body=body,
        )
        return self.node.submit(orjson.dumps(event)).index


def urls(base_port: int, host: str = "127.0.0.1") -> dict[str, str]:
    """Each demo node's URL: four consecutive ports from ``base_port``."""
    return {name: f"http://{host}:{base_port + n}" for n, name in enumerate(ORDER)}


@dataclass(frozen=True)
class Community:
    """Another node that joins the alliance as a member node (``make demo``'s community)."""

    key: SigningKey
    url: str
    name: str

    @property
    def identity(self) -> NodeIdentity:
        return NodeIdentity.from_key(self.key)


def create_network(
    root: Path, base_port: int = 8100, community: Community | None = None
) -> dict[str, str]:
    """Create the four demo nodes under ``root``; return their URLs. With ``community``,
    that node is a member node of the alliance as well."""
    clock = DemoClock(datetime.now(UTC) - timedelta(days=4))
    where = urls(base_port)
    node_keys = {name: SigningKey.generate() for name in ORDER}
    identities = {name: NodeIdentity.from_key(key) for name, key in node_keys.items()}
    places: dict[str, Place] = {}
    people: dict[str, SigningKey] = {}
    for name, (title, members) in MEMBERS.items():
        keys = {member: people.setdefault(member, SigningKey.generate()) for member in members}
        (root / name / "members").mkdir(parents=True, exist_ok=True)
        for member, key in keys.items():
            write_key_file(root / name / "members" / f"{member}.key", key, None)
        node = init_node(
            root / name,
            name=title,
            url=where[name],
            key=node_keys[name],
            clock=clock,
            founders=[did_key_from_public_key(k.public_key) for k in keys.values()],
            admission=DEFAULT_POLICY,
            constitution=node_constitution(),
            checkpoint_every_seconds=2.0,
        )
        places[name] = Place(name, node, keys, {})
    hub = init_node(
        root / ALLIANCE,
        name=ALLIANCE_NAME,
        description="An alliance of nodes: its members are nodes, and it votes by precinct.",
        url=where[ALLIANCE],
        key=node_keys[ALLIANCE],
        clock=clock,
        founders=[identities[name].key_did for name in MEMBERS]
        + ([community.identity.key_did] if community else []),
        admission={"admission": "approval"},
        constitution=alliance_constitution(),
        checkpoint_every_seconds=2.0,
    )
    _census(places)  # epoch 1: the founders, who have not acted yet
    _recognise(places, hub, identities, where, clock)
    if community:
        body = _recognition(community.identity, community.url, community.name, visitors=[])
        hub.submit_as_node(GRANTED, body)
    _census(places)  # epoch 2, a day later: everyone voted to join the network
    _network_vote(places, hub, clock)
    _census(places, asked_by=True)  # epoch 3: a steward asks for one after the network vote
    clock.later(days=2)  # to the real now: the next call is open for a day from here
    _open_vote(places, hub)
    _network_campaign(places)
    _move(places, *MOVER)
    for name, place in places.items():
        for body in demo_places.NETWORK[name]:
            place.act(MEMBERS[name][1][0], REGISTERED, body)
    _census(places)  # epoch 4: the pledgers, the move and the places
    for node in [*(p.node for p in places.values()), hub]:
        node.checkpoint()
        node.close()
    return where


def _recognition(identity: NodeIdentity, url: str, name: str, **terms: Any) -> dict[str, Any]:
    return {
        "node": identity.did,
        "key": identity.key_did,
        "origin": identity.origin,
        "vkey": identity.vkey,
        "witness": identity.witness.vkey,
        "url": url,
        "name": name,
        "terms": terms,
    }


def _recognise(
    places: dict[str, Place],
    hub: Node,
    identities: dict[str, NodeIdentity],
    where: dict[str, str],
    clock: DemoClock,
) -> None:
    """Each node passes one proposal recognising the others and the alliance."""
    proposals = {}
    for name, place in places.items():
        actions = [
            {
                "type": "federation.recognize",
                **_recognition(identities[other], where[other], MEMBERS[other][0]),
            }
            for other in MEMBERS
            if other != name
        ]
        actions.append(
            {
                "type": "federation.recognize",
                **_recognition(identities[ALLIANCE], where[ALLIANCE], ALLIANCE_NAME, alliance=True),
            }
        )
        founder = next(iter(place.keys))
        body = {
            "kind": "recognition",
            "topic": "general",
            "title": "Join the Commonweal Network",
            "text": "Recognise our two sister nodes (their members may visit, comment, book "
            "and attend; we witness and mirror each other's logs) and the network's alliance.",
            "actions": actions,
        }
        proposals[name] = place.act(founder, "governance.proposal.drafted", body)
        place.act(founder, "governance.proposal.submitted", {"proposal": proposals[name]})
    clock.later(hours=1, minutes=1)
    for place in places.values():
        governance.run_due(place.node)
    for name, place in places.items():
        for member in place.keys:
            ballot = {"proposal": proposals[name], "ballot": {"choice": "yes"}}
            place.act(member, "governance.ballot.cast", ballot)
    clock.later(days=1, minutes=1)
    for place in places.values():
        governance.run_due(place.node)
    for name in MEMBERS:
        body = _recognition(identities[name], where[name], MEMBERS[name][0], visitors=[])
        hub.submit_as_node(GRANTED, body)


def _as_member_node(member: Node, hub: Node, event_type: str, body: dict[str, Any]) -> int:
    """An event signed by a member node's key, in the alliance's log."""
    return _signed_by(member.identity.key, hub, event_type, body)


def _signed_by(key: SigningKey, hub: Node, event_type: str, body: dict[str, Any]) -> int:
    author = did_key_from_public_key(key.public_key)
    event = sign_event(
        key,
        type=event_type,
        node=hub.identity.did,
        seq=hub.state.get("log.authors", author, 0) + 1,
        at=format_utc(hub.clock()),
        body=body,
    )
    return hub.submit(orjson.dumps(event)).index


def _network_vote(places: dict[str, Place], hub: Node, clock: DemoClock) -> None:
    """A network-wide vote, from the call to the alliance's result."""
    call = alliance.call_for(
        hub.state,
        "network",
        "Pool 5% of each node's treasury for a shared seed bank",
        "The seed bank would be kept at the Orchard Collective and open to every member.",
        ["seed-bank"],
    )
    vote = _as_member_node(places["riverside"].node, hub, alliance.CALLED, call)
    record = hub.state.get(alliance.NETWORK_VOTES, vote)
    opened = {}
    for name, place in places.items():
        body = {
            "alliance": hub.identity.did,
            "vote": vote,
            "call": record["call"],
            "voting_until": record["voting_until"],
        }
        opened[name] = place.node.submit_as_node(precincts.OPENED, body).index
        for member, choice in zip(place.keys, CHOICES[name], strict=True):
            body = {"precinct": opened[name], "ballot": {"choice": choice}}
            place.act(member, precincts.BALLOT_CAST, body)
    clock.later(seconds=VOTING_SECONDS + 1)
    for name, place in places.items():
        alliance_service.run_due(place.node)
        precinct = place.node.state.get(precincts.PRECINCTS, opened[name])
        source = {
            "origin": place.node.identity.origin,
            "precinct": opened[name],
            "closed": precinct["closed_index"],
        }
        evaluate = nullifiers.in_process(hub, place.node.identity.key_did, vote)
        people = nullifiers.people_of(place.node, opened[name], evaluate)
        body = {"vote": vote, "subtotal": precinct["subtotal"], "source": source, "people": people}
        _as_member_node(place.node, hub, alliance.REPORTED, body)
    clock.later(seconds=REPORT_SECONDS + 1)  # a member node that did not report is waited for
    alliance_service.run_due(hub)


def _open_vote(places: dict[str, Place], hub: Node) -> int:
    """A second network vote, left open: called by Harbour, precincts opened (as the member
    nodes' sync does), a few ballots cast already."""
    call = alliance.call_for(hub.state, "network", *OPEN_CALL, ["seed-bank-visitors"])
    vote = _as_member_node(places["harbour"].node, hub, alliance.CALLED, call)
    record = hub.state.get(alliance.NETWORK_VOTES, vote)
    for place in places.values():
        body = {
            "alliance": hub.identity.did,
            "vote": vote,
            "call": record["call"],
            "voting_until": record["voting_until"],
        }
        precinct = place.node.submit_as_node(precincts.OPENED, body).index
        for member in list(place.keys)[:2]:
            ballot = {"precinct": precinct, "ballot": {"choice": "yes"}}
            place.act(member, precincts.BALLOT_CAST, ballot)
    return vote


def _census(places: dict[str, Place], *, asked_by: bool = False) -> None:
    """Each node takes its census: on the constitution's daily rhythm, or because a steward
    (the node's first founder) asks. Served, the nodes' sync rounds then count the network
    census from these entries once their witnesses have cosigned them (docs/census.md)."""
    for place in places.values():
        if asked_by:
            note = {"note": "after the network vote"}
            place.act(next(iter(place.keys)), census_events.REQUESTED, note)
        census.run_due(place.node)


def _network_campaign(places: dict[str, Place]) -> None:
    """A threshold pledge across the network, open: launched at Riverside, carried by the
    two other nodes (as their sync would, from the launch entry), pledged to at each."""
    home = places["riverside"]
    deadline = format_utc(datetime.now(UTC) + timedelta(days=10))
    launch = {
        "kind": "threshold",
        "title": "Plant a thousand trees along the river",
        "description": "Every node's members plant where they live; we count together.",
        "action": "plant ten trees on the first Saturday of spring",
        "threshold": 10,
        "deadline": deadline,
        "network": True,
    }
    campaign = home.act("amara", LAUNCHED, launch)
    for member in ("bruno", "chen"):
        home.act(member, PLEDGED, {"campaign": campaign, "home": home.node.identity.did})
    leaf = home.node.store.leaves(campaign, campaign + 1)[0]
    for name, pledgers in (("harbour", ("ines", "kemal")), ("orchard", ("lea", "noor", "pia"))):
        place = places[name]
        body = carried_body(leaf, home.node.identity.did, campaign)
        place.node.submit_as_node(network.CARRIED_EVENT, body)
        for member in pledgers:
            place.act(member, PLEDGED, {"campaign": campaign, "home": home.node.identity.did})


def _move(places: dict[str, Place], member: str, source: str, destination: str) -> None:
    """``member`` moves from ``source`` to ``destination``: her departure is logged at the
    source, and the destination admits her on it, as its sync would after proving it."""
    old, new = places[source], places[destination]
    did = did_key_from_public_key(old.keys[member].public_key)
    home = credentials.credential(
        old.node, credentials.owed(old.node, did, {"MembershipCredential"})
    )
    old.seqs[member] = old.seqs.get(member, 0) + 1
    event = sign_event(
        old.keys[member],
        type=moves.REQUESTED,
        node=old.node.identity.did,
        seq=old.seqs[member],
        at=format_utc(old.node.clock()),
        body={
            "to": new.node.identity.did,
            "reason": "Moving closer to the harbour",
            "credential": home,
        },
    )
    departure = old.node.submit(orjson.dumps(event))
    checkpoint = old.node.checkpoint()
    body = {
        "member": did,
        "from": old.node.identity.did,
        "departure": {
            "origin": old.node.identity.origin,
            "index": departure.index,
            "leaf_hash": base64.b64encode(departure.leaf_hash).decode(),
            "checkpoint": checkpoint.size,
            "cosigners": 0,  # the demo's nodes are not serving yet: a signed checkpoint
        },
        "credential": home,
    }
    new.node.submit_as_node(moves.ADMITTED, body)
    new.keys[member] = old.keys[member]


def keep_a_vote_open(root: Path) -> int | None:
    """Call a fresh network vote (signed by Harbour's node key) when the demo alliance has
    none open, so every start of the demo has one; return its id, or None if one is open.
    The member nodes, served, open their precincts for it on their next sync."""
    hub = open_node(root / ALLIANCE)
    try:
        if any(v["phase"] == alliance.VOTING for _i, v in hub.state.items(alliance.NETWORK_VOTES)):
            return None
        call = alliance.call_for(hub.state, "network", *OPEN_CALL, ["seed-bank-visitors"])
        harbour = read_key_file(root / "harbour" / KEY_FILE, None)
        vote = _signed_by(harbour, hub, alliance.CALLED, call)
        hub.checkpoint()
        return vote
    finally:
        hub.close()


def alliance_recognition(root: Path, name: str) -> dict[str, Any]:
    """The recognition body of the demo alliance under ``root`` (identity, URL, name)."""
    key = read_key_file(root / ALLIANCE / KEY_FILE, None)
    url = read_settings(root / ALLIANCE).public_url or ""
    return _recognition(NodeIdentity.from_key(key), url, name)
