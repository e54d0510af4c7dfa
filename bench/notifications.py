"""Notification benchmarks: the notifier beside ingest (issue 17).

Two measures, for a node of 10,000 members who all follow everything (each has an
address and the default level, ``everything``):

1. **Deciding recipients**, in CPU seconds (``time.process_time``) of one thread, for
   1,000 logged events as the notifier reads them (the leaf's type first, then the
   leaf parsed for the types some notice is decided from): the ingest workload's
   attestations, and a civic mix where every event concerns someone (public ballots,
   2,000 of the members having delegated to 100 trustees; RSVPs; aid claims; one
   vote opening told to all 10,000). CPU seconds per 1,000 events is the share of a
   core at 1,000 events a second (target ≤ 20 %).
2. **The same run as ingest**: a real node (SQLite) ingests a stream of attestations
   and public ballots in batches of 500, once alone and once with the whole notifier
   (cursor, decisions, preferences, the outbox written) running beside it in the same
   process every 50 ms, as the scheduler runs it. Reported: the notifier's CPU share
   scaled to 1,000 events a second (its thread's CPU time), and how much it slowed
   ingest (target ≤ 10 %).

The 10,000-member node is built once (about a minute) and kept in ``.bench-cache``.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from bench.workload import WITHOUT_WRITE_POLICY
from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import leaf_bytes, parse_event, parse_leaf, sign_event
from commonweal.core.keys import SigningKey
from commonweal.domain.governance.records import DELEGATIONS, PROPOSALS
from commonweal.domain.membership.records import MEMBERS
from commonweal.domain.notifications.decisions import DECIDED, decide
from commonweal.domain.notifications.kinds import Lookups
from commonweal.domain.state import State

AT = "2026-05-01T09:00:00Z"
START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
TRUSTEES = 100
DELEGATORS = 2000


def member_key(n: int) -> SigningKey:
    return SigningKey(hashlib.sha256(f"member {n}".encode()).digest())


# -- 1. deciding recipients, from a state ---------------------------------------------


def members_state(members: int) -> State:
    """``members`` members in good standing, 2,000 delegating to 100 trustees, one
    proposal in its vote, one gathering and one aid offer."""
    state = State()
    dids = [f"did:key:z6Mk{n:040d}" for n in range(members)]
    for did in dids:
        state.put(MEMBERS, did, {"status": "member", "roles": [], "vouches": []})
    for n in range(min(DELEGATORS, members - TRUSTEES)):
        state.put(DELEGATIONS, dids[TRUSTEES + n], {"node": dids[n % TRUSTEES]})
    rules = {"ballot": "public", "delegation": True}
    proposal = {"id": 7, "topic": "general", "title": "Plant an orchard", "phase": "voting"}
    state.put(PROPOSALS, 7, {**proposal, "rules": rules, "voting_until": "2026-05-08T09:00:00Z"})
    state.put("gatherings.gatherings", 8, {"id": 8, "title": "Seed swap", "organisers": dids[:2],
                                           "going": 3})  # fmt: skip
    state.put("aid.posts", 9, {"id": 9, "kind": "offer", "author": dids[5], "title": "Bicycle"})
    return state


def _leaf(key: SigningKey, event_type: str, seq: int, body: dict[str, Any]) -> bytes:
    event = sign_event(key, type=event_type, node="did:key:z6Mknode", seq=seq, at=AT, body=body)
    return leaf_bytes(parse_event(event).canonical, AT)


def ingest_leaves(count: int) -> list[bytes]:
    """``count`` attestation leaves by 100 authors, as the ingest benchmark appends."""
    keys = [SigningKey(hashlib.sha256(f"author {n}".encode()).digest()) for n in range(100)]
    return [
        _leaf(keys[n % 100], "notary.document.attested", n // 100 + 1,
              {"digest": "sha256:" + hashlib.sha256(str(n).encode()).hexdigest(), "title": "x"})
        for n in range(count)
    ]  # fmt: skip


def civic_leaves(count: int) -> list[bytes]:
    """``count`` leaves that each concern someone: one vote opening, then public ballots
    (one in ten by a trustee), RSVPs and aid claims."""
    key = SigningKey(bytes(32))
    leaves = [_leaf(key, "governance.voting.opened", 1, {"proposal": 7})]
    for n in range(1, count):
        if n % 10 == 1:
            body = {"gathering": 8, "response": "yes"}
            leaves.append(_leaf(key, "gatherings.rsvp.given", n + 1, body))
        elif n % 10 == 2:
            leaves.append(_leaf(key, "aid.offer.claimed", n + 1, {"offer": 9}))
        else:
            body = {"proposal": 7, "ballot": {"choice": "yes"}}
            leaves.append(_leaf(key, "governance.ballot.cast", n + 1, body))
    return leaves


def decide_all(state: State, leaves: list[bytes], authors: list[str] | None = None) -> int:
    """What the notifier does per entry: skip by type, else parse and decide; notices."""
    notices = 0
    lookups = Lookups(state)
    for index, leaf in enumerate(leaves):
        event = parse_leaf(leaf).event
        if event.type not in DECIDED:
            continue
        author = authors[index % len(authors)] if authors else event.author
        notices += len(decide(state, index, event.type, author, event.body, lookups))
    return notices


def cpu_seconds(work: Callable[[], Any]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


# -- 2. the same run as ingest, on a real node ------------------------------------------


class FixedClock:
    """The node's time: fixed, moved only by the setup (so the cached node's vote stays open)."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def build_members_node(data_dir: Path, members: int) -> None:
    """A node whose ``members`` founders all want mail; 2,000 delegate to 100 trustees;
    one proposal in its vote. Reused when already built."""
    from commonweal.node.kernel.setup import init_node
    from commonweal.node.services import governance
    from commonweal.store.notification_store import NotificationStore
    from commonweal.store.schema import notification_preferences

    marker = data_dir / "complete.json"
    if marker.exists() and orjson.loads(marker.read_bytes())["members"] == members:
        return
    shutil.rmtree(data_dir, ignore_errors=True)
    clock = FixedClock()
    keys = [member_key(n) for n in range(members)]
    dids = [did_key_from_public_key(k.public_key) for k in keys]
    node = init_node(data_dir / "node", name="Bench members", founders=dids, clock=clock,
                     constitution=WITHOUT_WRITE_POLICY)  # fmt: skip
    at = AT

    def act(n: int, event_type: str, seq: int, body: dict[str, Any]) -> bytes:
        event = sign_event(keys[n], type=event_type, node=node.identity.did, seq=seq, at=at,
                           body=body)  # fmt: skip
        return orjson.dumps(event)

    body = {"kind": "decision", "topic": "general", "title": "Plant an orchard",
            "text": "Twelve fruit trees.", "actions": []}  # fmt: skip
    proposal = node.submit(act(0, "governance.proposal.drafted", 1, body)).index
    node.submit(act(0, "governance.proposal.submitted", 2, {"proposal": proposal}))
    delegations = [
        act(TRUSTEES + n, "governance.delegation.set", 1,
            {"scope": "node", "trustee": dids[n % TRUSTEES]})
        for n in range(min(DELEGATORS, members - TRUSTEES))
    ]  # fmt: skip
    for i in range(0, len(delegations), 500):
        node.submit_batch(delegations[i : i + 500])
    record = node.state.get(PROPOSALS, proposal)
    clock.now = START + timedelta(seconds=record["rules"]["discussion_seconds"] + 60)
    governance.run_due(node)
    assert node.state.get(PROPOSALS, proposal)["phase"] == "voting"
    rows = [
        {"did": did, "preferences": orjson.dumps({"email": f"m{n}@example.org"}).decode()}
        for n, did in enumerate(dids)
    ]
    with NotificationStore(node.store).engine.begin() as conn:
        conn.execute(notification_preferences.insert(), rows)
    node.close()
    marker.write_bytes(orjson.dumps({"members": members, "proposal": proposal,
                                     "now": clock.now.isoformat()}))  # fmt: skip


def ingest_stream(node_did: str, members: int, proposal: int, count: int, at: str) -> list[bytes]:
    """``count`` events: four attestations by 1,000 authors for each public ballot by a
    member (the first 100 members, the trustees, vote first)."""
    authors = [SigningKey(hashlib.sha256(f"author {n}".encode()).digest()) for n in range(1000)]
    raws: list[bytes] = []
    voter = 0
    for n in range(count):
        if n % 5 == 4 and voter < members:
            seq = 2 if TRUSTEES <= voter < TRUSTEES + DELEGATORS else 1
            seq += 2 if voter == 0 else 0  # member 0 drafted and submitted the proposal
            ballot = {"proposal": proposal, "ballot": {"choice": "yes"}}
            event = sign_event(member_key(voter), type="governance.ballot.cast", node=node_did,
                               seq=seq, at=at, body=ballot)  # fmt: skip
            voter += 1
        else:
            body = {"digest": "sha256:" + hashlib.sha256(f"d{n}".encode()).hexdigest(),
                    "title": "x"}  # fmt: skip
            event = sign_event(authors[n % 1000], type="notary.document.attested", node=node_did,
                               seq=n // 1000 + 1, at=at, body=body)  # fmt: skip
        raws.append(orjson.dumps(event))
    return raws


def same_run(cached: Path, workdir: Path, members: int, count: int) -> dict[str, float]:
    """Ingest ``count`` events alone, then (on a fresh copy) with the notifier beside it."""
    info = orjson.loads((cached / "complete.json").read_bytes())
    clock = FixedClock()
    clock.now = datetime.fromisoformat(info["now"])
    at = clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    figures: dict[str, float] = {}
    for label, with_notifier in (("alone", False), ("notifier", True)):
        shutil.copytree(cached / "node", workdir / label)
        figures.update(_ingest(workdir / label, clock, info["proposal"], members, count, at,
                               label=label, with_notifier=with_notifier))  # fmt: skip
    return figures


def _ingest(
    copy: Path,
    clock: FixedClock,
    proposal: int,
    members: int,
    count: int,
    at: str,
    *,
    label: str,
    with_notifier: bool,
) -> dict[str, float]:
    from commonweal.node.kernel.runtime import tune_collector
    from commonweal.node.kernel.setup import open_node
    from commonweal.node.services.notifications import run_notifier
    from commonweal.store.notification_store import NotificationStore

    node = open_node(copy, clock=clock)
    raws = ingest_stream(node.identity.did, members, proposal, count, at)
    node.submit_batch(raws[:100])  # start the signature workers before timing
    tune_collector()
    run_notifier(node)  # the cursor starts at the log's end
    done = threading.Event()
    cpu: list[float] = []

    def notify() -> None:
        started = time.thread_time()
        while not done.is_set():
            run_notifier(node)
            done.wait(0.05)
        run_notifier(node)
        cpu.append(time.thread_time() - started)

    worker = threading.Thread(target=notify) if with_notifier else None
    if worker:
        worker.start()
    start = time.perf_counter()
    for i in range(100, len(raws), 500):
        node.submit_batch(raws[i : i + 500])
    figures = {label: (len(raws) - 100) / (time.perf_counter() - start)}
    done.set()
    if worker:
        worker.join()
        figures["notifier_cpu"] = cpu[0]
        figures["events"] = len(raws) - 100
        figures["recorded"] = len(NotificationStore(node.store).all_rows())
    node.close()
    return figures


def notification_results(
    results: list[Any],
    Result: Callable[..., Any],  # noqa: N803 (bench.__main__.Result, passed to avoid a cycle)
    scaled: Callable[..., int],
    step: Callable[[str, Callable[[], None]], None],
) -> None:
    """Measure the notifications group and append each figure, beside its target."""
    import tempfile

    members = scaled(10_000, minimum=1000)
    state = members_state(members)
    ingest, civic = ingest_leaves(1000), civic_leaves(1000)
    trustees = [f"did:key:z6Mk{n:040d}" for n in range(TRUSTEES)]
    voters = trustees + [f"did:key:z6Mk{n:040d}" for n in range(TRUSTEES + DELEGATORS, members)]
    costs: dict[str, float] = {}
    step(
        f"deciding 1,000 ingested events for {members:,} members",
        lambda: costs.update(ingest=cpu_seconds(lambda: decide_all(state, ingest))),
    )
    step(
        f"deciding 1,000 civic events (ballots, RSVPs, claims, a vote opening), {members:,}",
        lambda: costs.update(civic=cpu_seconds(lambda: decide_all(state, civic, voters[:900]))),
    )
    for key, label in (("ingest", "ingest's attestations"), ("civic", "a civic mix")):
        results.append(
            Result(
                f"notifier decisions, 1,000 events/s of {label}, {members:,} members",
                costs[key] * 100,
                "% core",
                "<= 20 %",
                costs[key] <= 0.2,
            )
        )
    from bench.__main__ import CACHE

    cached = CACHE / f"notify-members-{members}"
    step(f"building (or reusing) a node of {members:,} members in {cached}",
         lambda: build_members_node(cached, members))  # fmt: skip
    count = scaled(20_000, minimum=2_000)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        step(
            f"ingesting {count:,} events alone, then beside the notifier (same process)",
            lambda: figures.update(same_run(cached, Path(tmp), members, count)),
        )
    share = figures["notifier_cpu"] / figures["events"] * 1000
    slowdown = max(0.0, 1 - figures["notifier"] / figures["alone"]) * 100
    results.append(Result("ingest alone (attestations and ballots)", figures["alone"], "ev/s",
                          "reference", True))  # fmt: skip
    results.append(
        Result(
            f"  ... whole notifier beside it, at 1,000 ev/s ({figures['recorded']:,.0f} notices)",
            share * 100,
            "% core",
            "<= 20 %",
            share <= 0.2,
        )
    )
    results.append(
        Result("  ... ingest slowed by the notifier", slowdown, "%", "<= 10 %", slowdown <= 10)
    )
