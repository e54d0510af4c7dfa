"""The census as the node takes and shows it: due censuses, history, a member's proof.

The figures are the domain's (``domain/census``): the node only builds the body, and
the rule recomputes it. What only the node can do is the membership commitment: for
each member in good standing it draws a random salt, keeps ``(did, salt)`` privately
(``census_members``), and puts in the census the RFC 9162 Merkle root over the
sorted commitments ``SHA-256(salt || did)``. A member signed in asks for their salt
and inclusion proof, and checks that they are counted without anyone publishing
the member list (docs/census.md).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from commonweal.core.merkle import hash_at_from_leaf_hashes, inclusion_proof, leaf_hash, root_of
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.census import events as census
from commonweal.domain.census import people as census_people
from commonweal.domain.census.figures import good_standing
from commonweal.domain.census.records import CENSUSES, META
from commonweal.domain.governance.constitution import CONSTITUTION
from commonweal.node.kernel.due import Refusals
from commonweal.node.kernel.errors import Rejected, Unavailable
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.kernel.signed_reads import signed_by
from commonweal.store.census_store import CensusStore

PROOF_PURPOSE = "commonweal/census-proof"
TAKE_ATTEMPTS = 5
"""A census built while other events land may be a step behind: it is built again."""


def member_commitment(salt: str, did: str) -> bytes:
    """``SHA-256(salt || did)``: the salt's 32 bytes, then the DID's UTF-8 bytes."""
    return hashlib.sha256(bytes.fromhex(salt) + did.encode()).digest()


def commitment_leaves(counted: dict[str, str]) -> list[bytes]:
    """The tree's leaves: every counted member's commitment, in byte order."""
    return sorted(member_commitment(salt, did) for did, salt in counted.items())


def commitments_root(leaves: list[bytes]) -> str:
    """``sha256:<hex>`` of the RFC 9162 tree over ``leaves`` (each hashed as a leaf)."""
    return "sha256:" + root_of([leaf_hash(leaf) for leaf in leaves]).hex()


# -- taking a census -------------------------------------------------------------------


def take(node: Node, reason: str) -> Receipt:
    """Build and log the census due for ``reason`` (``scheduled`` or ``requested``)."""
    rejected: Rejected | None = None
    for _attempt in range(TAKE_ATTEMPTS):
        with node.reading() as state:
            size = node.size
            until = format_utc(max(node.clock(), node.last_received))
            epoch = (census.latest(state) or {"body": {"epoch": 0}})["body"]["epoch"] + 1
            members = good_standing(state)
            body = census.census_body(
                state, size=size, until=until, reason=reason, members_root="sha256:" + "0" * 64
            )
        counted = {did: secrets.token_hex(32) for did in members}
        body["members_root"] = commitments_root(commitment_leaves(counted))
        CensusStore(node.store).replace(epoch, list(counted.items()))
        try:
            return node.submit_as_node(census.TAKEN, body)
        except Rejected as error:
            if error.code != "census_mismatch":
                raise
            rejected = error  # something landed between building and logging: again
    assert rejected is not None
    raise rejected


def run_due(node: Node, *, refusals: Refusals | None = None) -> list[Receipt]:
    """Take the census if one is due (a steward asked, or the constitution's rhythm)."""
    refusals = refusals or Refusals()
    with node.reading() as state:
        reason = census.due_reason(state, format_utc(max(node.clock(), node.last_received)))
    if reason is None:
        return []
    key = (census.TAKEN, reason)
    if refusals.waiting(key):
        return []
    try:
        receipt = take(node, reason)
    except Rejected as error:
        refusals.refused(key, error.code, error.message)
        return []
    except Unavailable:
        raise
    refusals.succeeded(key)
    return [receipt]


# -- reads -----------------------------------------------------------------------------


def history(node: Node) -> list[dict[str, Any]]:
    """Every census taken, oldest first, as the API shows it."""
    with node.reading() as state:
        latest = state.get(META, "latest", 0)
        records = [
            (state.get(CENSUSES, epoch), census_people.commitment(state, epoch))
            for epoch in range(1, latest + 1)
        ]
    return [_shown(record, people) for record, people in records if record is not None]


def entry(node: Node, epoch: int) -> dict[str, Any]:
    """One census by epoch number, or ``not_found``."""
    with node.reading() as state:
        record = state.get(CENSUSES, epoch)
        committed = census_people.commitment(state, epoch)
    if record is None:
        raise Rejected("not_found", "there is no census of epoch %(epoch)s", epoch=epoch)
    return _shown(record, committed)


def people(node: Node, epoch: int) -> dict[str, Any]:
    """Census ``epoch``'s committed nullifiers (``GET /v1/census/{epoch}/people``), or
    ``not_found`` while its people are not committed."""
    with node.reading() as state:
        committed = census_people.commitment(state, epoch)
    kept = CensusStore(node.store).people(epoch)
    if committed is None or kept is None:
        raise Rejected("not_found", "census %(epoch)s's people are not committed", epoch=epoch)
    return {
        "epoch": epoch,
        "period": committed["period"],
        "people_root": committed["people_root"],
        "nullifiers": kept[1],
    }


def rhythm(node: Node) -> int | None:
    """Seconds between scheduled censuses, as the constitution sets (None: on request only)."""
    with node.reading() as state:
        constitution = state.get(CONSTITUTION, "constitution") or {}
    every: int | None = (constitution.get("census") or {}).get("every_seconds")
    return every


def pending(node: Node) -> dict[str, Any] | None:
    """A steward's request not yet answered, if any."""
    with node.reading() as state:
        request: dict[str, Any] | None = state.get(META, "pending")
    return request


def _shown(record: dict[str, Any], people: dict[str, Any] | None = None) -> dict[str, Any]:
    """A census as the API shows it, with its people's commitment (``census.people.committed``
    at ``index``) once logged."""
    body = record["body"]
    return {
        "epoch": body["epoch"],
        "index": record["index"],
        "at": record["at"],
        "size": body["size"],
        "from": body["from"],
        "since": body["since"],
        "reason": body["reason"],
        "figures": body["figures"],
        "members_root": body["members_root"],
        **({"people_root": body["people_root"]} if "people_root" in body else {}),
        **({"people": people} if people is not None else {}),
    }


def member_proof(node: Node, request: object) -> dict[str, Any]:
    """A member's salt, commitment and inclusion proof in one census, for a signed request.

    ``request`` is ``{"did", "at", "sig", "epoch"}`` signed for ``commonweal/census-proof``
    (``node/kernel/signed_reads.py``). A member the census did not count gets ``not_counted``.
    """
    did = signed_by(node, request, PROOF_PURPOSE, {"epoch": int})
    assert isinstance(request, dict)
    shown = entry(node, request["epoch"])
    counted = CensusStore(node.store).counted(shown["epoch"])
    if did not in counted:
        raise Rejected(
            "not_counted",
            "the census of epoch %(epoch)s did not count %(did)s",
            epoch=shown["epoch"],
            did=did,
        )
    return proof_for(counted, did, shown)


def proof_for(counted: dict[str, str], did: str, shown: dict[str, Any]) -> dict[str, Any]:
    """The proof document for ``did`` among ``counted`` (what ``census prove`` checks)."""
    leaves = commitment_leaves(counted)
    mine = member_commitment(counted[did], did)
    index = leaves.index(mine)
    hashes = [leaf_hash(leaf) for leaf in leaves]
    path = inclusion_proof(index, len(leaves), hash_at_from_leaf_hashes(hashes))
    return {
        "epoch": shown["epoch"],
        "census_index": shown["index"],
        "did": did,
        "salt": counted[did],
        "commitment": mine.hex(),
        "leaf_index": index,
        "tree_size": len(leaves),
        "proof": [step.hex() for step in path],
        "members_root": shown["members_root"],
    }
