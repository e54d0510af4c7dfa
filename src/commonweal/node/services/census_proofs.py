"""A node's latest census, proven from outside: in its log, under a checkpoint its witnesses
cosigned. The network census (node/services/census_network.py) and ``commonweal census audit``
(client/census_audit.py) both check each node's entry with :func:`witnessed_census`.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any

from commonweal.core.checkpoint import Checkpoint, open_checkpoint
from commonweal.core.cosignature import parse_cosigner_vkey, verify_cosignature
from commonweal.core.events import EventError, leaf_bytes, parse_event
from commonweal.core.merkle import ProofError, leaf_hash, root_of, verify_inclusion
from commonweal.core.note import NoteError, NoteVerifier, parse_signature_line, split_note
from commonweal.domain.federation.people import NULLIFIER
from commonweal.node.services.federation.peer_client import PeerClient, PeerError

TAKEN = "census.taken"
PEOPLE_COMMITTED = "census.people.committed"
PEOPLE_FIELDS = ("epoch", "period", "people_root", "count")


class CensusRefused(Exception):
    """A node's census entry that cannot be counted: the reason says why."""


class NoCensus(CensusRefused):
    """The node has taken no census yet: it has no entry to count (nor to refuse)."""


def cosigners(note: str, checkpoint: Checkpoint, witness_vkeys: Iterable[str]) -> list[str]:
    """The names of the known witnesses whose ``cosignature/v1`` line on ``note`` verifies."""
    known: dict[tuple[str, bytes], str] = {}
    for vkey in witness_vkeys:
        try:
            name, kid, _key = parse_cosigner_vkey(vkey)
        except (NoteError, ValueError):
            continue
        known[(name, kid)] = vkey
    names = []
    for line in split_note(note)[1]:
        try:
            name, kid, _signature = parse_signature_line(line)
            known_vkey = known.get((name, kid))
            if known_vkey is not None:
                verify_cosignature(line, checkpoint, known_vkey)
                names.append(name)
        except (NoteError, ValueError):
            continue
    return sorted(set(names))


def proven_event(client: PeerClient, index: int, checkpoint: Checkpoint) -> dict[str, Any]:
    """Entry ``index`` of the log ``client`` serves, proven included under ``checkpoint``."""
    if not 0 <= index < checkpoint.size:
        raise CensusRefused(
            f"entry {index} is not covered by the cosigned checkpoint (size {checkpoint.size})"
        )
    logged = client.get_json(f"/v1/events/{index}")
    event = parse_event(logged["event"])
    digest = leaf_hash(leaf_bytes(event.canonical, logged["received"]))
    proof = client.get_json("/v1/proof/inclusion", index=index, size=checkpoint.size)["proof"]
    verify_inclusion(
        index, checkpoint.size, digest, [base64.b64decode(h) for h in proof], checkpoint.root
    )
    return {"event": event, "received": logged["received"]}


def witnessed_census(
    client: PeerClient,
    node: Mapping[str, str],
    witness_vkeys: Iterable[str],
    *,
    quorum: int = 1,
    claimed: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The network-census entry of ``node`` (``{node, key, origin, vkey}``), every part proven.

    The node's cosigned checkpoint must be signed by its key and cosigned by ``quorum``
    witnesses among ``witness_vkeys``; its census (``claimed``, or the latest it serves)
    must be a ``census.taken`` event by its key, in its log under that checkpoint, whose
    body is exactly the census it claims. Anything else raises :class:`CensusRefused`.
    Its people commitment (``census.people.committed``), once under the checkpoint, is
    proven the same way and carried as the entry's ``people``.
    """
    audited = claimed is not None
    try:
        note = client.get_ok("/v1/federation/checkpoint").text
        checkpoint = open_checkpoint(note, NoteVerifier(node["vkey"]))
        if checkpoint.origin != node["origin"]:
            raise CensusRefused(f"the checkpoint is of {checkpoint.origin}, not {node['origin']}")
        signed = cosigners(note, checkpoint, witness_vkeys)
        if len(signed) < quorum:
            raise CensusRefused(
                f"the checkpoint has {len(signed)} known witness cosignature(s), {quorum} needed"
            )
        if claimed is None:
            served = client.get_json("/v1/census")["censuses"]
            if not served:
                raise NoCensus("the node has taken no census yet")
            claimed = served[-1]
        proven = proven_event(client, int(claimed["index"]), checkpoint)
        committed = claimed.get("people")
        people = None
        if committed is not None and int(committed["index"]) < checkpoint.size:
            people = proven_event(client, int(committed["index"]), checkpoint)
    except PeerError as error:
        raise CensusRefused(f"the node did not answer: {error}") from None
    except (NoteError, ProofError, EventError, KeyError, TypeError, ValueError) as error:
        raise CensusRefused(f"not proven: {error}") from None
    event = proven["event"]
    if event.type != TAKEN or event.author != node["key"] or event.node != node["node"]:
        raise CensusRefused(f"entry {claimed['index']} is not a census taken by {node['node']}")
    body = event.body
    for name in ("epoch", "figures", "members_root"):
        if body.get(name) != claimed.get(name):
            raise CensusRefused(f"the census's {name} differs from the node's log")
    entry = {
        "node": node["node"],
        "key": node["key"],
        "origin": node["origin"],
        "epoch": body["epoch"],
        "index": int(claimed["index"]),
        "checkpoint": {
            "size": checkpoint.size,
            "root": base64.b64encode(checkpoint.root).decode(),
            "cosigners": len(signed),
        },
        "figures": body["figures"],
        "members_root": body["members_root"],
    }
    if "people_root" in body:
        entry["people_root"] = body["people_root"]
    if people is not None:
        entry["people"] = _proven_people(people["event"], node, body["epoch"], claimed["people"])
    elif audited and "people" in claimed:
        raise CensusRefused("the census's people commitment is not under the cosigned checkpoint")
    return entry


def _proven_people(
    event: Any, node: Mapping[str, str], epoch: int, claimed: Mapping[str, Any]
) -> dict[str, Any]:
    """The entry's ``people``: the node's ``census.people.committed`` for ``epoch``."""
    body = event.body
    if event.type != PEOPLE_COMMITTED or event.author != node["key"] or event.node != node["node"]:
        raise CensusRefused(f"entry {claimed['index']} is not a people commitment of the node")
    if body.get("epoch") != epoch or any(body.get(k) != claimed.get(k) for k in PEOPLE_FIELDS[1:]):
        raise CensusRefused("the census's people commitment differs from the node's log")
    return {"index": int(claimed["index"]), **{k: body[k] for k in PEOPLE_FIELDS[1:]}}


def people_root(nullified: list[str]) -> str:
    """``sha256:<hex>`` of the RFC 9162 tree over the sorted 32-byte nullifiers."""
    leaves = sorted(bytes.fromhex(n) for n in nullified)
    return "sha256:" + root_of([leaf_hash(leaf) for leaf in leaves]).hex()


def served_people(client: PeerClient, entry: Mapping[str, Any]) -> list[str]:
    """The nullifiers the node serves for the entry's census, checked against the
    commitment proven in its log: the same root, ``count`` of them, none twice."""
    committed = entry["people"]
    try:
        served = client.get_json(f"/v1/census/{entry['epoch']}/people")
        nullified = served["nullifiers"]
        if not isinstance(nullified, list) or not all(
            isinstance(n, str) and NULLIFIER.match(n) for n in nullified
        ):
            raise CensusRefused("the served people are not a list of nullifiers")
        root = people_root(nullified)
    except PeerError as error:
        raise CensusRefused(f"the node did not serve its people: {error}") from None
    except (KeyError, TypeError, ValueError) as error:
        raise CensusRefused(f"the served people are malformed: {error}") from None
    if len(set(nullified)) != len(nullified) or len(nullified) != committed["count"]:
        raise CensusRefused(
            f"the node serves {len(set(nullified))} distinct people, "
            f"its commitment says {committed['count']}"
        )
    if root != committed["people_root"]:
        raise CensusRefused("the served people do not hash to the committed people_root")
    return sorted(nullified)
