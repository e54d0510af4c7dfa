"""Fork evidence: kept when found, checked when received, and passed on to every peer.

A log with evidence against it is *forked*: this node stops cosigning and
mirroring it, and says so in every answer about it. Evidence spreads by gossip:
each sync round pulls every recognised peer's evidence (``GET
/v1/federation/evidence``) and new evidence is pushed at once (signed ``POST``);
each node checks it with only the two notes and the log's key before keeping it.
"""

from __future__ import annotations

from typing import Any

import orjson

from commonweal.core.witness import EvidenceError, ForkEvidence, verify_fork_evidence
from commonweal.node.services.federation.service import Federation, log

NEW, KNOWN, REFUSED = "new", "known", "refused"


def record(federation: Federation, evidence: ForkEvidence, source: str) -> str:
    """Check and keep evidence: ``new``, ``known``, or ``refused`` (and logged) if it proves
    nothing or concerns a log this node has no key for."""
    vkey = federation.vkey_for_origin(evidence.origin)
    if vkey is None:
        federation.refuse(source, "evidence", "unknown_log", f"no key known for {evidence.origin}")
        return REFUSED
    try:
        reason = verify_fork_evidence(evidence, vkey)
    except EvidenceError as error:
        federation.refuse(source, "evidence", "invalid_evidence", str(error))
        return REFUSED
    document = ForkEvidence(
        evidence.origin, evidence.kind, evidence.notes, evidence.proof, evidence.prefix_root, vkey
    ).as_json()
    new = federation.store.add_evidence(
        evidence.origin,
        evidence.digest,
        orjson.dumps(document).decode(),
        federation.stamp(),
        source,
    )
    if new:
        federation.forget_forks()
        log.warning("fork evidence against %s (from %s): %s", evidence.origin, source, reason)
    return NEW if new else KNOWN


def found(federation: Federation, evidence: ForkEvidence, source: str) -> None:
    """Evidence this node found itself: keep it and push it to every recognised peer."""
    if record(federation, evidence, source) == NEW:
        push(federation, evidence.as_json())


def push(federation: Federation, document: dict[str, Any]) -> None:
    """Send evidence to every recognised peer (best effort: they also pull it)."""
    for peer in federation.recognitions():
        try:
            federation.client(peer["url"]).post_signed_json("/v1/federation/evidence", document)
        except Exception as error:  # an unreachable peer pulls it later
            log.info("could not push evidence to %s: %s", peer["url"], error)


def pull(federation: Federation, peer: dict[str, Any]) -> int:
    """Take the evidence a peer holds; return how many pieces were new here."""
    documents = federation.client(peer["url"], signed=False).get_json("/v1/federation/evidence")
    new = 0
    for document in documents.get("evidence", []):
        try:
            evidence = ForkEvidence.from_json(document)
        except EvidenceError as error:
            federation.refuse(peer["url"], "evidence", "invalid_evidence", str(error))
            continue
        new += record(federation, evidence, peer["url"]) == NEW
    return new


def documents(federation: Federation) -> list[dict[str, Any]]:
    """Every piece of evidence this node holds, as JSON documents."""
    return [orjson.loads(evidence) for _o, evidence, _at, _src in federation.store.evidence()]


def forked(federation: Federation) -> set[str]:
    """The origins of logs this node holds evidence against."""
    return federation.forked()
