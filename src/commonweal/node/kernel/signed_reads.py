"""Reads a member asks for with their own signature: their inbox, their census proof.

A request is ``{"did", "at", "sig", …}``: ``sig`` is the member's Ed25519 signature
(``z`` + base58btc) over the RFC 8785 bytes of ``{"purpose", "node", "did", "at"}``
(plus any extra members the read names), and ``at`` must be within five minutes of
the node's clock, so a request seen once is soon worthless.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from commonweal.core.did import public_key_from_did_key
from commonweal.core.events import verify_encoded_signature
from commonweal.core.jcs import canonicalize
from commonweal.core.rfc3339 import parse_utc
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node

SKEW = timedelta(minutes=5)


def request_bytes(purpose: str, node_did: str, did: str, at: str, **extra: Any) -> bytes:
    """What a member signs: the RFC 8785 bytes of purpose, node, did, at (and ``extra``)."""
    return canonicalize({"purpose": purpose, "node": node_did, "did": did, "at": at, **extra})


def signed_by(node: Node, request: object, purpose: str, extra: Mapping[str, type] = {}) -> str:
    """The DID that signed ``request`` for ``purpose``, or ``invalid_request``/``unauthorized``."""
    members = {"did", "at", "sig", *extra}
    if not isinstance(request, dict) or set(request) != members:
        raise Rejected(
            "invalid_request", "the request is {%(members)s}", members=", ".join(sorted(members))
        )
    did, at, sig = request["did"], request["at"], request["sig"]
    if not all(isinstance(v, str) for v in (did, at, sig)):
        raise Rejected("invalid_request", "did, at and sig must be strings")
    for name, kind in extra.items():
        if not isinstance(request[name], kind) or isinstance(request[name], bool):
            raise Rejected(
                "invalid_request", "%(name)s must be a %(kind)s", name=name, kind=kind.__name__
            )
    try:
        key = public_key_from_did_key(did)
        signed_at = parse_utc(at)
    except ValueError as error:
        raise Rejected.saying("invalid_request", error) from None
    if abs(signed_at - node.clock()) > SKEW:
        raise Rejected("unauthorized", "the request's time is more than 5 minutes off")
    signed = request_bytes(purpose, node.identity.did, did, at, **{k: request[k] for k in extra})
    if not verify_encoded_signature(key, signed, sig):
        raise Rejected("unauthorized", "sig is not this member's signature over the request")
    return str(did)
