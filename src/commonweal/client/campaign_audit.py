"""Checking a network threshold campaign from the outside: every report against the
node that made it, and the home's count against the reports.

For each node whose report the home counted, the audit fetches from that node the
entries that carried and closed its copy of the campaign (named in the report's
source), proves both are in its log under a checkpoint signed by its key
(inclusion proofs), and checks that they carried this home's campaign — with the
very terms of the launch entry, proven in the home's log — and closed it with
exactly the count the home added and exactly the members (did:keys) the home holds
for that report; once that node settled its copy, that it settled it by the home's
own closing, with the home's outcome. The closing entry's own rule recounted the
pledges, so ``commonweal verify <node>`` extends the check to every pledge;
``commonweal verify <home>`` re-decides the outcome from the local pledges and the
reports. The totals recount the people from what the home serves — its own pledgers
and every reported member, each DID once — and check the home's ``people`` and its
outcome against that count (not against the sum, which counts a person who pledged
at two nodes twice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from commonweal.client.audit_checks import REPORT_FAILURES, Check, check_reports
from commonweal.core.checkpoint import open_checkpoint
from commonweal.core.note import NoteVerifier
from commonweal.domain.campaigns.events import LAUNCHED
from commonweal.domain.campaigns.network import CARRIED_CLOSED, CARRIED_EVENT, CARRIED_SETTLED
from commonweal.domain.federation.subtotal_check import AuditFailure
from commonweal.node.services.federation.peer_client import PeerClient, proven_entry


@dataclass
class CampaignAudit:
    """What the audit found."""

    campaign: int
    checks: list[Check] = field(default_factory=list)
    totals: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(ok for _n, ok, _d in self.checks) and all(ok for _n, ok, _d in self.totals)


def audit_campaign(
    home_url: str, campaign_id: int, *, http: httpx.Client | None = None
) -> CampaignAudit:
    """Audit network campaign ``campaign_id`` of the node at ``home_url``."""
    home = PeerClient(home_url, http=http)
    record = home.get_json(f"/v1/campaigns/{campaign_id}")
    identity = home.identity()
    home_did = identity["did"]
    nodes = {r["node"]: r for r in home.get_json("/v1/federation/recognitions")["recognitions"]}
    audit = CampaignAudit(campaign_id)
    if not record.get("network"):
        audit.totals.append(("network", False, f"campaign {campaign_id} is not a network one"))
        return audit
    try:
        checkpoint = open_checkpoint(home.checkpoint(), NoteVerifier(identity["vkey"]))
        launch = proven_entry(home, campaign_id, checkpoint.size, checkpoint.root)
        if launch["type"] != LAUNCHED:
            raise AuditFailure(f"entry {campaign_id} of the home's log launched no campaign")
    except REPORT_FAILURES as error:
        audit.totals.append(
            ("launch", False, f"the launch is not proven in the home's log: {error}")
        )
        return audit
    closing = (str(record["status"]), record.get("closed_index"))

    def check(node_did: str, node: dict[str, Any], report: dict[str, Any]) -> str:
        counted = record["remote"].get(node_did)
        return _check_report(node, report, counted, home_did, launch, closing, home.http)

    reports = sorted(record.get("reports", {}).items())
    audit.checks = check_reports(reports, nodes, "the home does not say where this node is", check)
    _check_totals(audit, record)
    return audit


def _check_report(
    node: dict[str, Any],
    report: dict[str, Any],
    counted: int | None,
    home: str,
    launch: dict[str, Any],
    closing: tuple[str, int | None],
    http: httpx.Client,
) -> str:
    campaign_id = launch["index"]
    client = PeerClient(node["url"], http=http)
    checkpoint = open_checkpoint(client.checkpoint(), NoteVerifier(node["vkey"]))
    if report["origin"] != checkpoint.origin:
        raise AuditFailure("the report names another log")
    copy = proven_entry(client, report["carried"], checkpoint.size, checkpoint.root)
    closed = proven_entry(client, report["closed"], checkpoint.size, checkpoint.root)
    if copy["type"] != CARRIED_EVENT or (
        copy["body"].get("home"),
        copy["body"].get("campaign"),
    ) != (
        home,
        campaign_id,
    ):
        raise AuditFailure(f"entry {report['carried']} did not carry this campaign")
    carried_launch = (copy["body"].get("launch"), copy["body"].get("launched_at"))
    if carried_launch != (launch["body"], launch["received"]):
        raise AuditFailure(f"entry {report['carried']} carried other terms than the home's launch")
    body = closed["body"]
    if closed["type"] != CARRIED_CLOSED or (body.get("home"), body.get("campaign")) != (
        home,
        campaign_id,
    ):
        raise AuditFailure(f"entry {report['closed']} did not close this campaign's copy")
    logged = body.get("pledgers")
    if logged != report["pledgers"] or logged != counted:
        raise AuditFailure(
            f"the home counted {counted} pledgers, but the node's log closed its copy with "
            f"{logged} (entry {report['closed']})"
        )
    named = body.get("members")
    if named != report.get("members"):
        raise AuditFailure(
            f"the home holds other members for this report than the {logged} the node's log "
            f"closed its copy with (entry {report['closed']})"
        )
    settled = _check_settled(client, checkpoint, home, campaign_id, closing)
    return (
        f"{logged} pledgers, each named: entry {report['closed']} of {checkpoint.origin}, "
        f"proven under its checkpoint {checkpoint.size}{settled}"
    )


def _check_settled(
    client: PeerClient,
    checkpoint: Any,
    home: str,
    campaign_id: int,
    closing: tuple[str, int | None],
) -> str:
    """Once the node settled its copy, its settlement must be the home's outcome."""
    status, closed_index = closing
    copy = client.get_json(f"/v1/campaigns/carried/{campaign_id}", home=home)
    index = copy.get("settled_index")
    if index is None or index >= checkpoint.size:
        return "; not settled there yet"
    settled = proven_entry(client, index, checkpoint.size, checkpoint.root)
    body = settled["body"]
    if settled["type"] != CARRIED_SETTLED or (body.get("home"), body.get("campaign")) != (
        home,
        campaign_id,
    ):
        raise AuditFailure(f"entry {index} did not settle this campaign's copy")
    if (body.get("outcome"), body.get("closed")) != (status, closed_index):
        raise AuditFailure(
            f"entry {index} settled the copy as {body.get('outcome')} by entry "
            f"{body.get('closed')}, but the home says {status} by entry {closed_index}"
        )
    return f"; settled as {status} (entry {index})"


def _check_totals(audit: CampaignAudit, record: dict[str, Any]) -> None:
    remote = sum(record["remote"].values())
    reports = record.get("reports", {})
    same = set(record["remote"]) == set(reports)
    audit.totals.append(("reports", same, f"{len(record['remote'])} nodes reported {remote}"))
    # the home's own pledgers: every pledge that stood at the close (or stands now)
    here = {p["pledger"] for p in record.get("pledges", []) if p["status"] != "withdrawn"}
    audit.totals.append(
        (
            "here",
            len(here) == record["pledgers"],
            f"{len(here)} pledges stand in the home's log; it counts {record['pledgers']}",
        )
    )
    reported = {did for report in reports.values() for did in report.get("members", [])}
    people = len(here | reported)
    twice = record["pledgers"] + remote - people
    audit.totals.append(
        (
            "people",
            people == record.get("people"),
            f"{record['pledgers']} here + {remote} elsewhere = {record['pledgers'] + remote} "
            f"pledges by {people} people ({twice} duplicates removed); "
            f"the home says {record.get('people')}",
        )
    )
    if record["status"] in ("succeeded", "failed"):
        succeeded = people >= record["threshold"]
        audit.totals.append(
            (
                "outcome",
                succeeded == (record["status"] == "succeeded"),
                f"{people} people of {record['threshold']}: {record['status']}",
            )
        )


__all__ = ["CampaignAudit", "audit_campaign"]
