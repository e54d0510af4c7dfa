"""Governance benchmarks beside the vote built through the node (bench/governance_node.py):
a recount from the store alone, as an auditor runs it, and the counting step alone, ours
and pref_voting's, on the same rankings.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.governance_node import ranking_of

OPTIONS = ["101", "102", "103", "104", "105"]


def close_from_store(data_dir: Path, proposal: int) -> tuple[float, dict[str, Any]]:
    """Seconds to recount one proposal from the store, end to end, and its result (what
    ``commonweal tally --data-dir`` and ``verify`` do)."""
    from commonweal.node.kernel.setup import open_store
    from commonweal.node.services.governance import recount_from_store

    store = open_store(str(data_dir))
    node_did = store.read_meta()["did"]
    start = time.perf_counter()
    result = recount_from_store(store, proposal, node_did)
    elapsed = time.perf_counter() - start
    store.engine.dispose()
    return elapsed, result


def tally_step(ballots: int) -> dict[str, float]:
    """The counting step alone (aggregated profile → winners), ours and pref_voting's, on
    the rankings the node's instant-runoff vote holds."""
    from pref_voting.iterative_methods import instant_runoff as pv_irv
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.profiles_with_ties import ProfileWithTies

    from commonweal.domain.governance import ranked
    from commonweal.domain.governance.profile import Profile

    counts = Counter(tuple(ranking_of(n, OPTIONS)) for n in range(ballots))
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
