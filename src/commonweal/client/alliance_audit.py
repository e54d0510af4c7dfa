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

from dataclasses import dataclass, field
from typing import Any

import httpx

from commonweal.client.audit_checks import check_reports
from commonweal.core.checkpoint import open_checkpoint
from commonweal.core.note import NoteVerifier
from commonweal.domain.federation.people import count_once
from commonweal.domain.federation.subtotal_check import AuditFailure, check_precinct_entries
from commonweal.node.services.federation.peer_client import PeerClient, proven_entry

PrecinctCheck = tuple[str, bool, str]
"""(member node, passed, what was found)."""


@dataclass
class Audit:
    """What the audit found."""

    vote: int
    checks: list[PrecinctCheck] = field(default_factory=list)
    totals: list[tuple[str, bool, str]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    """Each person two or more precincts reported: where they were counted, where not."""

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

    def check(_key: str, member: dict[str, Any], report: dict[str, Any]) -> str:
        return _check_report(member, report, identity["did"], vote_id, alliance.http)

    unplaced = "the alliance does not say where this node is"
    audit.checks = check_reports(record["subtotals"].items(), members, unplaced, check)
    _check_totals(audit, record)
    return audit


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
        check_people(audit, reports, result)


def check_people(audit: Audit, reports: dict[str, Any], result: dict[str, Any]) -> None:
    """Recount the per-capita totals with each person once, list every person reported by
    more than one precinct, and check the alliance counted exactly that."""
    try:
        once = count_once(reports)
    except (KeyError, TypeError, ValueError) as error:
        audit.totals.append(("people", False, f"the precincts' people cannot be read: {error}"))
        return
    audit.duplicates = once["duplicates"]
    for duplicate in once["duplicates"]:
        audit.totals.append(
            (
                "double-reported",
                True,
                f"person {duplicate['person'][:16]}… reported by "
                f"{', '.join(duplicate['also_in'])} is also counted in "
                f"{duplicate['counted_in']}: counted once, there",
            )
        )
    ballots = sum(count for _ballot, count in once["patterns"])
    electorate = once["electorate"]
    counted = (result.get("participating"), result.get("electorate"))
    audit.totals.append(
        (
            "sum",
            (ballots, electorate) == counted,
            f"{ballots} ballots of {electorate} distinct people in all"
            + ("" if (ballots, electorate) == counted else f"; the alliance counted {counted}"),
        )
    )


__all__ = ["Audit", "AuditFailure", "audit_vote", "check_precinct_entries"]
