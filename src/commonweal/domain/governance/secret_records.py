"""Secret ballots' state tables, wire parsing, and the readers the rules and counts share.

docs/secret-ballots.md explains the protocol; the rules are in ``secret.py``
(keys and tokens), ``secret_casting.py`` (sealed ballots) and ``secret_tellers.py``
(decryption).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from commonweal.core.ballots import wire
from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.governance.records import proposal, require_phase
from commonweal.domain.state import State
from commonweal.domain.words import WP_

SECRET = "governance.secret"
"""proposal id → the vote's keys (token key, tellers, joint key) and its counters."""
TELLER_KEYS = "governance.secret.teller_keys."
"""``…<proposal>``: teller did → the key share they published before voting opened."""
TOKENS = "governance.secret.tokens."
"""``…<proposal>``: member did → their token request (blinded) and the node's blind signature."""
SEALED = "governance.secret.ballots."
"""``…<proposal>``: ballot (leaf index) → its nullifier, ciphertexts, shares, and once
decrypted its ballot (or why it is spoiled)."""
NULLIFIERS = "governance.secret.nullifiers."
"""``…<proposal>``: nullifier (SHA-256 of the token message) → the ballot that used it."""

TELLER_ROLE = "teller"
MAX_BATCH = 1000
T = TypeVar("T")


def table(prefix: str, proposal_id: int) -> str:
    """One proposal's table of ``prefix``."""
    return f"{prefix}{proposal_id}"


def proposal_tables(proposal_id: int) -> tuple[str, ...]:
    """Every secret-ballot table of one proposal (a count reads them all)."""
    return tuple(table(p, proposal_id) for p in (TELLER_KEYS, TOKENS, SEALED, NULLIFIERS))


def is_secret(rules: Mapping[str, Any] | None) -> bool:
    """Whether a proposal's rules (or a kind's) call for a secret ballot."""
    return rules is not None and rules.get("ballot") == "secret"


def secret_vote(state: State, proposal_id: int) -> dict[str, Any]:
    """The opened secret vote of ``proposal_id``, or a refusal saying why there is none."""
    record = proposal(state, proposal_id)
    if not is_secret(record["rules"]):
        raise Conflict(
            "proposal %(proposal_id)s is not a secret ballot",
            proposal_id=proposal_id,
            code="not_secret",
        )
    vote: dict[str, Any] | None = state.get(SECRET, proposal_id)
    if vote is None:
        require_phase(record, "voting", doing=WP_("to do", "take part in its secret ballot"))
        raise Conflict(
            "the node has not yet published the keys of proposal %(proposal_id)s's secret ballot; "
            "try again in a few seconds",
            proposal_id=proposal_id,
            code="not_opened",
        )
    return vote


def ready_to_close(state: State, record: Mapping[str, Any]) -> bool:
    """A secret vote closes once every sealed ballot is decrypted (or none were cast)."""
    if not is_secret(record["rules"]):
        return True
    vote = state.get(SECRET, record["id"])
    return vote is None or vote["decrypted"] == vote["ballots"]


def secret_ballots(state: State, proposal_id: int) -> dict[str, dict[str, Any]]:
    """The decrypted, valid secret ballots, keyed ``secret:<leaf index>``."""
    sealed: Mapping[Any, Any] = state.tables.get(table(SEALED, proposal_id), {})
    return {
        f"secret:{index}": ballot["ballot"]
        for index, ballot in sealed.items()
        if ballot["ballot"] is not None
    }


def token_holders(state: State, proposal_id: int) -> set[str]:
    """The members who asked for a token (their own delegations no longer apply)."""
    return {str(did) for did in state.tables.get(table(TOKENS, proposal_id), {})}


def summary(state: State, proposal_id: int) -> dict[str, Any]:
    """What a secret vote's result says about its ballots: enough to check the count."""
    vote = state.get(SECRET, proposal_id) or {"tellers": {}, "issued": 0, "ballots": 0}
    sealed: Mapping[Any, Any] = state.tables.get(table(SEALED, proposal_id), {})
    return {
        "tellers": sorted(vote["tellers"]),
        "tokens_issued": vote["issued"],
        "sealed_ballots": vote["ballots"],
        "spoiled": sorted(int(i) for i, b in sealed.items() if b["spoiled"] is not None),
    }


def field(body: Mapping[str, Any], name: str, read: Callable[[object], T]) -> T:
    """``body[name]`` read by ``read`` (a ``wire`` decoder), or ``invalid_body``."""
    try:
        return read(body.get(name))
    except ValueError as error:
        raise InvalidBody("%(name)s: %(error)s", name=name, error=error) from None


def proof(value: object, name: str) -> tuple[int, int]:
    """A ``[challenge, response]`` pair of scalars."""
    if not isinstance(value, list) or len(value) != 2:
        raise InvalidBody("%(name)s must be [challenge, response]", name=name)
    try:
        return wire.scalar(value[0]), wire.scalar(value[1])
    except ValueError as error:
        raise InvalidBody("%(name)s: %(error)s", name=name, error=error) from None


def proof_text(pair: tuple[int, int]) -> list[str]:
    """A proof's wire form."""
    return [wire.scalar_text(pair[0]), wire.scalar_text(pair[1])]


def context(node_did: str, proposal_id: int, *parts: object) -> bytes:
    """The Fiat–Shamir context of a proof: node, proposal, and what the proof is about."""
    return b"\x00".join(str(p).encode() for p in (node_did, proposal_id, *parts))
