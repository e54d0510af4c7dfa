"""Governance benchmarks: closing a vote of a million ranked ballots, and delegation at scale.

The million-ballot store is written once (projection rows as a node keeps them:
a million members, and a million ballots for each of two proposals, one counted
by instant-runoff and one by Schulze) and kept in ``.bench-cache/``. Closing
reads everything a recount needs from the store, exactly as ``commonweal tally
--data-dir`` and ``verify`` do, and counts it.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

OPTIONS = ["101", "102", "103", "104", "105"]
NODE_DID = "did:key:z6MkbenchNodeForGovernanceBenchmarksOnly"
PROPOSALS = {"instant_runoff": 100, "schulze": 200}


def _member(n: int) -> str:
    return "did:key:z6Mk" + hashlib.sha256(n.to_bytes(8, "big")).hexdigest()[:44]


def _rankings(count: int, seed: int = 7) -> list[list[str]]:
    """Rankings drawn from a few camps with noise: truncated, like real ranked ballots."""
    rng = random.Random(seed)
    camps = [
        ["101", "102", "103", "104", "105"],
        ["103", "101", "105"],
        ["104", "105", "102"],
        ["102", "103"],
        ["105", "104", "101", "102"],
    ]
    weights = [30, 25, 20, 15, 10]
    out = []
    for _ in range(count):
        ranking = list(rng.choices(camps, weights)[0])
        if rng.random() < 0.3:
            i, j = rng.randrange(len(ranking)), rng.randrange(len(ranking))
            ranking[i], ranking[j] = ranking[j], ranking[i]
        if rng.random() < 0.2:
            ranking = ranking[: rng.randrange(1, len(ranking) + 1)]
        out.append(ranking)
    return out


def _record(proposal_id: int, method: str) -> dict[str, Any]:
    rules = {
        "title": method,
        "description": "",
        "proposers": "members",
        "electorate": "members",
        "discussion_seconds": 0,
        "voting_seconds": 60,
        "quorum": "1/5",
        "method": method,
        "options": {"status_quo": False} if method == "schulze" else {},
        "delegation": True,
        "actions": [],
    }
    if method == "schulze":
        rules["threshold"] = {"more_than": "1/2"}
    return {
        "id": proposal_id,
        "kind": method,
        "topic": "general",
        "title": "Benchmark",
        "author": _member(0),
        "phase": "voting",
        "drafted_at": "2026-11-01T00:00:00Z",
        "rules": rules,
        "alternatives": [int(o) for o in OPTIONS],
        "discussion_from": "2026-11-01T00:00:00Z",
        "discussion_until": "2026-11-01T00:00:00Z",
        "voting_from": "2026-11-01T00:00:00Z",
        "voting_until": "2026-11-01T00:01:00Z",
        "closed_at": None,
        "cancelled": None,
        "outcome": None,
        "executions": [],
    }


def build_ballot_store(path: Path, ballots: int) -> Path:
    """A node store holding ``ballots`` members, each with a ballot on both proposals."""
    from commonweal.domain.state import Change
    from commonweal.store.database import make_engine, migrate, sqlite_url
    from commonweal.store.log_store import LogStore

    marker = path / "complete"
    if marker.exists():  # built by an earlier run: bring it to the current schema
        engine = make_engine(sqlite_url(path))
        migrate(engine)
        engine.dispose()
        return path
    path.mkdir(parents=True, exist_ok=True)
    (path / "node.db").unlink(missing_ok=True)
    engine = make_engine(sqlite_url(path))
    migrate(engine)
    store = LogStore(engine)
    rows: list[Change] = []
    for method, proposal_id in PROPOSALS.items():
        rows.append(Change("governance.proposals", proposal_id, _record(proposal_id, method)))
    for option in OPTIONS:
        alternative = {"id": int(option), "withdrawn": False, "actions": [], "title": option}
        rows.append(Change("governance.alternatives", int(option), alternative))
    rankings = _rankings(ballots)
    for n in range(ballots):
        did = _member(n)
        rows.append(
            Change(
                "membership.members",
                did,
                {
                    "status": "member",
                    "commitment": "sha256:" + "0" * 64,
                    "applied": n,
                    "admitted": n,
                    "vouches": [],
                    "roles": [],
                    "erased": False,
                    "reason": "",
                },
            )
        )
        for proposal_id in PROPOSALS.values():
            rows.append(Change(f"governance.ballots.{proposal_id}", did, {"ranking": rankings[n]}))
    store.write_projection(rows)
    engine.dispose()
    marker.write_text("ok\n")
    return path


def close_from_store(path: Path, method: str) -> tuple[float, dict[str, Any]]:
    """Seconds to recount one proposal from the store, end to end, and its result."""
    from commonweal.node.services.governance import recount_from_store
    from commonweal.store.database import make_engine, sqlite_url
    from commonweal.store.log_store import LogStore

    store = LogStore(make_engine(sqlite_url(path)))
    start = time.perf_counter()
    result = recount_from_store(store, PROPOSALS[method], NODE_DID)
    elapsed = time.perf_counter() - start
    store.engine.dispose()
    return elapsed, result


def close_on_node(path: Path, workdir: Path) -> dict[str, float]:
    """Seconds for a node holding the store's state to close both votes, as it does live.

    The node's projection is loaded from (a copy of) the store first, as ``commonweal
    serve`` does at start; then the scheduler counts, and the closing event's rule
    recounts before it is appended: that is what one close costs a running node.
    """
    import shutil
    from datetime import UTC, datetime

    from commonweal.core.keys import SigningKey
    from commonweal.domain.catalog import default_registry
    from commonweal.node.kernel.identity import NodeIdentity
    from commonweal.node.kernel.runtime import tune_collector
    from commonweal.node.kernel.service import Node
    from commonweal.node.services import governance
    from commonweal.store.database import make_engine, sqlite_url
    from commonweal.store.log_store import LogStore

    copy = workdir / "close-on-node"
    copy.mkdir(parents=True, exist_ok=True)
    shutil.copy(path / "node.db", copy / "node.db")
    store = LogStore(make_engine(sqlite_url(copy)))
    identity = NodeIdentity.from_key(SigningKey.generate())
    store.write_meta({"did": identity.did, "origin": identity.origin, "vkey": identity.vkey})
    start = time.perf_counter()
    node = Node(
        store, identity, default_registry(), clock=lambda: datetime(2026, 11, 2, tzinfo=UTC)
    )
    timings = {"load": time.perf_counter() - start}
    tune_collector()
    for method, proposal_id in PROPOSALS.items():  # in id order, the order they fall due
        start = time.perf_counter()
        receipts = governance.run_due(node, limit=1)
        timings[method] = time.perf_counter() - start
        closed = node.state.get("governance.proposals", proposal_id)
        assert closed["phase"] == "closed" and receipts, (method, closed["phase"])
    node.close()
    return timings


def tally_step(ballots: int) -> dict[str, float]:
    """The counting step alone (aggregated profile → winners), ours and pref_voting's."""
    from pref_voting.iterative_methods import instant_runoff as pv_irv
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.profiles_with_ties import ProfileWithTies

    from commonweal.domain.governance import ranked
    from commonweal.domain.governance.profile import Profile

    counts = Counter(tuple(r) for r in _rankings(ballots))
    timings: dict[str, float] = {}
    start = time.perf_counter()
    profile = Profile.from_counts(OPTIONS, counts.items())
    ours_irv = ranked.instant_runoff(profile).winners
    timings["ours irv"] = time.perf_counter() - start
    start = time.perf_counter()
    profile = Profile.from_counts(OPTIONS, counts.items())
    ours_schulze = ranked.schulze(profile).winners
    timings["ours schulze"] = time.perf_counter() - start
    rankings = [{c: n for n, c in enumerate(r)} for r in counts]
    start = time.perf_counter()
    theirs = ProfileWithTies(rankings, rcounts=list(counts.values()), candidates=OPTIONS)
    theirs.use_extended_strict_preference()
    theirs_irv = set(pv_irv(theirs))
    timings["pref_voting irv"] = time.perf_counter() - start
    start = time.perf_counter()
    theirs = ProfileWithTies(rankings, rcounts=list(counts.values()), candidates=OPTIONS)
    theirs.use_extended_strict_preference()
    theirs_schulze = set(beat_path(theirs))
    timings["pref_voting schulze"] = time.perf_counter() - start
    if ours_irv != theirs_irv or ours_schulze != theirs_schulze:
        raise SystemExit(
            f"tallies disagree: {ours_irv} {theirs_irv} {ours_schulze} {theirs_schulze}"
        )
    return timings


def delegation_seconds(members: int, share: float = 0.6) -> tuple[float, float]:
    """Seconds to resolve delegation for ``members`` (``share`` delegating): pointer jumping
    alone, and the whole step a close runs, from the per-member mappings the node holds."""
    from commonweal.domain.governance.delegation import weights_of
    from commonweal.domain.governance.turnout import delegated_weight

    rng = np.random.default_rng(11)
    delegating = rng.random(members) < share
    trustee = np.where(delegating, rng.integers(0, members, members), -1).astype(np.int64)
    direct = ~delegating & (rng.random(members) < 0.7)
    eligible = rng.random(members) < 0.99
    start = time.perf_counter()
    weights_of(trustee, direct, eligible)
    arrays = time.perf_counter() - start
    names = [f"did:key:z6Mk{n:040d}" for n in range(members)]
    allowed = {names[n] for n in np.flatnonzero(eligible)}
    cast = {names[n]: {"choice": "yes"} for n in np.flatnonzero(direct & eligible)}
    delegations = {
        names[n]: {"node": names[int(trustee[n])]} for n in np.flatnonzero(delegating & eligible)
    }
    scopes = ("proposal:1", "topic:general", "node")
    start = time.perf_counter()
    extra, _lost = delegated_weight(allowed, cast, delegations, scopes)
    mapped = time.perf_counter() - start
    expected = weights_of(trustee, direct, eligible)
    assert sum(extra.values()) == int(expected.sum()) - len(cast), "the two forms disagree"
    return arrays, mapped
