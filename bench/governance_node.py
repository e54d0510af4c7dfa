"""A large vote built through the node from real signed events, then loaded and closed.

The node (kept in ``.bench-cache/``, keyed by size) is built the way members would
build it: every member applies (admission is open, so each application admits at
once); member 0 drafts two ranked proposals, one counted by instant-runoff and one
by Schulze, and members 1 to 4 add the other options; the node opens voting; then
every member ranks the options of the instant-runoff vote, and on the Schulze vote
40 % rank the options while 60 % delegate their vote to another member. Every event
is signed by its author's key (in two worker processes) and submitted in batches
through ``Node.submit_batch`` — the path ``POST /v1/events/batch`` takes, signatures
checked in the node's worker processes — from several threads at once.

Timed on a copy: the node's start-up from that store, each close as the node's
scheduler does it (count on a snapshot, the closing event's rule recounts, append),
and the delegation step of the Schulze close over the node's real mappings.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import random
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from bench.workload import WITHOUT_WRITE_POLICY
from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.core.multibase import encode_z

BUILT_AT = datetime(2026, 11, 2, 12, tzinfo=UTC)
DISCUSSION_SECONDS = 60
VOTING_SECONDS = 3600
VOTING_AT = BUILT_AT + timedelta(seconds=DISCUSSION_SECONDS)
CLOSING_AT = VOTING_AT + timedelta(seconds=VOTING_SECONDS + 60)
DELEGATING = 0.6
SUBMITTERS = 4
BATCH = 1000
"""Events per batch: the node's most (``max_batch_events``); even (see ``_submit``)."""


def _kind(method: str) -> dict[str, Any]:
    kind: dict[str, Any] = {
        "title": method,
        "description": "A ranked vote for the governance benchmark.",
        "proposers": "members",
        "electorate": "members",
        "discussion_seconds": DISCUSSION_SECONDS,
        "voting_seconds": VOTING_SECONDS,
        "quorum": "1/5",
        "method": method,
        "options": {},
        "delegation": True,
        "actions": [],
    }
    if method == "schulze":
        kind["options"] = {"status_quo": False, "no_reverse_beat_path": False}
        kind["threshold"] = {"more_than": "1/2"}
    return kind


CONSTITUTION: dict[str, Any] = {
    **WITHOUT_WRITE_POLICY,
    "kinds": {
        **WITHOUT_WRITE_POLICY["kinds"],
        "bench-irv": _kind("instant_runoff"),
        "bench-schulze": _kind("schulze"),
    },
}


def _key(n: int) -> SigningKey:
    return SigningKey(hashlib.sha256(b"bench voter %d" % n).digest())


def _did(n: int) -> str:
    return did_key_from_public_key(_key(n).public_key)


def _signed(key: SigningKey, node: str, seq: int, kind: str, body: dict[str, Any]) -> bytes:
    unsigned = {
        "type": kind,
        "node": node,
        "author": did_key_from_public_key(key.public_key),
        "seq": seq,
        "at": BUILT_AT.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": body,
    }
    signature = key.sign(orjson.dumps(unsigned, option=orjson.OPT_SORT_KEYS))
    return orjson.dumps({**unsigned, "sig": encode_z(signature)})


def ranking_of(n: int, options: Sequence[str]) -> list[str]:
    """Member ``n``'s ranking: drawn from a few camps with noise, often truncated."""
    rng = random.Random(n)
    camps = [[0, 1, 2, 3, 4], [2, 0, 4], [3, 4, 1], [1, 2], [4, 3, 0, 1]]
    ranking = list(rng.choices(camps, [30, 25, 20, 15, 10])[0])
    if rng.random() < 0.3:
        i, j = rng.randrange(len(ranking)), rng.randrange(len(ranking))
        ranking[i], ranking[j] = ranking[j], ranking[i]
    if rng.random() < 0.2:
        ranking = ranking[: rng.randrange(1, len(ranking) + 1)]
    return [options[i] for i in ranking]


def _trustee(n: int, members: int) -> int | None:
    """Whom member ``n`` delegates to on the Schulze vote, or None if they vote on it."""
    rng = random.Random(-1 - n)
    if rng.random() >= DELEGATING:
        return None
    trustee = rng.randrange(members)
    return trustee if trustee != n else (n + 1) % members


def _first_vote_seq(n: int) -> int:
    """The seq of member ``n``'s first ballot: after their application and the setup."""
    return 6 if n == 0 else 4 if n < 5 else 2


def _applications(args: tuple[str, int, int]) -> list[bytes]:
    node, start, stop = args
    return [
        _signed(
            _key(n),
            node,
            1,
            "membership.application.submitted",
            {"commitment": "sha256:" + hashlib.sha256(b"%d" % n).hexdigest()},
        )
        for n in range(start, stop)
    ]


def _votes(args: tuple[str, int, int, int, dict[str, Any]]) -> list[bytes]:
    node, start, stop, members, votes = args
    out = []
    for n in range(start, stop):
        key, seq = _key(n), _first_vote_seq(n)
        ballot = {"ranking": ranking_of(n, votes["irv_options"])}
        body: dict[str, Any] = {"proposal": votes["irv"], "ballot": ballot}
        out.append(_signed(key, node, seq, "governance.ballot.cast", body))
        trustee = _trustee(n, members)
        if trustee is None:
            ballot = {"ranking": ranking_of(n, votes["schulze_options"])}
            body = {"proposal": votes["schulze"], "ballot": ballot}
            out.append(_signed(key, node, seq + 1, "governance.ballot.cast", body))
        else:
            body = {"scope": "node", "trustee": _did(trustee)}
            out.append(_signed(key, node, seq + 1, "governance.delegation.set", body))
    return out


def _signed_in_workers(make: Callable[..., list[bytes]], jobs: list[Any]) -> list[bytes]:
    with multiprocessing.get_context("fork").Pool(2) as pool:
        return [raw for part in pool.map(make, jobs) for raw in part]


def _submit(node: Any, raws: list[bytes]) -> None:
    """Every event through ``Node.submit_batch`` from several threads, each with its own
    run of whole batches. A member's events are adjacent and each member has one or two
    in a phase, so a run of even-sized batches never splits a member across threads."""
    batches = [raws[i : i + BATCH] for i in range(0, len(raws), BATCH)]
    share = -(-len(batches) // SUBMITTERS)

    def run(mine: list[list[bytes]]) -> None:
        for batch in mine:
            node.submit_batch(batch)

    with ThreadPoolExecutor(max_workers=SUBMITTERS) as pool:
        runs = [batches[i : i + share] for i in range(0, len(batches), share)]
        for done in [pool.submit(run, mine) for mine in runs]:
            done.result()


def _setup(node: Any, now: list[datetime]) -> dict[str, Any]:
    """Member 0 drafts and submits both proposals, members 1-4 add options; the
    discussion ends (the node's clock moves on) and the node opens voting."""
    from commonweal.node.services import governance

    did = node.identity.did
    votes: dict[str, Any] = {}
    seqs = {n: 2 for n in range(5)}
    for kind, name in (("bench-irv", "irv"), ("bench-schulze", "schulze")):
        body = {"kind": kind, "topic": "general", "title": name, "text": "Rank them."}
        proposal = node.submit(
            _signed(_key(0), did, seqs[0], "governance.proposal.drafted", body)
        ).index
        seqs[0] += 1
        node.submit(
            _signed(_key(0), did, seqs[0], "governance.proposal.submitted", {"proposal": proposal})
        )
        seqs[0] += 1
        for n in range(1, 5):
            alt = {"proposal": proposal, "title": f"Option {n}", "text": "Another.", "actions": []}
            node.submit(_signed(_key(n), did, seqs[n], "governance.alternative.added", alt))
            seqs[n] += 1
        votes[name] = proposal
    assert seqs == {n: _first_vote_seq(n) for n in range(5)}, seqs
    now[0] = VOTING_AT
    governance.run_due(node)
    for name in ("irv", "schulze"):
        record = node.state.get("governance.proposals", votes[name])
        assert record["phase"] == "voting", record["phase"]
        votes[f"{name}_options"] = [str(a) for a in record["alternatives"]]
    return votes


def build_vote_node(data_dir: Path, members: int) -> dict[str, Any]:
    """The node for ``members`` members (reused if built); what was built and how fast."""
    from commonweal.node.kernel.setup import init_node

    marker = data_dir / "complete.json"
    if marker.exists():
        built: dict[str, Any] = json.loads(marker.read_text())
        if built.get("members") == members:
            return built
    if data_dir.exists():
        shutil.rmtree(data_dir)
    now = [BUILT_AT]
    node = init_node(
        data_dir,
        name="Bench vote",
        clock=lambda: now[0],
        constitution=CONSTITUTION,
        admission={"admission": "open"},
    )
    did, step = node.identity.did, 50_000
    started, signing, submitting, events = time.perf_counter(), 0.0, 0.0, 0
    phases: list[tuple[Callable[..., list[bytes]], Callable[[int, int], Any]]] = [
        (_applications, lambda s, e: (did, s, e))
    ]
    votes: dict[str, Any] = {}
    phases.append((_votes, lambda s, e: (did, s, e, members, votes)))
    for number, (make, job) in enumerate(phases):
        if number == 1:
            votes.update(_setup(node, now))
        for start in range(0, members, step):
            stop = min(start + step, members)
            t0 = time.perf_counter()
            raws = _signed_in_workers(
                make, [job(s, min(s + 5000, stop)) for s in range(start, stop, 5000)]
            )
            t1 = time.perf_counter()
            _submit(node, raws)
            signing, submitting = signing + t1 - t0, submitting + time.perf_counter() - t1
            events += len(raws)
            print(f"    {make.__name__[1:]}: {stop:,} / {members:,}", flush=True)
    node.checkpoint()
    size = node.size
    node.close()
    built = {
        "members": members,
        "events": events,
        "log_size": size,
        "irv": votes["irv"],
        "schulze": votes["schulze"],
        "signing_seconds": signing,
        "submit_seconds": submitting,
        "build_seconds": time.perf_counter() - started,
    }
    marker.write_text(json.dumps(built))
    return built


def _projection_bytes(data_dir: Path) -> float:
    """The floor under any start-up: seconds to read every projection row's bytes."""
    import sqlite3

    start = time.perf_counter()
    with sqlite3.connect(data_dir / "node.db") as db:
        for _tbl, _key, value in db.execute("SELECT tbl, key, value FROM projection_rows"):
            len(value)
    return time.perf_counter() - start


def load_and_close(data_dir: Path, built: dict[str, Any], workdir: Path) -> dict[str, float]:
    """On a copy of the built node: its start-up, each close as the scheduler does it, and
    the Schulze close's delegation step over the node's own mappings (with its baselines)."""
    from commonweal.node.kernel.runtime import tune_collector
    from commonweal.node.kernel.setup import open_node
    from commonweal.node.services import governance

    copy = workdir / "vote"
    shutil.copytree(data_dir, copy)
    timings = {"projection read": _projection_bytes(copy)}
    start = time.perf_counter()
    node = open_node(copy, clock=lambda: CLOSING_AT)
    timings["start-up"] = time.perf_counter() - start
    tune_collector()  # as `commonweal serve` does
    try:
        timings.update(delegation_on_node(node, built["schulze"]))
        for name in ("irv", "schulze"):  # in id order, the order they fall due
            start = time.perf_counter()
            receipts = governance.run_due(node, limit=1)
            timings[f"close {name}"] = time.perf_counter() - start
            record = node.state.get("governance.proposals", built[name])
            assert record["phase"] == "closed" and receipts, (name, record["phase"])
            timings[f"{name} participating"] = record["outcome"]["participating"]
    finally:
        node.close()
    return timings


def delegation_on_node(node: Any, proposal: int) -> dict[str, float]:
    """Seconds for the close's delegation step over the node's mappings, and for pointer
    jumping alone over the same members (the arrays the step builds)."""
    from commonweal.domain.governance.delegating import scopes_for
    from commonweal.domain.governance.delegation import final_voters, to_arrays
    from commonweal.domain.governance.records import ballots_table
    from commonweal.domain.governance.turnout import delegated_weight, electorate

    with node.reading() as state:
        record = state.get("governance.proposals", proposal)
        eligible = electorate(state, record)
        cast = state.tables.get(ballots_table(proposal), {})
        delegations = {
            str(truster): scopes
            for truster, scopes in state.tables.get("governance.delegations", {}).items()
            if truster in eligible and truster not in cast
        }
    scopes = scopes_for(proposal, record["topic"])
    start = time.perf_counter()
    extra, _lost = delegated_weight(eligible, cast, delegations, scopes)
    mapped = time.perf_counter() - start
    indexed = to_arrays(
        [], electorate=eligible, direct=cast, delegations=delegations, scopes=scopes
    )
    start = time.perf_counter()
    final_voters(indexed.trustee, indexed.direct, indexed.eligible)
    arrays = time.perf_counter() - start
    return {
        "delegation": mapped,
        "pointer jumping": arrays,
        "delegation members": len(eligible),
        "delegated": sum(extra.values()),
    }
