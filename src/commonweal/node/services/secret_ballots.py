"""Secret ballots as the node runs them: its keys, tokens, decryption shares, and reads.

The node (docs/secret-ballots.md) opens each secret vote once voting starts
(a fresh 2048-bit RSA key for its tokens and its own teller key share, kept in
``private_ballot_keys``), blind-signs every member's token request as soon as it is
logged (``issue``, also called by the API right after the request, so the member
gets the signature in the same exchange), and once voting time is over posts its
decryption shares, with proofs, for every sealed ballot. ``run_due`` is called by
the scheduler every second, like governance's.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from commonweal.core.ballots import blind_rsa, elgamal, ristretto, wire
from commonweal.domain.governance.records import PROPOSALS, VOTING
from commonweal.domain.governance.secret import OPENED, TOKEN_ISSUED
from commonweal.domain.governance.secret_records import (
    MAX_BATCH,
    SEALED,
    SECRET,
    TOKENS,
    context,
    is_secret,
    proof_text,
    table,
)
from commonweal.domain.governance.secret_tellers import DECRYPTED
from commonweal.domain.state import State
from commonweal.domain.timestamps import reached
from commonweal.node.kernel.due import Refusals, attempt
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Receipt
from commonweal.store.ballot_keys import BallotKeyStore

RSA_BITS = 2048
"""Each key signs tokens for one vote, for days: 2048 bits (RFC 9474 allows it; NIST
SP 800-57 rates it fine to 2030) keeps a ballot's check to tens of microseconds."""
SHARE_BYTES = 180
"""About how many bytes one field's share and proof take in an event, so that a batch of
shares stays well under the 64 KiB an event may be."""


def share_batch(fields: int) -> int:
    """How many ballots of ``fields`` fields one ``governance.teller.decrypted`` may carry."""
    return max(1, min(MAX_BATCH, 48_000 // (max(1, fields) * SHARE_BYTES)))


def run_due(node: Node, *, limit: int = 100, refusals: Refusals | None = None) -> list[Receipt]:
    """Open secret votes, sign pending tokens, and post this node's decryption shares."""
    refusals = refusals or Refusals()
    receipts: list[Receipt] = []
    with node.reading() as state:
        work = _due(state, _now(node))
    for kind, proposal_id in work[:limit]:
        key = (kind, proposal_id)
        if refusals.waiting(key):
            continue
        if kind == OPENED:
            found = attempt(node, refusals, key, partial(_opening, node, proposal_id))
            receipts += [found] if found else []
        elif kind == TOKEN_ISSUED:
            receipts += issue_pending(node, proposal_id)
        else:
            receipts += post_shares(node, proposal_id, refusals)
    return receipts


def _due(state: State, now: str) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for _id, record in sorted(state.items(PROPOSALS)):
        if record["phase"] != VOTING or not is_secret(record["rules"]):
            continue
        proposal_id = int(record["id"])
        vote = state.get(SECRET, proposal_id)
        if vote is None:
            found.append((OPENED, proposal_id))
        elif vote["issued"] < vote["requested"]:
            found.append((TOKEN_ISSUED, proposal_id))
        elif reached(now, record["voting_until"]) and vote["decrypted"] < vote["ballots"]:
            found.append((DECRYPTED, proposal_id))
    return found


def keys(node: Node, proposal_id: int) -> tuple[rsa.RSAPrivateKey, int]:
    """This node's token key and teller secret for ``proposal_id`` (made on first use)."""
    kept = BallotKeyStore(node.store)
    found = kept.get(proposal_id)
    if found is None:
        pem = (
            blind_rsa.generate(RSA_BITS)
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode()
        )
        kept.put(proposal_id, pem, wire.scalar_text(ristretto.random_scalar()))
        found = kept.get(proposal_id)
        assert found is not None
    private = serialization.load_pem_private_key(found[0].encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    return private, wire.scalar(found[1])


def _opening(node: Node, proposal_id: int) -> dict[str, Any]:
    private, secret = keys(node, proposal_id)
    numbers = private.public_key().public_numbers()
    where = context(node.identity.did, proposal_id, node.identity.did)
    return {
        "proposal": proposal_id,
        "token_key": {"n": wire.integer_text(numbers.n), "e": wire.integer_text(numbers.e)},
        "key": wire.b64u(ristretto.base_mul(secret)),
        "proof": proof_text(elgamal.prove_key(secret, where)),
    }


def _token_request(node: Node, proposal_id: int, member: str) -> dict[str, Any]:
    """``member``'s token request on ``proposal_id``; ``not_found`` when they made none."""
    with node.reading() as state:
        request: dict[str, Any] | None = state.get(table(TOKENS, proposal_id), member)
    if request is None:
        raise Rejected(
            "not_found",
            "%(member)s has not asked for a token on %(proposal_id)s",
            member=member,
            proposal_id=proposal_id,
        )
    return request


def issue(node: Node, proposal_id: int, member: str) -> str:
    """The blind signature of ``member``'s token (signing and logging it if need be)."""
    request = _token_request(node, proposal_id, member)
    if request["signature"] is not None:
        return str(request["signature"])
    private, _secret = keys(node, proposal_id)
    numbers = private.private_numbers()
    signature = blind_rsa.blind_sign(
        numbers.public_numbers.n,
        numbers.public_numbers.e,
        numbers.d,
        wire.from_b64u(request["blinded"]),
    )
    text = wire.b64u(signature)
    body = {"proposal": proposal_id, "member": member, "blind_signature": text}
    try:
        node.submit_as_node(TOKEN_ISSUED, body)
    except Rejected as rejected:
        if rejected.code != "already_issued":  # a concurrent issue logged it first
            raise
    return text


def issue_pending(node: Node, proposal_id: int) -> list[Receipt]:
    """Sign every token request of ``proposal_id`` still waiting (the API usually did)."""
    with node.reading() as state:
        waiting = [
            str(did)
            for did, request in state.items(table(TOKENS, proposal_id))
            if request["signature"] is None
        ]
    for member in waiting:
        issue(node, proposal_id, member)
    return []


def post_shares(node: Node, proposal_id: int, refusals: Refusals) -> list[Receipt]:
    """This node's decryption shares for every sealed ballot it has not decrypted yet."""
    _private, secret = keys(node, proposal_id)
    did = node.identity.did
    with node.reading() as state:
        waiting = [
            (int(str(index)), sealed["fields"])
            for index, sealed in sorted(state.items(table(SEALED, proposal_id)))
            if sealed["ballot"] is None
            and sealed["spoiled"] is None
            and did not in sealed["shares"]
        ]
    receipts = []
    size = share_batch(len(waiting[0][1])) if waiting else 1
    for start in range(0, len(waiting), size):
        batch = waiting[start : start + size]
        body = {"proposal": proposal_id, "ballots": shares_for(did, proposal_id, secret, batch)}
        found = attempt(node, refusals, (DECRYPTED, proposal_id), body)
        if found is None:
            break
        receipts.append(found)
    return receipts


def shares_for(
    node_did: str, proposal_id: int, secret: int, ballots: list[tuple[int, list[list[str]]]]
) -> list[dict[str, Any]]:
    """Decryption shares with their proofs, as ``governance.teller.decrypted`` carries them."""
    out = []
    for index, fields in ballots:
        shares = []
        for n, (a, b) in enumerate(fields):
            ciphertext = elgamal.Ciphertext(wire.point(a), wire.point(b))
            where = context(node_did, proposal_id, index, n)
            d, share_proof = elgamal.decryption_share(secret, ciphertext, where)
            shares.append({"d": wire.b64u(d), "proof": proof_text(share_proof)})
        out.append({"ballot": index, "shares": shares})
    return out


def vote_view(node: Node, proposal_id: int) -> dict[str, Any]:
    """What a voter's client needs: the token key, the joint key, the tellers, the options."""
    from commonweal.domain.governance.ballots import options_of
    from commonweal.domain.governance.secret_fields import field_ranges

    with node.reading() as state:
        record = state.get(PROPOSALS, proposal_id)
        if record is None:
            raise Rejected(
                "not_found", "there is no proposal %(proposal_id)s", proposal_id=proposal_id
            )
        if not is_secret(record["rules"]):
            raise Rejected(
                "not_secret",
                "proposal %(proposal_id)s is not a secret ballot",
                proposal_id=proposal_id,
            )
        vote = state.get(SECRET, proposal_id)
        if vote is None:
            raise Rejected(
                "not_opened",
                "the secret ballot of %(proposal_id)s is not open yet",
                proposal_id=proposal_id,
            )
        rules = record["rules"]
        options = options_of(state, record)
        return {
            "proposal": proposal_id,
            "node": node.identity.did,
            "method": rules["method"],
            "options": options,
            "method_options": rules["options"],
            "ranges": field_ranges(rules["method"], rules["options"], options),
            "token_key": vote["token_key"],
            "joint_key": vote["joint_key"],
            "tellers": vote["tellers"],
            "token_prefix": wire.b64u(wire.token_prefix(node.identity.did, proposal_id)),
            "counts": {k: vote[k] for k in ("requested", "issued", "ballots", "decrypted")},
            "voting_until": record["voting_until"],
        }


def token(node: Node, proposal_id: int, member: str) -> dict[str, Any]:
    """A member's token request and the node's blind signature (to fetch it again)."""
    request = _token_request(node, proposal_id, member)
    return {"member": member, **request}


def sealed_ballots(node: Node, proposal_id: int) -> list[dict[str, Any]]:
    """Every sealed ballot's ciphertexts and the tellers who decrypted it (for tellers)."""
    with node.reading() as state:
        return [
            {
                "ballot": int(str(index)),
                "fields": sealed["fields"],
                "tellers": sorted(sealed["shares"])
                if sealed["ballot"] is None and sealed["spoiled"] is None
                else sorted(state.get(SECRET, proposal_id)["tellers"]),
            }
            for index, sealed in sorted(state.items(table(SEALED, proposal_id)))
        ]


def sealed_ballot(node: Node, proposal_id: int, index: int) -> dict[str, Any]:
    """One sealed ballot as the state holds it: a voter checks their receipt against it."""
    with node.reading() as state:
        found = state.get(table(SEALED, proposal_id), index)
        record = state.get(PROPOSALS, proposal_id)
    if found is None or record is None:
        raise Rejected(
            "not_found",
            "there is no sealed ballot %(index)s on %(proposal_id)s",
            index=index,
            proposal_id=proposal_id,
        )
    return {
        "proposal": proposal_id,
        "ballot": index,
        "nullifier": found["nullifier"],
        "decrypted": found["ballot"],
        "spoiled": found["spoiled"],
        "counted": record["phase"] == "closed" and found["ballot"] is not None,
    }


def _now(node: Node) -> str:
    from commonweal.core.rfc3339 import format_utc

    return format_utc(max(node.clock(), node.last_received))
