"""Places as the API, the CLI and the pages show them: the list, one place, the footprint.

Registering, describing and closing a place are signed events for ``POST /v1/events``
(docs/places.md); these are reads. A place's record names what funded it by log ids;
:func:`place_view` adds what those ids are (the campaign's title and outcome, the
proposal's title, the ledger entry's kind and amount) so the chain can be read in one go.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.campaigns.records import CAMPAIGNS
from commonweal.domain.commons.records import RESOURCES
from commonweal.domain.governance.records import PROPOSALS
from commonweal.domain.places.records import PLACES, footprint
from commonweal.domain.treasury.records import ENTRIES, UNITS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node

SUMMARY = (
    "id",
    "name",
    "kind",
    "location",
    "area_m2",
    "capacity",
    "tenure",
    "shares",
    "since",
    "closed",
)


def places(node: Node, *, closed: bool = False) -> list[dict[str, Any]]:
    """The places held (and those let go, when ``closed``), by name then id."""
    with node.reading() as state:
        found = [
            summary(record)
            for _id, record in state.items(PLACES)
            if closed or record["closed"] is None
        ]
    return sorted(found, key=lambda p: (p["name"].casefold(), p["id"]))


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """The members of a place every list shows."""
    return {key: record[key] for key in SUMMARY}


def listing(node: Node, *, closed: bool = False) -> dict[str, Any]:
    """``GET /v1/places``: this node, its places and their footprint."""
    with node.reading() as state:
        totals = footprint(state)
    return {
        "node": node.identity.did,
        "places": places(node, closed=closed),
        "footprint": totals,
    }


def place_view(node: Node, place_id: int) -> dict[str, Any]:
    """One place with the resources it holds and what funded it, in words and ids."""
    with node.reading() as state:
        record = state.get(PLACES, place_id)
        if record is None:
            raise Rejected("not_found", "there is no place %(place_id)s", place_id=place_id)
        resources = [
            {"id": rid, "title": (state.get(RESOURCES, rid) or {}).get("title", "")}
            for rid in record["resources"]
        ]
        funding = _funding(state, record["funding"] or {})
    return {**record, "resources": resources, "funded_by": funding}


def _funding(state: Any, funding: dict[str, int]) -> list[dict[str, Any]]:
    """What each funding id names: the campaign, the decision, the ledger entry."""
    found = []
    for kind, table, status in (
        ("campaign", CAMPAIGNS, "status"),
        ("proposal", PROPOSALS, "phase"),
    ):
        if kind in funding:
            row = state.get(table, funding[kind]) or {}
            found.append(
                {
                    "kind": kind,
                    "id": funding[kind],
                    "title": row.get("title", ""),
                    "status": row.get(status, ""),
                }
            )
    if "entry" in funding:
        entry = state.get(ENTRIES, funding["entry"]) or {}
        unit = state.get(UNITS, entry.get("unit", "")) or {}
        moved = sum(p["amount"] for p in entry.get("postings", []) if p["amount"] > 0)
        found.append(
            {
                "kind": "entry",
                "id": funding["entry"],
                "title": entry.get("type", ""),
                "status": entry.get("kind", ""),
                "amount": moved,
                "unit": entry.get("unit", ""),
                "exponent": unit.get("exponent", 0),
            }
        )
    return found
