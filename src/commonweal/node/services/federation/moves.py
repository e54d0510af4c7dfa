"""Member moves as the nodes carry them (domain/membership/moves.py).

The old node: a member logs ``membership.move.requested`` (CLI, API or their page);
each sync round then tells the destination (``POST /v1/members/moves`` there) once a
checkpoint of this log covers the departure, until the destination has admitted it.

The new node (:func:`admit`): given the old node's DID and the departure's leaf
index, it fetches the entry from the old node, proves it is in the old node's log
under the old node's witness-cosigned checkpoint (signed by the key its recognition
names, cosigned by a witness this node knows; a signed checkpoint only when the old
node has no witness cosignature at all), checks that it is a move request to this node
carrying the member's home membership credential — issued and signed by the old node,
about the member, valid when they left — and logs ``membership.move.admitted`` naming
the departure (origin, index, leaf hash, checkpoint size, cosigners) and the
credential. Anyone may ask: the departure is signed by the member, so the admission
can only admit the person who asked to move here.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

import orjson

from commonweal.core.checkpoint import Checkpoint, open_checkpoint
from commonweal.core.events import EventError
from commonweal.core.merkle import ProofError
from commonweal.core.note import NoteError, NoteVerifier
from commonweal.core.rfc3339 import parse_utc
from commonweal.core.vc.verify import verify_credential
from commonweal.domain.federation.subtotal_check import AuditFailure
from commonweal.domain.membership import home_credential
from commonweal.domain.membership.moves import ADMITTED, MOVED, REQUESTED
from commonweal.domain.membership.records import MEMBERS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Receipt
from commonweal.node.services import credential_problems
from commonweal.node.services.census_proofs import cosigners as census_cosigners
from commonweal.node.services.federation.cosigned import witness_keys
from commonweal.node.services.federation.peer_client import PeerClient, PeerError, proven_entry
from commonweal.node.services.federation.service import Federation, log

MOVES_PATH = "/v1/members/moves"
MEMBERSHIP = home_credential.MEMBERSHIP_TYPE


def parse_request(document: Any) -> tuple[str, int]:
    """``{"from": node did, "index": leaf index of the departure}``."""
    if not isinstance(document, dict) or set(document) != {"from", "index"}:
        raise Rejected("invalid_request", 'a move is {"from": node DID, "index": leaf index}')
    source, index = document["from"], document["index"]
    if not isinstance(source, str) or type(index) is not int or index < 0:
        raise Rejected("invalid_request", "from is the old node's DID, index a leaf index")
    return source, index


def admit(federation: Federation, document: Any) -> Receipt:
    """Prove the departure in the old node's (witnessed) log, check the home credential it
    carries, and admit the member here."""
    source, index = parse_request(document)
    peer = federation.recognition_by("node", source)
    if peer is None or MEMBERSHIP not in peer["terms"]["credentials"]:
        raise Rejected(
            "not_recognized", "this node does not recognise %(source)s's memberships", source=source
        )
    client = federation.client(peer["url"], signed=False)
    try:
        checkpoint, cosigners = _checkpoint(federation, client, peer)
        if index >= checkpoint.size:
            witnessed = "witness-cosigned " if cosigners else ""
            raise Rejected(
                "no_departure",
                "entry %(index)s is not under %(source)s's latest %(witnessed)scheckpoint "
                "(%(size)s) yet; try again after its next one",
                index=index,
                source=source,
                witnessed=witnessed,
                size=checkpoint.size,
            )
        entry = proven_entry(client, index, checkpoint.size, checkpoint.root)
    except (PeerError, NoteError, ProofError, EventError, AuditFailure) as error:
        raise Rejected(
            "invalid_peer", "%(source)s: %(error)s", source=source, error=error
        ) from None
    me = federation.node.identity.did
    if entry["type"] != REQUESTED or entry["body"].get("to") != me:
        raise Rejected(
            "no_departure",
            "entry %(index)s of %(source)s's log is no move to %(me)s",
            index=index,
            source=source,
            me=me,
        )
    credential = _home_credential(entry, source)
    departure = {
        "origin": checkpoint.origin,
        "index": index,
        "leaf_hash": entry["leaf_hash"],
        "checkpoint": checkpoint.size,
        "cosigners": cosigners,
    }
    body = {
        "member": entry["author"],
        "from": source,
        "departure": departure,
        "credential": credential,
    }
    return federation.node.submit_as_node(ADMITTED, body)


def _checkpoint(
    federation: Federation, client: PeerClient, peer: dict[str, Any]
) -> tuple[Checkpoint, int]:
    """The old node's checkpoint to prove the departure under, and how many witnesses this
    node knows cosigned it: its final (witness-cosigned) checkpoint when it has witnesses
    (a recognition in force with ``terms.witness``), else its latest signed one."""
    verifier = NoteVerifier(peer["vkey"])
    if not _has_witnesses(client):
        checkpoint = open_checkpoint(client.checkpoint(), verifier)
        cosigners = 0
    else:
        try:
            note = client.get_ok("/v1/federation/checkpoint").text
        except PeerError as error:
            if error.status != 404:
                raise
            raise Rejected(
                "no_departure",
                "%(node)s has no checkpoint cosigned by its witnesses yet; try again after its "
                "next one",
                node=peer["node"],
            ) from None
        checkpoint = open_checkpoint(note, verifier)
        known = [*witness_keys(federation).values(), federation.node.identity.witness.vkey]
        cosigners = len(census_cosigners(note, checkpoint, known))
        if cosigners == 0:
            raise Rejected(
                "no_departure",
                "%(node)s's latest cosigned checkpoint is cosigned by no witness this node knows "
                "yet; try again after its next one (this node admits its members once it "
                "witnesses its log, or recognises one of its witnesses)",
                node=peer["node"],
            )
    if checkpoint.origin != peer["origin"]:
        raise AuditFailure("the old node served another log's checkpoint")
    return checkpoint, cosigners


def _has_witnesses(client: PeerClient) -> bool:
    """Whether the old node says it has witnesses: a recognition in force that has the
    other node witness its log (its own word; a node that denies them gains only the
    weaker proof, which the admission records as ``cosigners: 0``)."""
    found = client.get_json("/v1/federation/recognitions").get("recognitions")
    return any(
        isinstance(r, dict)
        and r.get("status") == "recognized"
        and isinstance(r.get("terms"), dict)
        and r["terms"].get("witness")
        and r.get("witness")
        for r in found or []
    )


def _home_credential(entry: dict[str, Any], source: str) -> dict[str, Any]:
    """The membership credential the departure carries, checked as the treaty accepts it:
    issued and signed by the old node, about the member who moves, valid when they left.
    Its revocation is the old node's rule's to check at the departure (the move revokes it)."""
    credential = entry["body"].get("credential")
    if not isinstance(credential, dict):
        raise Rejected(
            "no_credential",
            "entry %(index)s of %(source)s's log carries no membership credential: this node "
            "admits a moving member on their home credential",
            index=entry["index"],
            source=source,
        )
    problem = home_credential.claims_problem(
        credential, issuer=source, subject=entry["author"], at=entry["received"]
    )
    if problem is not None and problem[0] == "credential_expired":
        raise Rejected("credential_expired", "the home credential: %(problem)s", problem=problem[1])
    if problem is not None:
        raise Rejected("invalid_credential", "the home credential: %(problem)s", problem=problem[1])
    checked = verify_credential(
        credential,
        trusted_issuers={source},
        status_credentials={},
        now=parse_utc(entry["received"]),
    )
    wrong = [p for p in checked.problems if p.code != "status_unavailable"]
    problems = credential_problems.details_word(wrong)  # said in the reader's language
    if any(p.code == "expired" for p in wrong):
        raise Rejected("credential_expired", "the home credential: %(problem)s", problem=problems)
    if wrong:
        raise Rejected("invalid_credential", "the home credential: %(problem)s", problem=problems)
    return credential


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
