"""Secret ballots, part three: the tellers decrypt each ballot after the close.

Once voting time is over, every teller of the vote posts, for each sealed ballot,
a decryption share per field with a Chaum–Pedersen proof that it used the secret
behind its published key (``governance.teller.decrypted``, in batches). A share
that does not verify is refused. When a ballot has every teller's shares, the rule
decrypts it (``B − Σ D_i = m·G``, ``m`` read from a small table) and decodes it
into an ordinary ballot, or marks it spoiled; the node's closing event then counts
the decrypted ballots with the method's usual count. Decryption needs every teller
(n of n): one honest teller keeps the ballots sealed, and one absent teller stops
the count (docs/secret-ballots.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.core.ballots import elgamal, wire
from commonweal.domain.errors import Conflict, InvalidBody, NotFound, NotPermitted
from commonweal.domain.fields import each_object
from commonweal.domain.governance.ballots import options_of
from commonweal.domain.governance.records import (
    VOTING,
    parse_id,
    proposal,
    require_deadline_passed,
    require_phase,
    rules_of,
)
from commonweal.domain.governance.secret_fields import decode, field_ranges
from commonweal.domain.governance.secret_records import (
    MAX_BATCH,
    SEALED,
    SECRET,
    context,
    proof,
    secret_vote,
    table,
)
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.words import N_, WP_

DECRYPTED = "governance.teller.decrypted"

Share = tuple[bytes, tuple[int, int]]


def parse_decrypted(body: Mapping[str, Any]) -> tuple[int, list[tuple[int, list[Share]]]]:
    """``{"proposal", "ballots": [{"ballot": index, "shares": [{"d", "proof"}, …]}, …]}``."""
    if set(body) != {"proposal", "ballots"}:
        raise InvalidBody("decryption shares are {proposal, ballots}")
    parsed = []
    for n, item in each_object(
        body["ballots"], "ballots", ("ballot", "shares"), most=MAX_BATCH, what="ballots"
    ):
        shares = item["shares"]
        if not isinstance(shares, list) or not shares:
            raise InvalidBody("ballots[%(n)s].shares must list one share per field", n=n)
        read = []
        for share in shares:
            if not isinstance(share, dict) or set(share) != {"d", "proof"}:
                raise InvalidBody("ballots[%(n)s].shares: each is {d, proof}", n=n)
            try:
                point = wire.point(share["d"])
            except ValueError as error:
                raise InvalidBody("ballots[%(n)s].shares: %(error)s", n=n, error=error) from None
            read.append((point, proof(share["proof"], f"ballots[{n}].shares.proof")))
        parsed.append((parse_id(item, "ballot"), read))
    return parse_id(dict(body), "proposal"), parsed


def apply_decrypted(
    state: State, ctx: Context, shares: tuple[int, list[tuple[int, list[Share]]]]
) -> None:
    """A teller's decryption shares, each proven; a ballot with all of them is decrypted."""
    proposal_id, batch = shares
    vote = secret_vote(state, proposal_id)
    record = proposal(state, proposal_id)
    require_phase(record, VOTING, doing=WP_("to do", "decrypt its ballots"))
    require_deadline_passed(
        ctx,
        record,
        "voting_until",
        N_("ballots stay sealed until voting ends at %(until)s"),
        until=record["voting_until"],
    )
    teller = ctx.node_did if ctx.author == ctx.node_key else ctx.author
    if teller not in vote["tellers"]:
        raise NotPermitted(
            "%(teller)s is not a teller of this vote", teller=teller, code="forbidden"
        )
    teller_key = wire.point(vote["tellers"][teller])
    rules = rules_of(record)
    options = options_of(state, record)
    ranges = field_ranges(rules["method"], rules["options"], options)
    sealed_table = table(SEALED, proposal_id)
    decrypted = 0
    seen = set()
    for index, parts in batch:
        sealed = state.get(sealed_table, index)
        if sealed is None:
            raise NotFound("there is no sealed ballot %(index)s", index=index, code="not_found")
        if teller in sealed["shares"] or index in seen:
            raise Conflict(
                "%(teller)s has decrypted ballot %(index)s already",
                teller=teller,
                index=index,
                code="already_shared",
            )
        seen.add(index)
        if len(parts) != len(sealed["fields"]):
            raise InvalidBody(
                "ballot %(index)s has %(count)s fields", index=index, count=len(sealed["fields"])
            )
        for n, ((d, share_proof), (a, b)) in enumerate(zip(parts, sealed["fields"], strict=True)):
            ciphertext = elgamal.Ciphertext(wire.point(a), wire.point(b))
            where = context(ctx.node_did, proposal_id, index, n)
            if not elgamal.check_decryption_share(teller_key, ciphertext, d, share_proof, where):
                raise InvalidBody(
                    "ballot %(index)s, field %(n)s: the decryption share does not verify",
                    index=index,
                    n=n,
                    code="invalid_share",
                )
        given = {**sealed["shares"], teller: [wire.b64u(d) for d, _p in parts]}
        updated = {**sealed, "shares": given}
        if set(given) == set(vote["tellers"]):
            updated = _decrypt(updated, rules, options, ranges)
            decrypted += 1
        state.put(sealed_table, index, updated)
    if decrypted:
        state.put(SECRET, proposal_id, {**vote, "decrypted": vote["decrypted"] + decrypted})


def _decrypt(
    sealed: dict[str, Any], rules: Mapping[str, Any], options: list[str], ranges: list[int]
) -> dict[str, Any]:
    values = []
    for n, ((a, b), high) in enumerate(zip(sealed["fields"], ranges, strict=True)):
        points = [wire.point(shares[n]) for shares in sealed["shares"].values()]
        value = elgamal.decrypt(elgamal.Ciphertext(wire.point(a), wire.point(b)), points, high)
        values.append(value)
    done: dict[str, Any] = {**sealed, "shares": {}, "fields": sealed["fields"], "values": values}
    if any(v is None for v in values):  # cannot happen: every field was proven in range
        return {**done, "spoiled": "a field decrypts outside its range"}
    try:
        ballot = decode(
            rules["method"], rules["options"], options, [v for v in values if v is not None]
        )
    except InvalidBody as error:
        return {**done, "spoiled": error.message}
    return {**done, "ballot": ballot}
