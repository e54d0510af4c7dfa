"""Checking a node's census and its network census from outside, and a member's own proof.

``audit`` fetches the node's latest network census and, for every node it counted,
asks that node itself for its cosigned checkpoint and proves the census entry is in
its log with the figures the count used (node/services/census_proofs.py); then checks that
the totals are the sum of the entries, and that the network census is itself in the
audited node's log. For the network's distinct people, it fetches every united node's
nullifiers from that node, checks them against the commitment proven in its log, and
recounts the union. Entries the node refused are reported as flagged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from commonweal.core.checkpoint import open_checkpoint
from commonweal.core.did import did_key_from_public_key
from commonweal.core.jcs import canonicalize
from commonweal.core.keys import SigningKey
from commonweal.core.merkle import ProofError, leaf_hash, verify_inclusion
from commonweal.core.multibase import encode_z
from commonweal.core.note import NoteError, NoteVerifier
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.census.network import COUNTED, totals
from commonweal.domain.federation.people import distinct_people
from commonweal.node.services.census_proofs import (
    CensusRefused,
    proven_event,
    served_people,
    witnessed_census,
)
from commonweal.node.services.federation.peer_client import PeerClient, PeerError

PROOF_PURPOSE = "commonweal/census-proof"

Check = tuple[str, bool, str]
"""(what, passed, what was found)."""


@dataclass
class CensusAudit:
    """What the audit found: one check per counted node, then the totals and the log."""

    count: int
    checks: list[Check] = field(default_factory=list)
    flagged: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(ok for _n, ok, _d in self.checks)


def audit(url: str, *, http: httpx.Client | None = None) -> CensusAudit:
    """Audit the latest network census of the node at ``url``."""
    with PeerClient(url, http=http) as home:
        counted = home.get_json("/v1/census/network")
        summary = home.get_json("/v1/federation")
        peers = {r["node"]: r for r in home.get_json("/v1/federation/recognitions")["recognitions"]}
        witnesses = [r["witness"] for r in peers.values() if r.get("witness")]
        witnesses.append(summary["witness"])
        result = CensusAudit(counted["count"])
        sets: dict[str, list[str]] = {}
        for entry in counted["entries"]:
            result.checks.append(_check_entry(home, summary, peers, witnesses, entry, sets))
        for refusal in counted["refused"]:
            result.flagged.append(
                (refusal["node"], False, f"refused by the node: {refusal['reason']}")
            )
        shown = counted["totals"]
        same = totals(counted["entries"]) == {k: v for k, v in shown.items() if k != "people"}
        result.checks.append(
            ("totals", same, f"{shown['members']} members in {shown['nodes']} node(s)")
        )
        if "people" in shown:
            result.checks.append(_check_people(shown["people"], counted["entries"], sets))
        if counted["index"] is not None:
            result.checks.append(_check_logged(home, summary, counted))
    return result


def _check_entry(
    home: PeerClient,
    summary: dict[str, Any],
    peers: dict[str, Any],
    witnesses: list[str],
    entry: dict[str, Any],
    sets: dict[str, list[str]],
) -> Check:
    """One counted node's entry proven in its own log; its people's set, if it has one,
    fetched from it, checked against the commitment and kept in ``sets``."""
    own = entry["node"] == summary["did"]
    peer = None if own else peers.get(entry["node"])
    if not own and peer is None:
        return entry["node"], False, "the node does not say where this node is"
    described = {
        "node": entry["node"],
        "key": summary["key"] if own else peer["key"],  # type: ignore[index]
        "origin": summary["origin"] if own else peer["origin"],  # type: ignore[index]
        "vkey": _own_vkey(home) if own else peer["vkey"],  # type: ignore[index]
    }
    client = home if own else PeerClient(peer["url"], http=home.http)  # type: ignore[index]
    try:
        proven = witnessed_census(client, described, witnesses, claimed=entry)
        if "people" in entry:
            sets[entry["node"]] = served_people(client, entry)
    except CensusRefused as refusal:
        return entry["node"], False, str(refusal)
    if proven["key"] != entry["key"] or proven["origin"] != entry["origin"]:
        return entry["node"], False, "the entry names another key or log"
    return (
        entry["node"],
        True,
        f"epoch {entry['epoch']}: {entry['figures']['members']} members, entry {entry['index']} "
        f"proven under a checkpoint of size {proven['checkpoint']['size']} "
        f"cosigned by {proven['checkpoint']['cosigners']} witness(es)",
    )


def _check_people(
    people: dict[str, Any], entries: list[dict[str, Any]], sets: dict[str, list[str]]
) -> Check:
    """The network's distinct people, recounted from the sets each node serves."""
    united = sorted(e["node"] for e in entries if "people" in e)
    unknown = sorted(e["node"] for e in entries if "people" not in e)
    if sorted(sets) != united:
        missing = ", ".join(sorted(set(united) - set(sets)))
        return "people", False, f"the people of {missing} could not be checked"
    recount = distinct_people(sets.values())
    same = (
        recount == people["distinct"]
        and people["nodes"] == len(united)
        and people["people_unknown"] == unknown
    )
    return (
        "people",
        same,
        f"{people['distinct']} distinct people claimed, {recount} recounted from the sets of "
        f"{len(united)} node(s) ({people['period']}); people unknown at {len(unknown)} node(s)",
    )


def _own_vkey(home: PeerClient) -> str:
    vkey: str = home.identity()["vkey"]
    return vkey


def _check_logged(home: PeerClient, summary: dict[str, Any], counted: dict[str, Any]) -> Check:
    """The network census itself is entry ``index`` of the audited node's signed log."""
    try:
        checkpoint = open_checkpoint(home.checkpoint(), NoteVerifier(_own_vkey(home)))
        proven = proven_event(home, counted["index"], checkpoint)
    except (CensusRefused, PeerError, NoteError, ProofError, ValueError) as error:
        return (
            "logged",
            False,
            f"the network census is not proven in the node's log: {error} (a count just "
            "logged is proven once the node signs its next checkpoint: try again shortly)",
        )
    event = proven["event"]
    body = {k: counted[k] for k in ("entries", "refused", "totals")}
    same = event.type == COUNTED and event.author == summary["key"] and event.body == body
    return "logged", same, f"the count is entry {counted['index']} of {checkpoint.origin}"


# -- a member's own proof --------------------------------------------------------------


def proof_request(key: SigningKey, node_did: str, epoch: int) -> dict[str, Any]:
    """A request for one's census proof, signed by one's own key (valid for five minutes)."""
    did = did_key_from_public_key(key.public_key)
    at = format_utc(datetime.now(UTC))
    signed = canonicalize(
        {"purpose": PROOF_PURPOSE, "node": node_did, "did": did, "at": at, "epoch": epoch}
    )
    return {"did": did, "at": at, "sig": encode_z(key.sign(signed)), "epoch": epoch}


def check_member_proof(proof: dict[str, Any], census: dict[str, Any]) -> str:
    """Check that ``proof`` shows its DID counted in ``census``; raise ``ProofError`` if not."""
    mine = hashlib.sha256(bytes.fromhex(proof["salt"]) + proof["did"].encode()).digest()
    if mine.hex() != proof["commitment"]:
        raise ProofError("the commitment is not SHA-256(salt || did)")
    root = bytes.fromhex(census["members_root"].removeprefix("sha256:"))
    path = [bytes.fromhex(step) for step in proof["proof"]]
    if proof["tree_size"] != census["figures"]["members"]:
        raise ProofError("the tree's size is not the number of members counted")
    verify_inclusion(proof["leaf_index"], proof["tree_size"], leaf_hash(mine), path, root)
    return (
        f"{proof['did']} is counted in the census of epoch {census['epoch']} "
        f"(leaf {proof['leaf_index']} of {proof['tree_size']})"
    )
