"""Alliances as the node runs them: closing precincts and votes when due, and a member
node's duties toward its alliance (opening precincts, reporting subtotals and population).

``run_due`` is log-driven like governance's: the serving process calls it every
second, and the node logs a precinct's closing (with the recounted subtotal) or
an alliance vote's closing (with the recomputed result) when the log's own times
say so. ``duties`` needs the network: for each recognised alliance this node
belongs to, it opens a precinct for each new call — copying the call from its
verified mirror of the alliance's log, never from an unverified answer — and
reports each closed precinct's subtotal, and its population, signed by its node key.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson

from commonweal.core.events import EventError, parse_leaf
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.errors import DomainError
from commonweal.domain.federation import alliance, precincts
from commonweal.domain.federation.calls import parse_call
from commonweal.domain.governance.events import POPULATION_REPORTED
from commonweal.domain.governance.records import POPULATIONS
from commonweal.domain.membership.records import ACTIVE, MEMBERS
from commonweal.domain.timestamps import later, reached
from commonweal.node.kernel.due import Refusals, StepKey, attempt
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.services.federation import mirror, nullifiers
from commonweal.node.services.federation.peer_client import PeerClient, PeerError
from commonweal.node.services.federation.service import Federation, log


def run_due(node: Node, *, limit: int = 100, refusals: Refusals | None = None) -> list[Receipt]:
    """Log the precinct and network-vote closings that are due now; a refused one is
    tried again later (``refusals``, node/kernel/due.py) and does not hold up the others."""
    refusals = refusals or Refusals()
    receipts = []
    for _attempt in range(limit):
        with node.reading() as state:
            now = format_utc(max(node.clock(), node.last_received))
            step: tuple[str, dict[str, Any]] | None = None
            key: StepKey = ("", None)
            for precinct_id in precincts.due(state, now):
                key = (precincts.CLOSED, precinct_id)
                if refusals.waiting(key):
                    continue
                record = precincts.precinct(state, precinct_id)
                body = {"precinct": precinct_id, "subtotal": precincts.subtotal(state, record)}
                step = (precincts.CLOSED, body)
                break
            if step is None:
                for vote_id in alliance.due(state, now):
                    key = (alliance.CLOSED, vote_id)
                    if refusals.waiting(key):
                        continue
                    record = alliance.network_vote(state, vote_id)
                    result = alliance.network_result(state, record, node_did=node.identity.did)
                    step = (alliance.CLOSED, {"vote": vote_id, "result": result})
                    break
        if step is None:
            break
        receipt = attempt(node, refusals, key, step[1])
        if receipt is not None:
            receipts.append(receipt)
    return receipts


def view(node: Node) -> dict[str, Any]:
    """What an alliance publishes: its charter, member nodes, populations and votes."""
    with node.reading() as state:
        constitution = state.get("governance.constitution", "constitution") or {}
        votes = [
            {
                "id": record["id"],
                "kind": record["kind"],
                "title": record["title"],
                "phase": record["phase"],
                "weighting": record["weighting"],
                "options": record["options"],
                "voting_until": record["voting_until"],
                "report_until": record["report_until"],
                "reported": sorted(record["subtotals"]),
                "people_sent": {
                    node_key: len(report.get("people", []))
                    for node_key, report in record["subtotals"].items()
                },
                "result": record["result"],
            }
            for _id, record in sorted(state.items(alliance.NETWORK_VOTES))
        ]
        return {
            "did": node.identity.did,
            "charter": constitution.get("alliance"),
            "members": alliance.member_nodes(state),
            "populations": {str(k): v for k, v in state.items(POPULATIONS)},
            "votes": votes,
        }


def vote_view(node: Node, vote_id: int) -> dict[str, Any]:
    """One network vote with every subtotal and its source in the member's log."""
    with node.reading() as state:
        try:
            return dict(alliance.network_vote(state, vote_id))
        except DomainError as error:
            raise Rejected.from_error(error) from None


def precinct_list(node: Node) -> list[dict[str, Any]]:
    """This node's precincts, newest first."""
    with node.reading() as state:
        return [dict(r) for _id, r in sorted(state.items(precincts.PRECINCTS), reverse=True)]


def precinct_view(node: Node, precinct_id: int) -> dict[str, Any]:
    """One precinct, with every ballot cast in it so far (member → their newest ballot:
    ballots are public events of this node's log)."""
    with node.reading() as state:
        try:
            record = dict(precincts.precinct(state, precinct_id))
        except DomainError as error:
            raise Rejected.from_error(error) from None
        ballots = state.tables.get(precincts.ballots_table(precinct_id), {})
        return {**record, "ballots": {str(k): dict(v) for k, v in sorted(ballots.items())}}


def population(node: Node) -> int:
    """Members in good standing: what this node reports to its alliances."""
    with node.reading() as state:
        return sum(1 for _did, m in state.items(MEMBERS) if m["status"] == ACTIVE)


def duties(federation: Federation, peer: dict[str, Any]) -> list[str]:
    """Do what this node owes the alliance ``peer``; return what was done."""
    node = federation.node
    client = federation.client(peer["url"])
    seen = client.get_json("/v1/federation/alliance")
    me = node.identity.key_did
    if me not in seen.get("members", []):
        return []
    done = []
    count = population(node)
    if seen.get("populations", {}).get(me) != count:
        client.submit_as(node.identity.key, POPULATION_REPORTED, {"population": count})
        done.append(f"population {count}")
    with node.reading() as state:
        mine = {
            (r["alliance"], r["vote"]): dict(r)
            for _id, r in state.items(precincts.PRECINCTS)
            if r["alliance"] == peer["node"]
        }
    now = format_utc(max(node.clock(), node.last_received))
    for vote in seen.get("votes", []):
        if vote["phase"] != "voting":
            continue
        precinct = mine.get((peer["node"], vote["id"]))
        if precinct is None:
            opened = _open(federation, peer, vote["id"], now)
            if opened:
                done.append(opened)
        elif precinct["phase"] == precincts.DONE:
            sent = vote.get("people_sent", {}).get(me)
            if sent is None or sent < precinct["subtotal"]["electorate"]:
                done += _report(node, client, vote["id"], precinct, sent)
    return done


PART_BYTES = 48_000
"""How many bytes of people go in one event (an event is at most 64 KiB)."""


def _report(
    node: Node, client: PeerClient, vote_id: int, precinct: dict[str, Any], sent: int | None
) -> list[str]:
    """Report the closed precinct's subtotal with its people, in as many parts as they
    need; ``sent`` people are in the alliance's log already (None: nothing reported)."""
    people = nullifiers.people_of(node, precinct["id"], _over_http(client, vote_id))
    room = PART_BYTES - len(orjson.dumps(precinct["subtotal"]))
    parts = split_people(people[sent or 0 :], first=room)
    done = []
    if sent is None:
        source = {
            "origin": node.identity.origin,
            "precinct": precinct["id"],
            "closed": precinct["closed_index"],
        }
        body = {
            "vote": vote_id,
            "subtotal": precinct["subtotal"],
            "source": source,
            "people": parts.pop(0),
        }
        client.submit_as(node.identity.key, alliance.REPORTED, body)
        done.append(f"reported vote {vote_id}")
    for part in parts:
        client.submit_as(node.identity.key, alliance.PEOPLE, {"vote": vote_id, "people": part})
        done.append(f"sent {len(part)} people of vote {vote_id}")
    return done


def split_people(people: list[list[Any]], *, first: int) -> list[list[list[Any]]]:
    """People in parts of at most ``PART_BYTES`` of JSON (the first at most ``first``);
    always at least one part, maybe empty."""
    parts: list[list[list[Any]]] = [[]]
    room = first
    for entry in people:
        size = len(orjson.dumps(entry)) + 1
        if size > room:
            parts.append([])
            room = PART_BYTES
        parts[-1].append(entry)
        room -= size
    return parts


def _over_http(client: PeerClient, vote_id: int) -> nullifiers.Evaluate:
    """Ask the alliance at ``client`` to evaluate blinded elements for ``vote_id``."""

    def evaluate(blinded: list[bytes]) -> list[bytes]:
        document = {"blinded": [base64.b64encode(b).decode() for b in blinded]}
        answer = client.post_signed_json(f"/v1/federation/votes/{vote_id}/nullifiers", document)
        if answer.status != 200:
            raise PeerError(f"the alliance refused to evaluate nullifiers: {answer.text}")
        return [base64.b64decode(e) for e in answer.json()["evaluated"]]

    return evaluate


def _open(federation: Federation, peer: dict[str, Any], vote_id: int, now: str) -> str | None:
    leaf = mirror.leaf_at(federation, peer["origin"], vote_id)
    if leaf is None:
        return None  # the mirror has not verified that far yet: next round
    try:
        parsed = parse_leaf(leaf)
        if parsed.event.type != alliance.CALLED or parsed.event.node != peer["node"]:
            raise EventError("invalid_event", "that entry is not a call of this alliance")
        call = parse_call(parsed.event.body)
    except (EventError, DomainError) as error:
        federation.refuse(peer["url"], "network_vote", "invalid_call", str(error))
        return None
    voting_until = later(parsed.received, call["voting_seconds"])
    if reached(now, voting_until):
        return None
    body = {
        "alliance": peer["node"],
        "vote": vote_id,
        "call": dict(parsed.event.body),
        "voting_until": voting_until,
    }
    try:
        federation.node.submit_as_node(precincts.OPENED, body)
    except Rejected as refused:
        log.info("precinct for vote %d not opened: %s", vote_id, refused.message)
        return None
    return f"opened a precinct for vote {vote_id}"
