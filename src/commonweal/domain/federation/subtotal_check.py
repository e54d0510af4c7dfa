"""Whether a member node's log entries opened and closed a precinct with exactly the
subtotal an alliance counted: the one check both the outside audit
(``client/alliance_audit``) and the alliance's own pages (over their verified mirrors)
run. Pure: the entries are given, already proven."""

from __future__ import annotations

from typing import Any

from commonweal.domain.errors import DomainError
from commonweal.domain.federation.calls import canonical
from commonweal.domain.federation.people import parse_people
from commonweal.domain.federation.precincts import CLOSED, OPENED


class AuditFailure(Exception):
    """A subtotal that does not match what its node's log says."""


def check_precinct_entries(
    opened: dict[str, Any],
    closed: dict[str, Any],
    report: dict[str, Any],
    alliance: str,
    vote_id: int,
) -> None:
    """That ``opened`` and ``closed`` (entries of the member's log: type and body) opened a
    precinct of ``alliance``'s vote ``vote_id`` and closed it with exactly the subtotal
    ``report`` gives; raise :class:`AuditFailure` otherwise. The alliance's own pages
    run the same check over their verified mirrors (node/services/federation/vote_audit.py)."""
    source = report["source"]
    if opened["type"] != OPENED or opened["body"].get("alliance") != alliance:
        raise AuditFailure(f"entry {source['precinct']} did not open a precinct of this alliance")
    if opened["body"].get("vote") != vote_id:
        raise AuditFailure(f"entry {source['precinct']} opened a precinct for another vote")
    if closed["type"] != CLOSED or closed["body"].get("precinct") != source["precinct"]:
        raise AuditFailure(f"entry {source['closed']} did not close that precinct")
    logged = closed["body"]["subtotal"]
    counted = {k: report[k] for k in ("electorate", "ballots", "patterns")}
    if canonical(logged) != canonical(counted):
        raise AuditFailure("the subtotal the alliance counted differs from the node's log")
    try:
        parse_people(report.get("people"), logged)
    except DomainError as error:
        raise AuditFailure(f"its people do not match its logged subtotal: {error}") from None
