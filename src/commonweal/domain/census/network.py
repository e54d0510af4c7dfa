"""The network census: recognised nodes' census entries, summed, as one logged count.

The node that counts (an alliance, or any node) fetches each recognised node's latest
census, proves it is in that node's log under a checkpoint its witnesses cosigned, and
logs ``census.network.counted`` with the entries that passed and the nodes refused.
Proofs need the network, so they are checked before the event is written and again by
``commonweal census audit`` from outside; this rule checks what the log can: each
entry's node is this node or one it recognises (with that key and log), each is covered
by the checkpoint it names, no node counts twice, and the totals are the entries' sum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from commonweal.domain.census.events import FIGURES, normal_form
from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.federation.standing import RECOGNITIONS, RECOGNIZED
from commonweal.domain.fields import only
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.words import N_

COUNTED = "census.network.counted"
NETWORK = "census.network"
"""count number (from 1) → a network census logged: its body, index and time;
``"latest"`` is kept in :data:`NETWORK_META`."""
NETWORK_META = "census.network.meta"
"""``"latest"`` → the number of the latest network census."""
MAX_NODES = 1000
ENTRY_FIELDS = {"node", "key", "origin", "epoch", "index", "checkpoint", "figures", "members_root"}


def totals(entries: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The sum of the entries' figures (funds by unit), and how many nodes they are."""
    summed: dict[str, Any] = {name: 0 for name in FIGURES if name != "funds"}
    funds: dict[str, int] = {}
    for entry in entries:
        for name in summed:
            summed[name] += entry["figures"][name]
        for unit, amount in entry["figures"]["funds"].items():
            funds[unit] = funds.get(unit, 0) + amount
    return {**summed, "funds": dict(sorted(funds.items())), "nodes": len(entries)}


def people_totals(
    entries: Sequence[Mapping[str, Any]], period: str, united: Sequence[str], distinct: int
) -> dict[str, Any]:
    """``totals.people``: ``distinct`` people among the sets of the nodes ``united`` (each
    set of ``period``, proven and fetched); every other entry's node is ``people_unknown``."""
    return {
        "period": period,
        "distinct": distinct,
        "nodes": len(united),
        "people_unknown": sorted(e["node"] for e in entries if e["node"] not in united),
    }


def check_people(entries: Sequence[Mapping[str, Any]], people: Any) -> None:
    """What the log can check of ``totals.people``: the united nodes are the entries with a
    people commitment of the period, the others are unknown, and
    ``max(count) ≤ distinct ≤ sum(count)`` (the union itself needs the sets)."""
    if not isinstance(people, dict) or set(people) != {
        "period",
        "distinct",
        "nodes",
        "people_unknown",
    }:
        raise InvalidBody("totals.people is {period, distinct, nodes, people_unknown}")
    period, distinct = people["period"], people["distinct"]
    if not isinstance(period, str) or type(distinct) is not int:
        raise InvalidBody("totals.people's period is a month and distinct an integer")
    counts = [
        e["people"]["count"] for e in entries if "people" in e and e["people"]["period"] == period
    ]
    unknown = sorted(
        e["node"] for e in entries if "people" not in e or e["people"]["period"] != period
    )
    if people["nodes"] != len(counts) or people["people_unknown"] != unknown:
        raise Conflict(
            "totals.people must unite exactly the entries committed for its period",
            code="census_mismatch",
        )
    if not max(counts, default=0) <= distinct <= sum(counts):
        raise Conflict(
            "%(distinct)s distinct people is impossible for sets of %(counts)s people "
            "(at least the largest, at most their sum)",
            code="census_mismatch",
            distinct=distinct,
            counts=counts,
        )


def parse_count(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"entries": [...], "refused": [{"node", "reason"}], "totals": {...}}``."""
    only(body, {"entries", "refused", "totals"}, {"entries", "refused", "totals"})
    entries, refused = body["entries"], body["refused"]
    if not isinstance(entries, list) or not isinstance(refused, list):
        raise InvalidBody("entries and refused must be lists")
    if len(entries) + len(refused) > MAX_NODES:
        raise InvalidBody("a network census names at most %(max_nodes)s nodes", max_nodes=MAX_NODES)
    for entry in entries:
        if not isinstance(entry, dict):
            raise InvalidBody("each entry is an object")
        only(entry, ENTRY_FIELDS | {"people_root", "people"}, ENTRY_FIELDS, where="entry")
        if "people" in entry:
            _check_entry_people(entry["people"])
        for name in ("node", "key", "origin", "members_root"):
            _text(entry[name], f"entry.{name}")
        figures, checkpoint = entry["figures"], entry["checkpoint"]
        if not isinstance(figures, dict) or set(figures) != set(FIGURES):
            raise InvalidBody(
                "an entry's figures have exactly: %(names)s", names=", ".join(FIGURES)
            )
        if not all(type(figures[n]) is int and figures[n] >= 0 for n in FIGURES if n != "funds"):
            raise InvalidBody("an entry's figures are non-negative integers")
        if not isinstance(figures["funds"], dict) or not all(
            type(v) is int for v in figures["funds"].values()
        ):
            raise InvalidBody("an entry's funds are whole amounts by unit")
        if not isinstance(checkpoint, dict) or set(checkpoint) != {"size", "root", "cosigners"}:
            raise InvalidBody("an entry's checkpoint is {size, root, cosigners}")
        if type(entry["index"]) is not int or type(checkpoint["size"]) is not int:
            raise InvalidBody("index and checkpoint.size are integers")
    for refusal in refused:
        if not isinstance(refusal, dict) or set(refusal) != {"node", "reason"}:
            raise InvalidBody("each refusal is {node, reason}")
        _text(refusal["node"], "refused.node")
        _text(refusal["reason"], "refused.reason")
    return dict(normal_form(body))


def _check_entry_people(people: Any) -> None:
    if not isinstance(people, dict) or set(people) != {"index", "period", "people_root", "count"}:
        raise InvalidBody("an entry's people is {index, period, people_root, count}")
    if not all(type(people[n]) is int and people[n] >= 0 for n in ("index", "count")):
        raise InvalidBody("an entry's people index and count are non-negative integers")
    _text(people["period"], "entry.people.period")
    _text(people["people_root"], "entry.people.people_root")


def _text(value: Any, where: str) -> None:
    if not isinstance(value, str) or not 0 < len(value) <= 1000:
        raise InvalidBody("%(where)s must be text (1 to 1,000 characters)", where=where)


def apply_count(state: State, ctx: Context, body: dict[str, Any]) -> None:
    """The node logs a network census: every entry's node known, covered, once; totals summed."""
    require_node_key(ctx, refusal=N_("only the node itself logs a network census"))
    seen: set[str] = set()
    for entry in body["entries"]:
        node = entry["node"]
        if node in seen:
            raise Conflict("%(node)s is counted twice", code="census_mismatch", node=node)
        seen.add(node)
        if node == ctx.node_did:
            known = entry["key"] == ctx.node_key
        else:
            recognition = state.get(RECOGNITIONS, node)
            known = (
                recognition is not None
                and recognition["status"] == RECOGNIZED
                and recognition["key"] == entry["key"]
                and recognition["origin"] == entry["origin"]
            )
        if not known:
            raise NotPermitted(
                "%(node)s is not a node this one recognises", code="not_recognized", node=node
            )
        if not 0 <= entry["index"] < entry["checkpoint"]["size"]:
            raise Conflict(
                "the census of %(node)s is not covered by the checkpoint it names",
                code="census_mismatch",
                node=node,
            )
        if "people" in entry and not 0 <= entry["people"]["index"] < entry["checkpoint"]["size"]:
            raise Conflict(
                "the people commitment of %(node)s is not covered by the checkpoint it names",
                code="census_mismatch",
                node=node,
            )
    summed = {k: v for k, v in body["totals"].items() if k != "people"}
    if summed != totals(body["entries"]):
        raise Conflict("the network totals are not the sum of the entries", code="census_mismatch")
    if "people" in body["totals"]:
        check_people(body["entries"], body["totals"]["people"])
    count = state.get(NETWORK_META, "latest", 0) + 1
    state.put(NETWORK, count, {"body": body, "index": ctx.index, "at": ctx.received})
    state.put(NETWORK_META, "latest", count)


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        COUNTED,
        "The node logs the network census: recognised nodes' proven census entries, summed.",
        parse_count,
        apply_count,
    ),
)
