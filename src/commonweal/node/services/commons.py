"""The commons as the node runs it: due allocations, and what the API and CLI show.

The node logs ``commons.round.allocated`` itself once a round's entries have
closed (``run_due``, called by the serving process every second, beside the
governance transitions). Everything else here is a read.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Hashable
from typing import Any

from commonweal.core.rfc3339 import format_utc
from commonweal.domain.commons import rounds
from commonweal.domain.commons.access import has_rights, suspension
from commonweal.domain.commons.records import BOOKINGS, REPORTS, RESOURCES, ROUNDS, SANCTIONS
from commonweal.domain.state import State
from commonweal.domain.timestamps import utc_stamp
from commonweal.node.kernel.due import Refusals, attempt
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Receipt

RECENT_REPORTS = 20


def run_due(node: Node, *, limit: int = 100, refusals: Refusals | None = None) -> list[Receipt]:
    """Allocate every round whose entries have closed (up to ``limit``); return the receipts.

    An allocation refused because the state moved between the draw and the commit
    (a sanction expired meanwhile) is drawn again later (``refusals``, node/kernel/due.py),
    and does not hold up the other rounds.
    """
    refusals = refusals or Refusals()
    receipts = []
    for _attempt in range(limit):
        with node.reading() as state:
            now = _now(node)
            pending = [
                r for r in rounds.due(state, now) if not refusals.waiting((rounds.ALLOCATED, r))
            ]
            if not pending:
                break
            round_id = pending[0]
            body = {
                "round": round_id,
                "allocation": rounds.allocate(state, round_id, node.identity.did, now),
            }
        receipt = attempt(node, refusals, (rounds.ALLOCATED, round_id), body)
        if receipt is not None:
            receipts.append(receipt)
    return receipts


def _now(node: Node) -> str:
    return format_utc(max(node.clock(), node.last_received))


def _today(node: Node) -> str:
    """Now, to the second, in the form booking times take (so strings compare as times)."""
    return utc_stamp(node.clock())


# -- reads --------------------------------------------------------------------------


def resources(node: Node) -> list[dict[str, Any]]:
    """Every shared resource, oldest first, as a summary."""
    now = _today(node)
    with node.reading() as state:
        counts = Counter(b["resource"] for b in _upcoming(state, now))
        return [
            _summary(record, counts[record["id"]]) for _id, record in sorted(state.items(RESOURCES))
        ]


def resource_view(node: Node, resource_id: int) -> dict[str, Any]:
    """A resource with its rules, its bookings to come, its rounds and recent reports."""
    now = _today(node)
    with node.reading() as state:
        record = _get(state, RESOURCES, resource_id, "shared resource")
        upcoming = sorted(
            (b for b in _upcoming(state, now) if b["resource"] == resource_id),
            key=lambda b: (b["start"], b["unit"], b["id"]),
        )
        reports = [r for _id, r in sorted(state.items(REPORTS)) if r["resource"] == resource_id]
        return {
            **_summary(record, len(upcoming)),
            "description": record["description"],
            "rules": record["rules"],
            "rules_version": record["rules_version"],
            "rules_changed_at": record["rules_changed_at"],
            "registered_by": record["registered_by"],
            "registered_at": record["registered_at"],
            "bookings": upcoming,
            "rounds": [r for _id, r in sorted(state.items(ROUNDS)) if r["resource"] == resource_id],
            "reports": reports[-RECENT_REPORTS:],
        }


def bookings(
    node: Node,
    *,
    resource: int | None = None,
    member: str | None = None,
    include_past: bool = False,
) -> list[dict[str, Any]]:
    """Bookings by start time, optionally of one resource or member; by default only those
    confirmed and not yet ended."""
    now = _today(node)
    with node.reading() as state:
        found = [
            record
            for _id, record in state.items(BOOKINGS)
            if (resource is None or record["resource"] == resource)
            and (member is None or record["member"] == member)
            and (include_past or (record["status"] == "confirmed" and record["end"] > now))
        ]
    return sorted(found, key=lambda b: (b["start"], b["resource"], b["unit"], b["id"]))


def booking_view(node: Node, booking_id: int) -> dict[str, Any]:
    """One booking, with its deposit."""
    with node.reading() as state:
        return dict(_get(state, BOOKINGS, booking_id, "booking"))


def round_view(node: Node, round_id: int) -> dict[str, Any]:
    """A round; once allocated, with every entrant's lottery ticket so anyone can re-draw."""
    with node.reading() as state:
        record = dict(_get(state, ROUNDS, round_id, "allocation round"))
    if record["seed"] is not None and record["method"] == "lottery":
        record["tickets"] = {
            did: hashlib.sha256(f"{record['seed']}|{did}".encode()).hexdigest()
            for did in rounds.draw(node.identity.did, round_id, [d for d, _i in record["entries"]])
        }
    return record


def sanctions(
    node: Node, *, resource: int | None = None, member: str | None = None
) -> list[dict[str, Any]]:
    """Sanctions, newest first, optionally of one resource or member."""
    with node.reading() as state:
        return [
            record
            for _id, record in sorted(state.items(SANCTIONS), reverse=True)
            if (resource is None or record["resource"] == resource)
            and (member is None or record["member"] == member)
        ]


def sanction_view(node: Node, sanction_id: int) -> dict[str, Any]:
    """One sanction with its appeal and decision."""
    with node.reading() as state:
        return dict(_get(state, SANCTIONS, sanction_id, "sanction"))


def standing(node: Node, did: str) -> dict[str, Any]:
    """A member's standing in each resource: may they use it now, and if not, until when."""
    now = _today(node)
    with node.reading() as state:
        rights = []
        for _id, record in sorted(state.items(RESOURCES)):
            blocking = suspension(state, record["id"], did, now)
            rights.append(
                {
                    "resource": record["id"],
                    "title": record["title"],
                    "may_use": has_rights(state, record, did, now),
                    "suspended_by": None if blocking is None else blocking["id"],
                    "suspended_until": None if blocking is None else blocking["until"],
                }
            )
    return {
        "member": did,
        "resources": rights,
        "bookings": bookings(node, member=did),
        "sanctions": sanctions(node, member=did),
    }


def _upcoming(state: State, now: str) -> list[dict[str, Any]]:
    """Confirmed bookings that have not ended (``now`` in normal form)."""
    return [b for _id, b in state.items(BOOKINGS) if b["status"] == "confirmed" and b["end"] > now]


def _summary(record: dict[str, Any], upcoming: int) -> dict[str, Any]:
    rules = record["rules"]
    return {
        "id": record["id"],
        "kind": record["kind"],
        "title": record["title"],
        "allocation": rules["allocation"],
        "units": rules["units"],
        "stewards": rules["stewards"],
        "deposit": rules["deposit"],
        "condition": record["condition"],
        "upcoming_bookings": upcoming,
    }


def _get(state: State, table: str, key: Hashable, what: str) -> dict[str, Any]:
    record: dict[str, Any] | None = state.get(table, key)
    if record is None:
        raise Rejected("not_found", "there is no %(what)s %(key)s", what=what, key=key)
    return record
