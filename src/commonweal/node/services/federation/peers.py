"""Peers as the operator sees them: adding one, recognising or withdrawing, and the
state of each treaty (mutual or not), witness and mirror."""

from __future__ import annotations

import base64
from typing import Any

import orjson

from commonweal.core.cosignature import parse_cosigner_vkey
from commonweal.core.events import EventError, parse_leaf
from commonweal.domain.errors import DomainError
from commonweal.domain.federation.recognition import GRANTED, WITHDRAWN_EVENT
from commonweal.domain.federation.terms import parse_terms
from commonweal.domain.governance.closing import EXECUTED
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Receipt
from commonweal.node.services.federation import evidence, mirror
from commonweal.node.services.federation.peer_client import PeerError
from commonweal.node.services.federation.service import Federation


def fetch_identity(federation: Federation, url: str) -> dict[str, Any]:
    """A node's well-known identity, refused unless it names the keys federation needs."""
    try:
        identity = federation.client(url, signed=False).identity()
    except PeerError as error:
        raise Rejected.saying("peer_unreachable", error) from None
    missing = [k for k in ("did", "key", "origin", "vkey", "witness") if not identity.get(k)]
    if missing:
        raise Rejected(
            "invalid_peer",
            "%(url)s does not publish %(missing)s",
            url=url,
            missing=", ".join(missing),
        )
    return identity


def add(federation: Federation, url: str) -> dict[str, Any]:
    """Remember a node by its URL (no recognition yet)."""
    identity = fetch_identity(federation, url)
    federation.store.put_peer(
        identity["did"], url.rstrip("/"), orjson.dumps(identity).decode(), federation.stamp()
    )
    return identity


def recognition_body(identity: dict[str, Any], url: str, terms: Any) -> dict[str, Any]:
    """The body of ``federation.recognition.granted`` for a node's identity document."""
    try:
        normal_terms = parse_terms(terms)
    except DomainError as error:
        raise Rejected.from_error(error) from None
    return {
        "node": identity["did"],
        "key": identity["key"],
        "origin": identity["origin"],
        "vkey": identity["vkey"],
        "witness": identity["witness"],
        "url": url.rstrip("/"),
        "name": str(identity.get("name", ""))[:120],
        "terms": normal_terms,
    }


def recognize(federation: Federation, url: str, terms: Any) -> Receipt:
    """Log this node's recognition of the node at ``url`` (where the constitution allows)."""
    identity = add(federation, url)
    return federation.node.submit_as_node(GRANTED, recognition_body(identity, url, terms))


def withdraw(federation: Federation, node: str, reason: str) -> Receipt:
    """Log the withdrawal of a recognition."""
    return federation.node.submit_as_node(WITHDRAWN_EVENT, {"node": node, "reason": reason})


def refresh_treaty(federation: Federation, peer: dict[str, Any]) -> str | None:
    """Learn whether ``peer`` recognises this node: the other half of the treaty.

    The peer says so in ``/v1/federation/recognitions``; its claim is kept only if
    the entry it names is in this node's verified mirror of its log and is a
    recognition, a withdrawal, or a decision executed by the peer's governance.
    """
    me = federation.node.identity.did
    listed = federation.client(peer["url"], signed=False).get_json("/v1/federation/recognitions")
    record = next((r for r in listed.get("recognitions", []) if r.get("node") == me), None)
    if record is None:
        return None
    index = record["withdrawn"]["index"] if record.get("withdrawn") else record.get("index")
    leaf = mirror.leaf_at(federation, peer["origin"], int(index)) if index is not None else None
    if leaf is None:
        return None  # not mirrored that far yet: next round
    try:
        kind = parse_leaf(leaf).event.type
    except EventError:
        kind = ""
    if kind not in (GRANTED, WITHDRAWN_EVENT, EXECUTED):
        federation.refuse(peer["url"], "treaty", "invalid_claim", f"entry {index} is a {kind}")
        return None
    status = str(record.get("status", ""))
    federation.store.put_peer_recognition(
        peer["node"], status, int(index), orjson.dumps(record.get("terms", {})).decode()
    )
    return status


def overview(federation: Federation) -> list[dict[str, Any]]:
    """Every known node: recognition (ours and theirs), witness, mirror, fork status."""
    store = federation.store
    theirs = store.peer_recognitions()
    cosigned = store.cosigned_sizes()
    mirrors = {row.did: row for row in store.all_mirrors()}
    forked = evidence.forked(federation)
    rows: dict[str, dict[str, Any]] = {}
    for did, url, identity, added in store.peers():
        rows[did] = {"node": did, "url": url, "name": orjson.loads(identity).get("name", "")}
        rows[did]["added_at"] = added
    for record in federation.recognitions(in_force=False):
        row = rows.setdefault(record["node"], {"node": record["node"]})
        row.update({"url": record["url"], "name": record["name"], "origin": record["origin"]})
        row["recognized"] = record["status"] == "recognized"
        row["terms"] = record["terms"]
        other = theirs.get(record["node"])
        row["recognizes_us"] = bool(other and other[0] == "recognized")
        row["treaty"] = row["recognized"] and row["recognizes_us"]
        if record["witness"]:
            name, _kid, _key = parse_cosigner_vkey(record["witness"])
            row["witness"] = {"name": name, "cosigned_size": cosigned.get(name, 0)}
        mirror = mirrors.get(record["node"])
        if mirror is not None:
            row["mirror"] = {
                "size": mirror.size,
                "root": base64.b64encode(mirror.root).decode(),
                "updated_at": mirror.updated_at,
            }
        row["forked"] = record["origin"] in forked
    return list(rows.values())
