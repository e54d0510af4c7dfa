"""A voter's side of a secret ballot: blind a token, unblind it, seal a ballot, cast it.

All of it runs on the voter's machine: the node sees only the blinded token (in the
member's signed request) and, later, a sealed ballot signed by a one-time key that
carries the unblinded token. ``Receipt`` is what the voter keeps to check their
ballot was counted (docs/secret-ballots.md).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from commonweal.core.ballots import blind_rsa, elgamal, ristretto, wire
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey
from commonweal.domain.governance.secret_fields import encode
from commonweal.domain.governance.secret_records import context, proof_text

SEALED = "governance.ballot.sealed"
TOKEN_REQUESTED = "governance.ballot.token.requested"


@dataclass(frozen=True)
class PendingToken:
    """What the voter keeps between asking for a token and getting its blind signature."""

    proposal: int
    message: str
    prefix: str
    inv: str
    blinded: str


@dataclass(frozen=True)
class Receipt:
    """What the voter keeps after casting: where their ballot is and what it says."""

    proposal: int
    ballot: int
    nullifier: str
    ballot_hash: str
    choice: dict[str, Any]


def token_key(view: Mapping[str, Any]) -> blind_rsa.PublicKey:
    """The vote's token key, from the node's ``/secret`` view."""
    return blind_rsa.PublicKey(
        wire.integer(view["token_key"]["n"]), wire.integer(view["token_key"]["e"])
    )


def start_token(view: Mapping[str, Any]) -> tuple[PendingToken, dict[str, Any]]:
    """A fresh token message for this vote, blinded: what to keep, and the request's body."""
    message = wire.token_prefix(view["node"], view["proposal"]) + secrets.token_bytes(
        wire.NONCE_LEN
    )
    prepared = blind_rsa.prepare(message)
    blinded = blind_rsa.blind(token_key(view), prepared)
    pending = PendingToken(
        view["proposal"],
        wire.b64u(message),
        wire.b64u(prepared[: blind_rsa.PREFIX_LEN]),
        wire.b64u(blinded.inv),
        wire.b64u(blinded.blinded_msg),
    )
    return pending, {"proposal": view["proposal"], "blinded": pending.blinded}


def finish_token(
    view: Mapping[str, Any], pending: PendingToken, blind_signature: str
) -> dict[str, str]:
    """The unblinded token (RFC 9474 Finalize), as a sealed ballot carries it."""
    message = wire.from_b64u(pending.message)
    prefix = wire.from_b64u(pending.prefix)
    signature = blind_rsa.finalize(
        token_key(view),
        prefix + message,
        wire.from_b64u(blind_signature),
        wire.from_b64u(pending.inv),
    )
    return {"prefix": pending.prefix, "message": pending.message, "signature": wire.b64u(signature)}


def seal(
    view: Mapping[str, Any], ballot: Mapping[str, Any], token: Mapping[str, str]
) -> dict[str, Any]:
    """The body of a sealed ballot: every field encrypted to the joint key, proven in range."""
    values = encode(view["method"], view["method_options"], view["options"], ballot)
    key = wire.point(view["joint_key"])
    used = hashlib.sha256(wire.from_b64u(token["message"])).hexdigest()
    fields = []
    for n, (value, high) in enumerate(zip(values, view["ranges"], strict=True)):
        nonce = ristretto.random_scalar()
        ciphertext = elgamal.encrypt(key, value, nonce)
        where = context(view["node"], view["proposal"], used, n)
        proofs = elgamal.prove_range(key, ciphertext, value, nonce, high, where)
        fields.append(
            {
                "a": wire.b64u(ciphertext.a),
                "b": wire.b64u(ciphertext.b),
                "proof": [proof_text(p) for p in proofs],
            }
        )
    return {"proposal": view["proposal"], "token": dict(token), "fields": fields}


def sealed_event(view: Mapping[str, Any], body: Mapping[str, Any], at: str) -> dict[str, Any]:
    """The sealed ballot signed by a fresh one-time key (never the member's)."""
    return sign_event(
        SigningKey.generate(), type=SEALED, node=view["node"], seq=1, at=at, body=body
    )


def receipt(
    proposal: int, index: int, event: Mapping[str, Any], ballot: Mapping[str, Any]
) -> Receipt:
    """What to keep once the node logged the sealed ballot at ``index``."""
    message = wire.from_b64u(event["body"]["token"]["message"])
    from commonweal.core import jcs

    return Receipt(
        proposal,
        index,
        hashlib.sha256(message).hexdigest(),
        hashlib.sha256(jcs.canonicalize(dict(event))).hexdigest(),
        dict(ballot),
    )


def as_json(value: PendingToken | Receipt) -> dict[str, Any]:
    """A kept value as JSON."""
    return asdict(value)
