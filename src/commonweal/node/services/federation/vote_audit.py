"""An alliance checks each precinct's subtotal against its member node's log, from the
verified mirror it keeps of that log: the entries that opened and closed the precinct
must be there and say exactly what the report says (the check ``commonweal alliance
audit`` runs from outside over the network, ``client/alliance_audit.py``).

The mirror holds only entries proven against checkpoints signed by the member node's
key, so a subtotal found there is as proven as one fetched with an inclusion proof.
A report whose entries the mirror has not reached yet is *not yet audited*, never
passed; one without a mirror says so and points at the command.
"""

from __future__ import annotations

from typing import Any

from commonweal.core.events import EventError, parse_leaf
from commonweal.core.language import _
from commonweal.domain.errors import DomainError
from commonweal.domain.federation import alliance
from commonweal.domain.federation.standing import RECOGNITIONS
from commonweal.domain.federation.subtotal_check import AuditFailure, check_precinct_entries
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services.federation import mirror
from commonweal.node.services.federation.service import Federation

AUDITED, FAILED, PENDING = "audited", "failed", "pending"
"""What the audit of one precinct found: matches the log, contradicts it, cannot tell yet."""


def audit_from_mirrors(federation: Federation, vote_id: int) -> dict[str, dict[str, Any]]:
    """member node key → ``{"status": audited|failed|pending, "detail": words}`` for every
    precinct that reported on network vote ``vote_id`` (``not_found`` if no such vote)."""
    node = federation.node
    with node.reading() as state:
        try:
            record = dict(alliance.network_vote(state, vote_id))
        except DomainError as error:
            raise Rejected.from_error(error) from None
        by_key = {r["key"]: dict(r) for _did, r in state.items(RECOGNITIONS)}
    found = {}
    for member, report in sorted(record.get("subtotals", {}).items()):
        found[member] = _audit(federation, by_key.get(member), report, vote_id)
    return found


def _audit(
    federation: Federation, member: dict[str, Any] | None, report: dict[str, Any], vote_id: int
) -> dict[str, Any]:
    source = report["source"]
    if member is None:
        return _found(
            PENDING, _("this node does not recognise that member node: audit from outside")
        )
    if member.get("origin") != source["origin"]:
        return _found(FAILED, _("the report names a log that is not this member node's"))
    if federation.store.mirror(source["origin"]) is None:
        return _found(PENDING, _("this node keeps no mirror of that log: audit it from outside"))
    entries = []
    for index in (source["precinct"], source["closed"]):
        leaf = mirror.leaf_at(federation, source["origin"], index)
        if leaf is None:
            return _found(
                PENDING, _("the mirror has not verified entry %(index)s yet", index=index)
            )
        try:
            parsed = parse_leaf(leaf)
        except EventError as error:
            return _found(FAILED, _("entry %(index)s: %(error)s", index=index, error=error))
        entries.append({"type": parsed.event.type, "body": parsed.event.body})
    try:
        check_precinct_entries(
            entries[0], entries[1], report, federation.node.identity.did, vote_id
        )
    except AuditFailure as failure:
        return _found(FAILED, str(failure))
    return _found(
        AUDITED,
        _(
            "entries %(opened)s and %(closed)s of its log (verified in this node's mirror) "
            "opened the precinct and closed it with this subtotal",
            opened=source["precinct"],
            closed=source["closed"],
        ),
    )


def _found(status: str, detail: str) -> dict[str, Any]:
    return {"status": status, "detail": detail}


__all__ = ["AUDITED", "FAILED", "PENDING", "audit_from_mirrors"]
