"""Signed peer requests: RFC 9421 checked, a nonce used once, every refusal logged.

Peer requests that change anything — a checkpoint to cosign, evidence of a fork —
must be signed by a node this node recognises; the operator's own requests
(``commonweal peer …``) by this node's own key. A request is refused if it is
unsigned, signed by an unknown key, signed wrongly, over a body it does not match,
signed more than five minutes away from now, or carries a nonce already used.
"""

from __future__ import annotations

from collections.abc import Sequence

from commonweal.core.did import public_key_from_did_key
from commonweal.core.http_signatures import (
    MAX_AGE_SECONDS,
    PeerSignature,
    Request,
    SignatureError,
    parse_signatures,
    verify_peer_request,
)
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services.federation.service import Federation

CODES = {
    "unsigned": "signature_required",
    "unknown_peer": "unknown_peer",
    "stale_signature": "signature_stale",
    "replayed": "replayed",
}
"""SignatureError codes as the API names them; anything else is ``SIGNATURE_INVALID``."""

SIGNATURE_INVALID = "signature_invalid"


def authenticate(
    federation: Federation,
    *,
    method: str,
    url: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    action: str,
    operator: bool = False,
    keep_nonce: bool = True,
) -> PeerSignature:
    """Check a signed request; return who signed it, or raise :class:`Rejected`.

    With ``operator``, only this node's own key may sign; otherwise a recognised node's.
    Without ``keep_nonce`` the caller keeps the nonce with the change it makes (the
    witness does, in the transaction that records the checkpoint).
    """
    request = Request(method, url, headers, body)
    now = int(federation.now().timestamp())
    own_key = federation.node.identity.key_did

    def resolve(keyid: str) -> bytes:
        allowed = (
            keyid == own_key if operator else (federation.recognition_by("key", keyid) is not None)
        )
        if not allowed:
            who = "this node's own key" if operator else "a node this node recognises"
            raise SignatureError("unknown_peer", f"{keyid} is not {who}")
        return public_key_from_did_key(keyid)

    try:
        signed = verify_peer_request(request, resolve, now=now)
    except (SignatureError, ValueError) as error:
        code = error.code if isinstance(error, SignatureError) else "invalid_signature_input"
        message = error.message if isinstance(error, SignatureError) else str(error)
        federation.refuse(_claimed_keyid(request), action, code, message)
        raise Rejected(CODES.get(code, SIGNATURE_INVALID), message) from None
    if not federation.claim_nonce(signed.keyid, signed.nonce, signed.created, now, MAX_AGE_SECONDS):
        replayed = Rejected("replayed", "this signed request was already received (a replay)")
        federation.refuse(signed.keyid, action, "replayed", replayed.message)
        raise replayed
    if keep_nonce:
        federation.remember_nonce(signed.keyid, signed.nonce, signed.created, now, MAX_AGE_SECONDS)
    return signed


def _claimed_keyid(request: Request) -> str:
    try:
        keyids = [s.text_param("keyid") or "" for s in parse_signatures(request)]
    except SignatureError:
        return "unsigned"
    return ",".join(keyids) or "unsigned"
