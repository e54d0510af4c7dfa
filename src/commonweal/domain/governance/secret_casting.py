"""Secret ballots, part two: casting a sealed ballot with a one-time key and a token.

``governance.ballot.sealed`` is signed by a fresh did:key that is nobody's identity;
instead of membership it proves eligibility with an unblinded token: a message made
of this node's DID, the proposal and 32 random bytes, with the node's RSA signature
(RFC 9474, input ``prefix ‖ message``). The message is the nullifier: a second
ballot with it is refused. Each field is an ElGamal ciphertext under the tellers'
joint key with a proof that it lies in the method's range, bound to the nullifier
and the field's position, so no proof can be moved to another ballot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from commonweal.core.ballots import blind_rsa, elgamal, wire
from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import each_object
from commonweal.domain.governance.ballots import options_of
from commonweal.domain.governance.records import parse_id, proposal, rules_of
from commonweal.domain.governance.secret import _require_open, token_key
from commonweal.domain.governance.secret_fields import field_ranges
from commonweal.domain.governance.secret_records import (
    NULLIFIERS,
    SEALED,
    SECRET,
    context,
    field,
    proof,
    secret_vote,
    table,
)
from commonweal.domain.registry import Context
from commonweal.domain.state import State

SEALED_EVENT = "governance.ballot.sealed"
MAX_FIELDS = 100


def parse_sealed(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"proposal", "token": {"prefix", "message", "signature"}, "fields": [...]}``.

    Each field is ``{"a": point, "b": point, "proof": [[c, z], …]}``.
    """
    if set(body) != {"proposal", "token", "fields"}:
        raise InvalidBody("a sealed ballot is {proposal, token, fields}")
    token = body["token"]
    if not isinstance(token, dict) or set(token) != {"prefix", "message", "signature"}:
        raise InvalidBody("token is {prefix, message, signature}")
    parsed = []
    for n, item in each_object(
        body["fields"], "fields", ("a", "b", "proof"), most=MAX_FIELDS, what="encrypted fields"
    ):
        proofs = item["proof"]
        if not isinstance(proofs, list) or len(proofs) > elgamal.MAX_HIGH + 1:
            raise InvalidBody("fields[%(n)s].proof must list one [c, z] per possible value", n=n)
        parsed.append(
            (
                elgamal.Ciphertext(field(item, "a", wire.point), field(item, "b", wire.point)),
                [proof(p, f"fields[{n}].proof") for p in proofs],
            )
        )
    return {
        "proposal": parse_id(dict(body), "proposal"),
        "prefix": field(token, "prefix", lambda v: wire.from_b64u(v, length=32)),
        "message": field(token, "message", wire.from_b64u),
        "signature": field(token, "signature", wire.from_b64u),
        "fields": parsed,
    }


def nullifier(message: bytes) -> str:
    """The key a token's use is recorded under: SHA-256 of its message, in hex."""
    return hashlib.sha256(message).hexdigest()


def apply_sealed(state: State, ctx: Context, sealed: dict[str, Any]) -> None:
    """An eligible voter's sealed ballot: a valid unused token, and every field in range."""
    proposal_id = sealed["proposal"]
    vote = secret_vote(state, proposal_id)
    record = proposal(state, proposal_id)
    _require_open(record, ctx, proposal_id)
    message = sealed["message"]
    expected = wire.token_prefix(ctx.node_did, proposal_id)
    if not message.startswith(expected) or len(message) != len(expected) + wire.NONCE_LEN:
        raise InvalidBody(
            "this token was not made for this proposal on this node", code="wrong_token"
        )
    if not blind_rsa.verify(token_key(vote), sealed["prefix"] + message, sealed["signature"]):
        raise InvalidBody("the token's signature does not verify", code="invalid_token")
    used = nullifier(message)
    if state.get(table(NULLIFIERS, proposal_id), used) is not None:
        raise Conflict("this token has been used already", code="token_used")
    if vote["ballots"] >= vote["issued"]:  # cannot happen with a sound signature scheme
        raise Conflict("more ballots than tokens issued", code="token_used")
    rules = rules_of(record)
    ranges = field_ranges(rules["method"], rules["options"], options_of(state, record))
    fields = sealed["fields"]
    if len(fields) != len(ranges):
        raise InvalidBody(
            "a %(method)s ballot here has %(count)s fields",
            method=rules["method"],
            count=len(ranges),
            code="invalid_ballot",
        )
    key = wire.point(vote["joint_key"])
    for n, ((ciphertext, proofs), high) in enumerate(zip(fields, ranges, strict=True)):
        where = context(ctx.node_did, proposal_id, used, n)
        if not elgamal.check_range(key, ciphertext, proofs, high, where):
            raise InvalidBody(
                "field %(n)s: the proof does not show a value from 0 to %(high)s",
                n=n,
                high=high,
                code="invalid_proof",
            )
    state.put(
        table(SEALED, proposal_id),
        ctx.index,
        {
            "nullifier": used,
            "fields": [[wire.b64u(c.a), wire.b64u(c.b)] for c, _p in fields],
            "shares": {},
            "ballot": None,
            "spoiled": None,
        },
    )
    state.put(table(NULLIFIERS, proposal_id), used, ctx.index)
    state.put(SECRET, proposal_id, {**vote, "ballots": vote["ballots"] + 1})
