"""Treasury benchmarks: obligation clearing at scale, and money events through a node.

Clearing is timed twice: computing the clearing (what the node offers to sign)
and checking a claimed one (what the rule, and so ``verify``, does for every
clearing in the log). Payments are mutual-credit transfers between members,
signed in advance and appended in batches, then the ledger is read back.
"""

from __future__ import annotations

import hashlib
import random
import time
from pathlib import Path

import orjson

from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey
from commonweal.domain.credit.mtcs import Obligation, check, clear


def random_obligations(members: int, count: int, seed: int = 1) -> list[Obligation]:
    """``count`` obligations between ``members`` participants, amounts 1.00 to 1,000.00."""
    rng = random.Random(seed)
    found = []
    for n in range(count):
        debtor, creditor = rng.sample(range(members), 2)
        found.append(Obligation(n, f"m{debtor}", f"m{creditor}", rng.randint(100, 100_000)))
    return found


def clearing_seconds(members: int, count: int) -> tuple[float, float, float]:
    """Seconds to compute a clearing and to check it, and the share of debt it clears."""
    obligations = random_obligations(members, count)
    start = time.perf_counter()
    result = clear(obligations)
    computed = time.perf_counter() - start
    start = time.perf_counter()
    assert check(obligations, {k: v for k, v in result.setoff.items() if v}) is None
    checked = time.perf_counter() - start
    return computed, checked, result.cleared / result.debt_before


def payments_rate(workdir: Path, members: int, payments: int) -> tuple[float, float, float]:
    """Mutual-credit payments per second through ``Node.submit_batch``, then the ms to read
    one ledger page and to export the whole ledger as CSV."""
    from commonweal.node.kernel.setup import init_node
    from commonweal.node.services import treasury

    keys = [SigningKey(hashlib.sha256(f"member {n}".encode()).digest()) for n in range(members)]
    dids = [did_key_from_public_key(k.public_key) for k in keys]
    node = init_node(workdir / "treasury", name="Bench treasury", founders=dids)
    node.submit_as_node(
        "treasury.unit.declared", {"code": "HOUR", "name": "Hour", "exponent": 2, "kind": "hours"}
    )
    limits = {"default": {"min": -(10**9), "max": None}}
    node.submit_as_node("credit.policy.set", {"unit": "HOUR", "limits": limits})
    rng = random.Random(2)
    seqs = [0] * members
    raws = []
    for _ in range(payments):
        payer, payee = rng.sample(range(members), 2)
        seqs[payer] += 1
        body = {"to": f"member:{dids[payee]}", "unit": "HOUR", "amount": rng.randint(1, 500)}
        event = sign_event(
            keys[payer],
            type="treasury.transfer.sent",
            node=node.identity.did,
            seq=seqs[payer],
            at="2026-11-23T12:00:00Z",
            body=body,
        )
        raws.append(orjson.dumps(event))
    node.submit_batch(raws[:100])  # start the signature workers before timing
    start = time.perf_counter()
    for i in range(100, len(raws), 500):
        node.submit_batch(raws[i : i + 500])
    rate = (len(raws) - 100) / (time.perf_counter() - start)
    start = time.perf_counter()
    treasury.ledger(node, after=payments // 2, limit=100)
    page = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    treasury.export_csv(node)
    export = (time.perf_counter() - start) * 1000
    node.close()
    return rate, page, export
