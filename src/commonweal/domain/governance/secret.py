"""Secret ballots, part one: the tellers' keys, the node's token key, and eligibility tokens.

While a secret proposal is discussed, members holding the ``teller`` role may each
publish a key share with a Schnorr proof that they know its secret
(``governance.teller.key.published``). When voting opens the node publishes its own
share and a fresh RSA key for this vote's tokens (``governance.secret.opened``); the
joint key the ballots are sealed to is the sum of the node's share and every share
published before. A member of the electorate then asks for one token with a blinded
message (``governance.ballot.token.requested``: public, it says they take part), and
the node answers with the blind signature (``governance.ballot.token.issued``), which
anyone can check (``s^e = blinded mod n``). RFC 9474, RSABSSA-SHA384-PSS-Randomized.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.core.ballots import blind_rsa, elgamal, wire
from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.governance.records import (
    DISCUSSION,
    VOTING,
    ballots_table,
    parse_id,
    proposal,
    require_in_group,
    require_phase,
    rules_of,
)
from commonweal.domain.governance.secret_records import (
    SECRET,
    TELLER_KEYS,
    TELLER_ROLE,
    TOKENS,
    context,
    field,
    is_secret,
    proof,
    secret_vote,
    table,
)
from commonweal.domain.membership.records import require_active_member
from commonweal.domain.registry import Context, require_node_key
from commonweal.domain.state import State
from commonweal.domain.timestamps import reached
from commonweal.domain.words import N_, WP_

OPENED = "governance.secret.opened"
TELLER_KEY = "governance.teller.key.published"
TOKEN_REQUESTED = "governance.ballot.token.requested"
TOKEN_ISSUED = "governance.ballot.token.issued"
MIN_RSA_BITS = 2048
MAX_RSA_BITS = 4096


def parse_teller_key(body: Mapping[str, Any]) -> tuple[int, bytes, tuple[int, int]]:
    """``{"proposal", "key": point, "proof": [c, z]}``."""
    _only(body, {"proposal", "key", "proof"})
    return (
        parse_id(dict(body), "proposal"),
        field(body, "key", wire.point),
        proof(body.get("proof"), "proof"),
    )


def apply_teller_key(state: State, ctx: Context, share: tuple[int, bytes, tuple[int, int]]) -> None:
    """A member holding the teller role offers a key share before voting opens."""
    proposal_id, key, key_proof = share
    record = proposal(state, proposal_id)
    if not is_secret(record["rules"]):
        raise Conflict(
            "proposal %(proposal_id)s is not a secret ballot",
            proposal_id=proposal_id,
            code="not_secret",
        )
    require_phase(
        record, DISCUSSION, doing=WP_("to do", "publish a teller's key (tellers are fixed then)")
    )
    holder = require_active_member(state, ctx.author, WP_("to do", "act as a teller"))
    if TELLER_ROLE not in holder["roles"]:
        raise NotPermitted("only holders of the teller role may act as tellers", code="forbidden")
    if not elgamal.check_key(key, key_proof, context(ctx.node_did, proposal_id, ctx.author)):
        raise InvalidBody("the proof does not show knowledge of the key", code="invalid_proof")
    state.put(table(TELLER_KEYS, proposal_id), ctx.author, wire.b64u(key))


def parse_opened(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"proposal", "token_key": {"n", "e"}, "key": point, "proof": [c, z]}``."""
    _only(body, {"proposal", "token_key", "key", "proof"})
    token_key = body.get("token_key")
    if not isinstance(token_key, dict) or set(token_key) != {"n", "e"}:
        raise InvalidBody('token_key is {"n": …, "e": …} (base64url integers)')
    n, e = field(token_key, "n", wire.integer), field(token_key, "e", wire.integer)
    if not MIN_RSA_BITS <= n.bit_length() <= MAX_RSA_BITS or e < 3 or e % 2 == 0 or n % 2 == 0:
        raise InvalidBody(
            "token_key must be an RSA key of %(min_rsa_bits)s to %(max_rsa_bits)s bits",
            min_rsa_bits=MIN_RSA_BITS,
            max_rsa_bits=MAX_RSA_BITS,
        )
    return {
        "proposal": parse_id(dict(body), "proposal"),
        "n": n,
        "e": e,
        "key": field(body, "key", wire.point),
        "proof": proof(body.get("proof"), "proof"),
    }


def apply_opened(state: State, ctx: Context, opened: dict[str, Any]) -> None:
    """The node publishes the vote's token key and its own key share once voting is open."""
    require_node_key(ctx, refusal=N_("only the node opens a secret ballot"))
    proposal_id = opened["proposal"]
    record = proposal(state, proposal_id)
    if not is_secret(record["rules"]):
        raise Conflict(
            "proposal %(proposal_id)s is not a secret ballot",
            proposal_id=proposal_id,
            code="not_secret",
        )
    require_phase(record, VOTING, doing=WP_("to do", "open its secret ballot"))
    if state.get(SECRET, proposal_id) is not None:
        raise Conflict(
            "the secret ballot of %(proposal_id)s is open already",
            proposal_id=proposal_id,
            code="already_opened",
        )
    if not elgamal.check_key(
        opened["key"], opened["proof"], context(ctx.node_did, proposal_id, ctx.node_did)
    ):
        raise InvalidBody("the proof does not show knowledge of the key", code="invalid_proof")
    tellers = {ctx.node_did: wire.b64u(opened["key"])}
    tellers |= {str(d): k for d, k in state.items(table(TELLER_KEYS, proposal_id))}
    joint = elgamal.combine([wire.point(k) for k in tellers.values()])
    state.put(
        SECRET,
        proposal_id,
        {
            "token_key": {"n": wire.integer_text(opened["n"]), "e": wire.integer_text(opened["e"])},
            "tellers": tellers,
            "joint_key": wire.b64u(joint),
            "requested": 0,
            "issued": 0,
            "ballots": 0,
            "decrypted": 0,
        },
    )


def token_key(vote: Mapping[str, Any]) -> blind_rsa.PublicKey:
    """The vote's RSA public key."""
    key = vote["token_key"]
    return blind_rsa.PublicKey(wire.integer(key["n"]), wire.integer(key["e"]))


def parse_request(body: Mapping[str, Any]) -> tuple[int, bytes]:
    """``{"proposal", "blinded": base64url}``."""
    _only(body, {"proposal", "blinded"})
    return parse_id(dict(body), "proposal"), field(body, "blinded", wire.from_b64u)


def apply_request(state: State, ctx: Context, request: tuple[int, bytes]) -> None:
    """A member of the electorate asks for their one token while voting is open."""
    proposal_id, blinded = request
    vote = secret_vote(state, proposal_id)
    record = proposal(state, proposal_id)
    _require_open(record, ctx, proposal_id)
    require_in_group(
        state, ctx.author, rules_of(record)["electorate"], WP_("to do", "vote on this proposal")
    )
    tokens = table(TOKENS, proposal_id)
    if state.get(tokens, ctx.author) is not None:
        raise Conflict("you have asked for your token already", code="token_requested")
    if state.get(ballots_table(proposal_id), ctx.author) is not None:
        raise Conflict(
            "you cast a public ballot on this proposal: withdraw it first to vote in secret",
            code="public_ballot",
        )
    pk = token_key(vote)
    if len(blinded) != pk.modulus_len or blind_rsa.os2ip(blinded) >= pk.n:
        raise InvalidBody("blinded must be an integer below n, of n's length", code="invalid_token")
    state.put(
        tokens, ctx.author, {"request": ctx.index, "blinded": wire.b64u(blinded), "signature": None}
    )
    state.put(SECRET, proposal_id, {**vote, "requested": vote["requested"] + 1})


def parse_issued(body: Mapping[str, Any]) -> tuple[int, str, bytes]:
    """``{"proposal", "member": did, "blind_signature": base64url}``."""
    _only(body, {"proposal", "member", "blind_signature"})
    member = body.get("member")
    if not isinstance(member, str) or not member.startswith("did:"):
        raise InvalidBody("member must be the requester's DID")
    return parse_id(dict(body), "proposal"), member, field(body, "blind_signature", wire.from_b64u)


def apply_issued(state: State, ctx: Context, issued: tuple[int, str, bytes]) -> None:
    """The node's blind signature over a member's request; anyone can check it."""
    require_node_key(ctx, refusal=N_("only the node signs tokens"))
    proposal_id, member, signature = issued
    vote = secret_vote(state, proposal_id)
    tokens = table(TOKENS, proposal_id)
    request = state.get(tokens, member)
    if request is None:
        raise Conflict("%(member)s has not asked for a token", member=member, code="no_request")
    if request["signature"] is not None:
        raise Conflict(
            "%(member)s's token was signed already", member=member, code="already_issued"
        )
    if not blind_rsa.check_blind_signature(
        token_key(vote), wire.from_b64u(request["blinded"]), signature
    ):
        raise InvalidBody("the blind signature does not verify", code="invalid_token")
    state.put(tokens, member, {**request, "signature": wire.b64u(signature)})
    state.put(SECRET, proposal_id, {**vote, "issued": vote["issued"] + 1})


def _require_open(record: Mapping[str, Any], ctx: Context, proposal_id: int) -> None:
    require_phase(dict(record), VOTING, doing=WP_("to do", "vote"))
    if reached(ctx.received, record["voting_until"]):
        raise Conflict(
            "voting on proposal %(proposal_id)s ended at %(voting_until)s",
            proposal_id=proposal_id,
            voting_until=record["voting_until"],
            code="voting_closed",
        )


def _only(body: Mapping[str, Any], names: set[str]) -> None:
    unknown = sorted(set(body) - names)
    missing = sorted(names - set(body))
    if unknown or missing:
        raise InvalidBody("expected exactly %(names)s", names=", ".join(sorted(names)))
