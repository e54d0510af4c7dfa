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
import re
from collections.abc import Callable
from typing import Any

from commonweal.core import oprf
from commonweal.domain.errors import DomainError
from commonweal.domain.federation import alliance, precincts
from commonweal.domain.federation.people import nullifier_text
from commonweal.domain.words import Number
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node

MAX_BATCH = 100_000
"""At most this many elements in one evaluation request."""

Evaluate = Callable[[list[bytes]], list[bytes]]
"""Blinded elements in, the alliance's evaluations out (over HTTP, or in process)."""


def scoped_key(node: Node, scope: str) -> bytes:
    """The alliance's OPRF secret scalar for ``scope`` (a vote, a census epoch): one key
    per scope, so nullifiers of different scopes cannot be linked."""
    seed = hmac.new(node.identity.key.seed, b"commonweal nullifier seed v1", hashlib.sha256)
    info = f"{node.identity.did} {scope}".encode()
    secret, _public = oprf.derive_key_pair(seed.digest(), info)
    return secret


def vote_key(node: Node, vote_id: int) -> bytes:
    """The alliance's OPRF secret scalar for network vote ``vote_id``."""
    return scoped_key(node, f"network vote {vote_id}")


CENSUS_SCOPE = re.compile(r"^[0-9A-Za-z:.-]{1,40}$")
"""A census epoch's name, as a nullifier scope (``census <epoch>``)."""


def evaluate_census(node: Node, member_key: str, epoch: Any, blinded: Any) -> list[str]:
    """The alliance evaluates a member node's blinded elements for census ``epoch``: the
    nodes' nullifier sets for one epoch intersect on the people who are members of
    several (``people.distinct_people``), and no member list is published."""
    if not isinstance(epoch, str) or not CENSUS_SCOPE.match(epoch):
        raise Rejected("invalid_request", "epoch must name a census epoch (letters, digits, :.-)")
    with node.reading() as state:
        members = alliance.member_nodes(state)
    if member_key not in members:
        raise Rejected(
            "not_a_member",
            "%(member_key)s is not a member node of this alliance",
            member_key=member_key,
        )
    return _evaluate_all(scoped_key(node, f"census {epoch}"), blinded)


def evaluate_for(node: Node, member_key: str, vote_id: int, blinded: Any) -> list[str]:
    """The alliance evaluates a member node's blinded elements (base64) for a vote."""
    with node.reading() as state:
        try:
            record = alliance.network_vote(state, vote_id)
        except DomainError as error:
            raise Rejected.from_error(error) from None
        members = alliance.member_nodes(state)
    if member_key not in members:
        raise Rejected(
            "not_a_member",
            "%(member_key)s is not a member node of this alliance",
            member_key=member_key,
        )
    if record["phase"] != alliance.VOTING:
        raise Rejected("voting_closed", "vote %(vote_id)s is closed", vote_id=vote_id)
    return _evaluate_all(vote_key(node, vote_id), blinded)


def _evaluate_all(secret: bytes, blinded: Any) -> list[str]:
    if not isinstance(blinded, list) or not 1 <= len(blinded) <= MAX_BATCH:
        raise Rejected(
            "invalid_request",
            "blinded must list 1 to %(max_batch)s elements",
            max_batch=Number(MAX_BATCH),
        )
    evaluated = []
    for position, text in enumerate(blinded):
        try:
            element = base64.b64decode(text, validate=True) if isinstance(text, str) else b""
            evaluated.append(oprf.blind_evaluate(secret, element))
        except (ValueError, oprf.OprfError):
            raise Rejected(
                "invalid_element",
                "blinded[%(index)s] is not a ristretto255 element",
                index=position,
            ) from None
    return [base64.b64encode(e).decode() for e in evaluated]


def people_of(node: Node, precinct_id: int, evaluate: Evaluate) -> list[list[Any]]:
    """The precinct's people (``[nullifier, pattern]`` per member of its electorate at
    closing), the nullifiers learnt from the alliance through ``evaluate``."""
    with node.reading() as state:
        rolled: dict[str, int | None] = dict(state.get(precincts.ROLLS, precinct_id) or {})
    named = nullify(sorted(rolled), evaluate)
    return sorted([named[did], rolled[did]] for did in rolled)


def nullify(dids: list[str], evaluate: Evaluate) -> dict[str, str]:
    """Each did's nullifier under the key behind ``evaluate``, which sees only blinded
    elements (what a census uses for its members in good standing, per epoch)."""
    if not dids:
        return {}
    blinds = [oprf.random_blind() for _ in dids]
    blinded = [oprf.blind(d.encode(), b) for d, b in zip(dids, blinds, strict=True)]
    evaluated = evaluate(blinded)
    if len(evaluated) != len(dids):
        raise Rejected("invalid_element", "the alliance evaluated a different number of elements")
    return {
        d: nullifier_text(oprf.finalize(d.encode(), b, e))
        for d, b, e in zip(dids, blinds, evaluated, strict=True)
    }


def in_process(alliance_node: Node, member_key: str, vote_id: int) -> Evaluate:
    """``evaluate`` against an alliance in this process (the demo, domain tests)."""

    def evaluate(blinded: list[bytes]) -> list[bytes]:
        texts = [base64.b64encode(b).decode() for b in blinded]
        return [
            base64.b64decode(e) for e in evaluate_for(alliance_node, member_key, vote_id, texts)
        ]

    return evaluate
