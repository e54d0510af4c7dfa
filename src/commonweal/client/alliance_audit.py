"""Checking a network-wide vote from the outside: every subtotal against its node's log,
and the alliance's totals against the subtotals.

For each member node's report the audit fetches, from that node, the entries that
opened and closed its precinct, proves both are in its log under a checkpoint
signed by its key (inclusion proofs), and checks that the precinct was opened for
this alliance's vote and closed with exactly the subtotal the alliance counted.
The closing entry's own rule recounted the subtotal from the ballots, so
``commonweal verify <member>`` extends the check down to every ballot; and
``commonweal verify <alliance>`` recounts the result from the subtotals.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import httpx

from commonweal.core.checkpoint import open_checkpoint
from commonweal.core.events import EventError, leaf_bytes, parse_event
from commonweal.core.merkle import ProofError, leaf_hash, verify_inclusion
from commonweal.core.note import NoteError, NoteVerifier
from commonweal.domain.federation.subtotal_check import AuditFailure, check_precinct_entries
from commonweal.node.services.federation.peer_client import PeerClient, PeerError

PrecinctCheck = tuple[str, bool, str]
"""(member node, passed, what was found)."""


@dataclass
class Audit:
    """What the audit found."""

    vote: int
    checks: list[PrecinctCheck] = field(default_factory=list)
    totals: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(ok for _n, ok, _d in self.checks) and all(ok for _n, ok, _d in self.totals)


def audit_vote(alliance_url: str, vote_id: int, *, http: httpx.Client | None = None) -> Audit:
    """Audit network vote ``vote_id`` of the alliance at ``alliance_url``."""
    alliance = PeerClient(alliance_url, http=http)
    record = alliance.get_json(f"/v1/federation/votes/{vote_id}")
    identity = alliance.identity()
    members = {
        r["key"]: r for r in alliance.get_json("/v1/federation/recognitions")["recognitions"]
    }
    audit = Audit(vote_id)
    for node_key, report in record["subtotals"].items():
        member = members.get(node_key)
        if member is None:
            audit.checks.append((node_key, False, "the alliance does not say where this node is"))
            continue
        try:
            detail = _check_report(member, report, identity["did"], vote_id, alliance.http)
            audit.checks.append((node_key, True, detail))
        except (PeerError, NoteError, ProofError, EventError, AuditFailure) as error:
            audit.checks.append((node_key, False, str(error)))
    _check_totals(audit, record)
    return audit


def proven_entry(client: PeerClient, index: int, size: int, root: bytes) -> dict[str, Any]:
    """Entry ``index`` of the log ``client`` serves, proven included under the checkpoint
    of ``size`` and ``root``: its type, body and receipt time."""
    logged = client.get_json(f"/v1/events/{index}")
    event = parse_event(logged["event"])
    leaf = leaf_bytes(event.canonical, logged["received"])
    digest = leaf_hash(leaf)
    if base64.b64encode(digest).decode() != logged["leaf_hash"]:
        raise AuditFailure(f"entry {index}: the leaf hash served is not the entry's")
    proof = client.get_json("/v1/proof/inclusion", index=index, size=size)["proof"]
    verify_inclusion(index, size, digest, [base64.b64decode(h) for h in proof], root)
    return {"type": event.type, "body": event.body, "received": logged["received"], "index": index}


def _check_report(
    member: dict[str, Any], report: dict[str, Any], alliance: str, vote_id: int, http: httpx.Client
) -> str:
    client = PeerClient(member["url"], http=http)
    checkpoint = open_checkpoint(client.checkpoint(), NoteVerifier(member["vkey"]))
    source = report["source"]
    if source["origin"] != checkpoint.origin:
        raise AuditFailure("the report names another log")
    opened = proven_entry(client, source["precinct"], checkpoint.size, checkpoint.root)
    closed = proven_entry(client, source["closed"], checkpoint.size, checkpoint.root)
    check_precinct_entries(opened, closed, report, alliance, vote_id)
    return (
        f"subtotal of {report['ballots']} ballots ({report['electorate']} members) is entry "
        f"{source['closed']} of {checkpoint.origin}, proven under its checkpoint {checkpoint.size}"
    )


def _check_totals(audit: Audit, record: dict[str, Any]) -> None:
    result = record.get("result")
    if result is None:
        audit.totals.append(("result", True, "the vote is not closed yet"))
        return
    reports = record["subtotals"]
    counted = result.get("precincts", {})
    same = {n: (r["electorate"], r["ballots"]) for n, r in reports.items()} == {
        n: (p["electorate"], p["ballots"]) for n, p in counted.items()
    }
    audit.totals.append(("precincts", same, f"{len(counted)} precincts counted"))
    if record["weighting"] == "per_capita":
        ballots = sum(r["ballots"] for r in reports.values())
        electorate = sum(r["electorate"] for r in reports.values())
        audit.totals.append(
            (
                "sum",
                (ballots, electorate) == (result["participating"], result["electorate"]),
                f"{ballots} ballots of {electorate} members in all",
            )
        )


__all__ = ["Audit", "AuditFailure", "audit_vote", "check_precinct_entries"]
