"""Nullifiers for network votes: the alliance's side (its per-vote OPRF key, evaluating
blinded elements for member nodes) and a member node's (blinding its precinct's roll).

The alliance's key for vote ``v`` is RFC 9497 ``DeriveKeyPair`` of a seed derived from
its node key and ``info`` naming the vote, so it needs no storage and differs per
vote: the same person's nullifiers in two votes are unrelated. A member node blinds
each did:key of its precinct's electorate, asks the alliance to evaluate them
(``POST /v1/federation/votes/{vote}/nullifiers``, signed by the member node's key),
and unblinds: it learns each member's nullifier, the alliance learns nothing of who
they are (``domain/federation/people.py``, docs/federation.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from commonweal.core import oprf
from commonweal.domain.errors import DomainError
from commonweal.domain.federation import alliance, precincts
from commonweal.domain.federation.people import nullifier_text
from commonweal.node.errors import Rejected
from commonweal.node.service import Node

MAX_BATCH = 100_000
"""At most this many elements in one evaluation request."""

Evaluate = Callable[[list[bytes]], list[bytes]]
"""Blinded elements in, the alliance's evaluations out (over HTTP, or in process)."""


def vote_key(node: Node, vote_id: int) -> bytes:
    """The alliance's OPRF secret scalar for network vote ``vote_id``."""
    seed = hmac.new(node.identity.key.seed, b"commonweal nullifier seed v1", hashlib.sha256)
    info = f"{node.identity.did} network vote {vote_id}".encode()
    secret, _public = oprf.derive_key_pair(seed.digest(), info)
    return secret


def evaluate_for(node: Node, member_key: str, vote_id: int, blinded: Any) -> list[str]:
    """The alliance evaluates a member node's blinded elements (base64) for a vote."""
    with node.reading() as state:
        try:
            record = alliance.network_vote(state, vote_id)
        except DomainError as error:
            raise Rejected.from_error(error) from None
        members = alliance.member_nodes(state)
    if member_key not in members:
        raise Rejected("not_a_member", f"{member_key} is not a member node of this alliance")
    if record["phase"] != alliance.VOTING:
        raise Rejected("voting_closed", f"vote {vote_id} is closed")
    if not isinstance(blinded, list) or not 1 <= len(blinded) <= MAX_BATCH:
        raise Rejected("invalid_request", f"blinded must list 1 to {MAX_BATCH:,} elements")
    secret = vote_key(node, vote_id)
    evaluated = []
    for position, text in enumerate(blinded):
        try:
            element = base64.b64decode(text, validate=True) if isinstance(text, str) else b""
            evaluated.append(oprf.blind_evaluate(secret, element))
        except (ValueError, oprf.OprfError):
            raise Rejected(
                "invalid_element", f"blinded[{position}] is not a ristretto255 element"
            ) from None
    return [base64.b64encode(e).decode() for e in evaluated]


def people_of(node: Node, precinct_id: int, evaluate: Evaluate) -> list[list[Any]]:
    """The precinct's people (``[nullifier, pattern]`` per member of its electorate at
    closing), the nullifiers learnt from the alliance through ``evaluate``."""
    with node.reading() as state:
        rolled: dict[str, int | None] = dict(state.get(precincts.ROLLS, precinct_id) or {})
    if not rolled:
        return []
    dids = sorted(rolled)
    blinds = [oprf.random_blind() for _ in dids]
    blinded = [oprf.blind(d.encode(), b) for d, b in zip(dids, blinds, strict=True)]
    evaluated = evaluate(blinded)
    if len(evaluated) != len(dids):
        raise Rejected("invalid_element", "the alliance evaluated a different number of elements")
    people = [
        [nullifier_text(oprf.finalize(d.encode(), b, e)), rolled[d]]
        for d, b, e in zip(dids, blinds, evaluated, strict=True)
    ]
    return sorted(people)


def in_process(alliance_node: Node, member_key: str, vote_id: int) -> Evaluate:
    """``evaluate`` against an alliance in this process (the demo, domain tests)."""

    def evaluate(blinded: list[bytes]) -> list[bytes]:
        texts = [base64.b64encode(b).decode() for b in blinded]
        return [
            base64.b64decode(e) for e in evaluate_for(alliance_node, member_key, vote_id, texts)
        ]

    return evaluate
