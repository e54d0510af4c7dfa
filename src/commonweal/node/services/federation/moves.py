"""Member moves as the nodes carry them (domain/membership/moves.py).

The old node: a member logs ``membership.move.requested`` (CLI, API or their page);
each sync round then tells the destination (``POST /v1/members/moves`` there) once a
checkpoint of this log covers the departure, until the destination has admitted it.

The new node (:func:`admit`): given the old node's DID and the departure's leaf
index, it fetches the entry from the old node, proves it is in the old node's log
under a checkpoint signed by the old node's key (the key its recognition names),
checks that it is a move request to this node, and logs ``membership.move.admitted``
naming the departure (origin, index, leaf hash, checkpoint size). Anyone may ask: the
departure is signed by the member, so the admission can only admit the person who
asked to move here.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

import orjson

from commonweal.core.checkpoint import open_checkpoint
from commonweal.core.events import EventError
from commonweal.core.merkle import ProofError
from commonweal.core.note import NoteError, NoteVerifier
from commonweal.domain.federation.subtotal_check import AuditFailure
from commonweal.domain.membership.moves import ADMITTED, MOVED, REQUESTED
from commonweal.domain.membership.records import MEMBERS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Receipt
from commonweal.node.services.federation.peer_client import PeerError, proven_entry
from commonweal.node.services.federation.service import Federation, log

MOVES_PATH = "/v1/members/moves"


def parse_request(document: Any) -> tuple[str, int]:
    """``{"from": node did, "index": leaf index of the departure}``."""
    if not isinstance(document, dict) or set(document) != {"from", "index"}:
        raise Rejected("invalid_request", 'a move is {"from": node DID, "index": leaf index}')
    source, index = document["from"], document["index"]
    if not isinstance(source, str) or type(index) is not int or index < 0:
        raise Rejected("invalid_request", "from is the old node's DID, index a leaf index")
    return source, index


def admit(federation: Federation, document: Any) -> Receipt:
    """Prove the departure in the old node's log and admit the member here."""
    source, index = parse_request(document)
    peer = federation.recognition_by("node", source)
    if peer is None or "MembershipCredential" not in peer["terms"]["credentials"]:
        raise Rejected("not_recognized", f"this node does not recognise {source}'s memberships")
    client = federation.client(peer["url"], signed=False)
    try:
        checkpoint = open_checkpoint(client.checkpoint(), NoteVerifier(peer["vkey"]))
        if checkpoint.origin != peer["origin"]:
            raise AuditFailure("the old node served another log's checkpoint")
        if index >= checkpoint.size:
            raise Rejected(
                "no_departure",
                f"entry {index} is not under {source}'s latest checkpoint "
                f"({checkpoint.size}) yet; try again after its next checkpoint",
            )
        entry = proven_entry(client, index, checkpoint.size, checkpoint.root)
    except (PeerError, NoteError, ProofError, EventError, AuditFailure) as error:
        raise Rejected("invalid_peer", f"{source}: {error}") from None
    me = federation.node.identity.did
    if entry["type"] != REQUESTED or entry["body"].get("to") != me:
        raise Rejected("no_departure", f"entry {index} of {source}'s log is no move to {me}")
    body = {
        "member": entry["author"],
        "from": source,
        "departure": {
            "origin": checkpoint.origin,
            "index": index,
            "leaf_hash": entry["leaf_hash"],
            "checkpoint": checkpoint.size,
        },
    }
    return federation.node.submit_as_node(ADMITTED, body)


_delivered: WeakKeyDictionary[Federation, set[int]] = WeakKeyDictionary()
"""Departures each destination has admitted (or had admitted already), per federation."""


def deliver(federation: Federation, peer: dict[str, Any]) -> list[str]:
    """Tell ``peer`` of the members who moved to it, until it has admitted each."""
    delivered = _delivered.setdefault(federation, set())
    with federation.node.reading() as state:
        departures = [
            int(record["departed"])
            for _did, record in state.items(MEMBERS)
            if record["status"] == MOVED and record.get("moved_to") == peer["node"]
        ]
    done = []
    client = federation.client(peer["url"])
    for index in departures:
        if index in delivered:
            continue
        document = {"from": federation.node.identity.did, "index": index}
        answer = client.post_signed_json(MOVES_PATH, document)
        code = _code(answer.text) if answer.status >= 400 else None
        if answer.status == 201 or code == "departure_used":
            delivered.add(index)
            done.append(f"move {index} admitted")
        else:
            log.info("move %d not admitted by %s yet: %s", index, peer["node"], answer.text)
    return done


def _code(text: str) -> str | None:
    try:
        problem = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return problem.get("code") if isinstance(problem, dict) else None
