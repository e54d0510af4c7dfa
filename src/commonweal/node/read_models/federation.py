"""The network as the pages show it: the nodes this node recognises and is recognised by,
each treaty's terms and dates, pending recognition proposals, witnessing, mirrors, fork
evidence and visitors (``/network``, ``/network/<did>``), and an alliance's network votes.

Everything here is read from this node's log (recognitions, proposals, visitors,
network votes) and from its federation tables (peers, cosignatures, mirrors,
evidence); nothing is fetched from another node while a page is drawn.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from commonweal.core.cosignature import parse_cosigner_vkey
from commonweal.core.language import N_, _
from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.federation.recognition import (
    RECOGNIZE_ACTION,
    WITHDRAW_ACTION,
    decision_required,
)
from commonweal.domain.federation.standing import RECOGNITIONS, RECOGNIZED, VISITORS
from commonweal.domain.governance.records import ALTERNATIVES, PROPOSALS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services.federation import evidence, mirror, peers, visits_abroad, witness
from commonweal.node.services.federation.service import Federation

OPEN_PHASES = ("draft", "discussion", "voting")
VISITOR_WORDS = {
    "comment": N_("comment on proposals"),
    "book": N_("book shared resources"),
    "attend": N_("attend gatherings"),
}


CREDENTIAL_WORDS = {"MembershipCredential": N_("membership"), "RoleCredential": N_("role")}


def _and(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(items)s and %(last)s", items=", ".join(items[:-1]), last=items[-1])


def _words(table: dict[str, str], key: str) -> str:
    return _(table[key]) if key in table else key


def terms_in_words(terms: dict[str, Any]) -> list[str]:
    """A treaty's terms as short sentences, in the language being spoken."""
    words = []
    rights = [_words(VISITOR_WORDS, r) for r in terms.get("visitors", [])]
    words.append(
        _("Its members may visit and %(rights)s.", rights=_and(rights))
        if rights
        else _("Its members have no rights here as visitors.")
    )
    accepted = [_words(CREDENTIAL_WORDS, c) for c in terms.get("credentials", [])]
    if accepted:
        words.append(_("We accept its %(kinds)s credentials.", kinds=_and(accepted)))
    words.append(
        _("We witness its log.") if terms.get("witness") else _("We do not witness its log.")
    )
    words.append(
        _("We keep a verified mirror of its log.")
        if terms.get("mirror")
        else _("We keep no mirror of its log.")
    )
    if terms.get("alliance"):
        words.append(_("It is an alliance this node belongs to."))
    return words


def _age_seconds(now: datetime, stamp: str | None) -> int | None:
    if not stamp:
        return None
    try:
        return max(int((now - parse_utc(stamp)).total_seconds()), 0)
    except ValueError:
        return None


def network(federation: Federation) -> dict[str, Any]:
    """Everything ``/network`` shows."""
    node = federation.node
    now = node.clock()
    with node.reading() as state:
        reserved = decision_required(state)
        records = {str(did): dict(r) for did, r in state.items(RECOGNITIONS)}
        hosted = [dict(v) for _did, v in state.items(VISITORS)]
    rows = {row["node"]: row for row in peers.overview(federation)}
    abroad = visits_abroad.visiting_elsewhere(federation)
    known = {did: orjson.loads(identity) for did, _url, identity, _at in federation.store.peers()}
    nodes = []
    for did, row in rows.items():
        record = records.get(did)
        nodes.append(_peer_summary(row, record, known.get(did), now))
    nodes.sort(key=lambda n: (not n["recognized"], not n["recognizes_us"], n["name"] or n["node"]))
    return {
        "me": {
            "did": node.identity.did,
            "origin": node.identity.origin,
            "witness": node.identity.witness.vkey,
        },
        "decision_required": reserved,
        "nodes": nodes,
        "recognized": sum(1 for n in nodes if n["recognized"]),
        "treaties": sum(1 for n in nodes if n["treaty"]),
        "proposals": recognition_proposals(node),
        "witnessing": witnessing(federation, now),
        "mirrors": mirrors(federation, now),
        "evidence": evidence_list(federation),
        "visitors_here": sorted(hosted, key=lambda v: v["since"], reverse=True),
        "visiting_elsewhere": abroad["visits"],
        "still_reading": abroad["still_reading"],
    }


def _peer_summary(
    row: dict[str, Any],
    record: dict[str, Any] | None,
    identity: dict[str, Any] | None,
    now: datetime,
) -> dict[str, Any]:
    terms = (record or {}).get("terms") or {}
    summary = {
        "node": row["node"],
        "name": row.get("name") or (identity or {}).get("name", ""),
        "url": row.get("url", ""),
        "recognized": bool(row.get("recognized")),
        "recognizes_us": bool(row.get("recognizes_us")),
        "treaty": bool(row.get("treaty")),
        "forked": bool(row.get("forked")),
        "record": record,
        "terms": terms,
        "terms_words": terms_in_words(terms) if record else [],
        "witness": row.get("witness"),
        "mirror": row.get("mirror"),
        "mirror_age": _age_seconds(now, (row.get("mirror") or {}).get("updated_at")),
        "identity": recognition_identity(row, record, identity),
        "added_at": row.get("added_at"),
    }
    return summary


def recognition_identity(
    row: dict[str, Any], record: dict[str, Any] | None, identity: dict[str, Any] | None
) -> dict[str, Any] | None:
    """What a recognition event must name about the node, from its recorded recognition
    or its well-known identity (kept when the operator added it); None if neither."""
    source = record or identity
    if not source:
        return None
    did = (record or {}).get("node") or (identity or {}).get("did")
    fields = {
        "node": did,
        "key": source.get("key"),
        "origin": source.get("origin"),
        "vkey": source.get("vkey"),
        "witness": source.get("witness") or "",
        "url": (row.get("url") or source.get("url") or "").rstrip("/"),
        "name": str(source.get("name", ""))[:120],
    }
    if not all(fields[k] for k in ("node", "key", "origin", "vkey", "url")):
        return None
    return fields


def recognition_proposals(node: Node) -> list[dict[str, Any]]:
    """Open proposals (draft, discussion, voting) whose actions recognise or withdraw."""
    found = []
    with node.reading() as state:
        for _id, proposal in sorted(state.items(PROPOSALS)):
            if proposal["phase"] not in OPEN_PHASES:
                continue
            for alternative_id in proposal["alternatives"]:
                alternative = state.get(ALTERNATIVES, alternative_id) or {}
                for action in alternative.get("actions", []):
                    if action.get("type") in (RECOGNIZE_ACTION, WITHDRAW_ACTION):
                        found.append(
                            {
                                "id": proposal["id"],
                                "title": proposal["title"],
                                "phase": proposal["phase"],
                                "voting_until": proposal.get("voting_until"),
                                "withdraw": action["type"] == WITHDRAW_ACTION,
                                "node": action.get("node"),
                                "name": action.get("name", ""),
                            }
                        )
    return found


def witnessing(federation: Federation, now: datetime) -> dict[str, Any]:
    """Who witnesses this log: per witness the size it last cosigned and how long ago,
    against the latest checkpoint; whether the quorum has cosigned it."""
    node = federation.node
    latest = node.store.latest_checkpoint()
    quorum = max(node.config.witness_quorum, 1)
    last: dict[str, tuple[int, int]] = {}
    for size, name, _line, timestamp in federation.store.all_cosignatures():
        if size >= last.get(name, (0, 0))[0]:
            last[name] = (size, timestamp)
    rows = []
    for peer in witness.witnesses(federation):
        name, _kid, _key = parse_cosigner_vkey(peer["witness"])
        size, timestamp = last.get(name, (0, 0))
        rows.append(
            {
                "node": peer["node"],
                "name": peer["name"] or name,
                "witness": name,
                "size": size,
                "age": max(int(now.timestamp()) - timestamp, 0) if timestamp else None,
                "current": latest is not None and size >= latest.size,
            }
        )
    final = witness.final_checkpoint(federation)
    latest_size = latest.size if latest is not None else 0
    cosigning = sum(1 for r in rows if r["current"])
    return {
        "quorum": quorum,
        "latest": latest_size,
        "final": final.size if final is not None else None,
        "met": latest is not None and cosigning >= quorum,
        "witnesses": rows,
        "witnessed_by_us": [
            {"origin": r.origin, "size": r.size, "updated_at": r.updated_at}
            for r in federation.store.all_witnessed()
        ],
    }


def mirrors(federation: Federation, now: datetime) -> list[dict[str, Any]]:
    """Each mirror this node keeps: how far it is verified, how long since it moved, and
    how far behind the latest checkpoint of that log this node cosigned as its witness."""
    rows = []
    names = {r["node"]: r["name"] for r in federation.recognitions(in_force=False)}
    witnessed = {r.origin: r.size for r in federation.store.all_witnessed()}
    for row in mirror.status(federation):
        seen = witnessed.get(row["origin"])
        rows.append(
            {
                **{k: row[k] for k in ("node", "origin", "size", "updated_at")},
                "name": names.get(row["node"], ""),
                "age": _age_seconds(now, row["updated_at"]),
                "behind": max(seen - row["size"], 0) if seen is not None else None,
            }
        )
    return rows


def evidence_list(federation: Federation) -> list[dict[str, Any]]:
    """Fork evidence this node holds: whose log, what kind, the sizes the notes name."""
    found = []
    for document in evidence.documents(federation):
        found.append(
            {
                "origin": document.get("origin", ""),
                "kind": document.get("kind", ""),
                "notes": len(document.get("notes", [])),
            }
        )
    return found


def peer_page(federation: Federation, did: str) -> dict[str, Any]:
    """Everything ``/network/<did>`` shows; ``not_found`` for a node this one does not know."""
    view = network(federation)
    peer = next((n for n in view["nodes"] if n["node"] == did), None)
    if peer is None:
        raise Rejected("not_found", "this node knows no node %(did)s", did=did)
    witness_row = next((w for w in view["witnessing"]["witnesses"] if w["node"] == did), None)
    return {
        "peer": peer,
        "decision_required": view["decision_required"],
        "witness_row": witness_row,
        "witnessed_by_us": next(
            (
                w
                for w in view["witnessing"]["witnessed_by_us"]
                if peer["record"] and w["origin"] == peer["record"]["origin"]
            ),
            None,
        ),
        "mirror_row": next((m for m in view["mirrors"] if m["node"] == did), None),
        "proposals": [p for p in view["proposals"] if p["node"] == did],
        "evidence": [
            e
            for e in view["evidence"]
            if peer["record"] and e["origin"] == peer["record"]["origin"]
        ],
        "visitors_here": [v for v in view["visitors_here"] if v["home"] == did],
        "visiting_there": [v for v in view["visiting_elsewhere"] if v["host"] == did],
        "in_force": peer["recognized"] and (peer["record"] or {}).get("status") == RECOGNIZED,
    }


def standing_in_network(node: Node) -> dict[str, Any]:
    """For the home page: the nodes this node recognises now, from its own log, so the
    page never claims a network the node is not part of."""
    with node.reading() as state:
        records = [dict(r) for _did, r in state.items(RECOGNITIONS) if r["status"] == RECOGNIZED]
    return {
        "recognized": [{"node": r["node"], "name": r["name"]} for r in records],
        "alliances": sum(1 for r in records if r["terms"].get("alliance")),
    }
