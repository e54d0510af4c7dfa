"""The network census as a node takes and shows it: every recognised node's latest census,
proven in that node's cosigned log, summed and logged (``census.network.counted``).

A node's entry is refused — named in ``refused`` with the reason, and nothing of it
added — when its census is not in its log, differs from what its log says, or is not
covered by a checkpoint its witnesses cosigned. This node's own census is counted when
its own cosigned checkpoint covers it. The count is taken in the federation's sync
round whenever some recognised node (or this one) has a census newer than the last
count used (:func:`run_due`), or at once when the operator asks for a sync round
(``POST /v1/federation/sync``, signed by the node's key; ``commonweal census take
--network``).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from commonweal.core.rfc3339 import format_utc
from commonweal.domain.census import events as census
from commonweal.domain.census import people as census_people
from commonweal.domain.census.network import (
    COUNTED,
    NETWORK,
    NETWORK_META,
    people_totals,
    totals,
)
from commonweal.domain.federation.people import distinct_people
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.services.census_proofs import (
    CensusRefused,
    NoCensus,
    served_people,
    witnessed_census,
)
from commonweal.node.services.federation import witness
from commonweal.node.services.federation.cosigned import witness_keys
from commonweal.node.services.federation.service import Federation
from commonweal.store.census_store import CensusStore


def gather(federation: Federation) -> dict[str, Any]:
    """The body of a network census taken now: proven entries, refusals, and their totals."""
    node = federation.node
    vkeys = list(witness_keys(federation).values())
    entries, refused = [], []
    own = _own_entry(federation)
    if isinstance(own, str):
        refused.append({"node": node.identity.did, "reason": own})
    elif own is not None:
        entries.append(own)
    sets: dict[str, list[str]] = {}
    period = people_period(node)
    if isinstance(own, dict) and own.get("people", {}).get("period") == period:
        kept = CensusStore(node.store).people(own["epoch"])
        if kept is not None:
            sets[own["node"]] = kept[1]
    for peer in federation.recognitions():
        described = {k: peer[k] for k in ("node", "key", "origin", "vkey")}
        client = federation.client(peer["url"])
        try:
            entry = witnessed_census(client, described, vkeys)
        except NoCensus:
            continue  # a node that takes no census (an alliance of nodes) has nothing to count
        except CensusRefused as refusal:
            refused.append({"node": peer["node"], "reason": str(refusal)[:500]})
            continue
        entries.append(entry)
        if entry.get("people", {}).get("period") == period:
            try:
                sets[entry["node"]] = served_people(client, entry)
            except CensusRefused:
                continue  # counted, its people unknown: the audit says why
    entries.sort(key=lambda e: e["node"])
    refused.sort(key=lambda r: r["node"])
    for entry in entries:  # a set that did not check out: that node's people are unknown
        if entry["node"] not in sets:
            entry.pop("people", None)
    summed = totals(entries)
    distinct = distinct_people(sets.values())
    summed["people"] = people_totals(entries, period, sorted(sets), distinct)
    return {"entries": entries, "refused": refused, "totals": summed}


def people_period(node: Node) -> str:
    """The period whose sets a network census taken now unites: this month (UTC)."""
    return census_people.period_of(format_utc(max(node.clock(), node.last_received)))


def _own_entry(federation: Federation) -> dict[str, Any] | str | None:
    """This node's latest census, if its own cosigned checkpoint covers it (else the reason;
    None if it never took one)."""
    node = federation.node
    with node.reading() as state:
        latest = census.latest(state)
    if latest is None:
        return None
    final = witness.final_checkpoint(federation)
    if final is None or final.size <= latest["index"]:
        return "this node's census is not yet covered by a cosigned checkpoint"
    body = latest["body"]
    cosigners = len(federation.store.cosignatures(final.size))
    entry = {
        "node": node.identity.did,
        "key": node.identity.key_did,
        "origin": node.identity.origin,
        "epoch": body["epoch"],
        "index": latest["index"],
        "checkpoint": {
            "size": final.size,
            "root": base64.b64encode(final.root).decode(),
            "cosigners": cosigners,
        },
        "figures": body["figures"],
        "members_root": body["members_root"],
    }
    if "people_root" in body:
        entry["people_root"] = body["people_root"]
    with node.reading() as state:
        committed = census_people.commitment(state, body["epoch"])
    if committed is not None and committed["index"] < final.size:
        entry["people"] = {k: committed[k] for k in ("index", "period", "people_root", "count")}
    return entry


def take(federation: Federation) -> Receipt:
    """Gather and log a network census now."""
    return federation.node.submit_as_node(COUNTED, gather(federation))


GATHER_EVERY_ROUNDS = 30
"""The network census is gathered at most once every 30 sync rounds (30 s by default):
each gathering asks every recognised node for four small documents."""
_gathered: WeakKeyDictionary[Federation, float] = WeakKeyDictionary()


def run_due(federation: Federation, *, now: Callable[[], float] = time.monotonic) -> Receipt | None:
    """Take a network census if some node's census is newer than the last count used it
    (looked at no more often than every :data:`GATHER_EVERY_ROUNDS` sync rounds)."""
    interval = GATHER_EVERY_ROUNDS * federation.node.config.federation_sync_seconds
    last = _gathered.get(federation)
    if last is not None and now() - last < interval:
        return None
    _gathered[federation] = now()
    body = gather(federation)
    previous = latest(federation.node)
    used = {_used(e) for e in previous.get("entries", [])} if previous else set()
    fresh = {_used(e) for e in body["entries"]}
    if not fresh or fresh == used:
        return None
    try:
        return federation.node.submit_as_node(COUNTED, body)
    except Rejected:
        return None  # a recognition changed meanwhile: the next round counts again


def _used(entry: dict[str, Any]) -> tuple[str, int, bool]:
    """What of an entry makes a new count worth taking: a new census, or its people now known."""
    return entry["node"], entry["epoch"], "people" in entry


# -- reads -----------------------------------------------------------------------------


def latest(node: Node) -> dict[str, Any]:
    """The latest network census logged here (empty entries before the first)."""
    counts = history(node, last=1)
    if counts:
        return counts[-1]
    return {"count": 0, "entries": [], "refused": [], "totals": totals([]), "index": None}


def history(node: Node, last: int | None = None) -> list[dict[str, Any]]:
    """Every network census logged here, oldest first (or the ``last`` few)."""
    with node.reading() as state:
        count = state.get(NETWORK_META, "latest", 0)
        first = 1 if last is None else max(1, count - last + 1)
        records = [(n, state.get(NETWORK, n)) for n in range(first, count + 1)]
    return [
        {"count": n, "index": r["index"], "at": r["at"], **r["body"]}
        for n, r in records
        if r is not None
    ]
