"""``make bench``: every benchmark the issues name, each figure printed beside its target.

Set ``BENCH_SCALE`` (default 1.0) to shrink every workload for a quick look, e.g.
``BENCH_SCALE=0.05 make bench``, and ``BENCH_ONLY`` to run some groups only
(``log``, ``governance``, ``ballots``, ``treasury``, ``commons``, ``federation``,
``network``, ``places``, ``census``, ``notifications``, ``abuse``, ``ops``, ``backup``,
``json``, ``reads``, ``hotpath``, ``credentials``, ``scale_out`` (PostgreSQL:
``BENCH_POSTGRES_URL``, ``BENCH_SCALE_OUT_SECONDS``, bench/scale_out.py); e.g.
``BENCH_ONLY=governance make bench``). The
million-event log and the million-member vote (built through the node from signed
events) are built once and kept in ``.bench-cache/``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.http_load import run_http_load
from bench.workload import WITHOUT_WRITE_POLICY, build_big_log, signed_events

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CACHE = Path(".bench-cache")
SUBMITTERS = int(os.environ.get("BENCH_SUBMITTERS", "4"))
GROUPS = set(
    os.environ.get(
        "BENCH_ONLY",
        "log,governance,ballots,treasury,commons,federation,network,places,census,notifications,"
        "abuse,ops,backup,json,reads,hotpath,credentials,scale_out",
    ).split(",")
)


@dataclass
class Result:
    """One measured figure and its target."""

    name: str
    value: float
    unit: str
    target: str
    ok: bool
    baseline: str = ""
    """The same-run figure this one is a share of, where it is one."""


def scaled(n: int, minimum: int = 100) -> int:
    return max(minimum, int(n * SCALE))


def bare_verify_rate() -> float:
    """Single-thread Ed25519 verifications per second with the library the node uses."""
    from commonweal.core.keys import SigningKey, verify_signature

    key = SigningKey.generate()
    messages = [os.urandom(300) for _ in range(scaled(20_000))]
    signatures = [key.sign(m) for m in messages]
    start = time.perf_counter()
    for message, signature in zip(messages, signatures, strict=True):
        verify_signature(key.public_key, message, signature)
    return len(messages) / (time.perf_counter() - start)


def service_rate(workdir: Path) -> float:
    """Events/s through Node.submit_batch: 4 submitters, batches of 500, SQLite synchronous=FULL.

    Each submitter owns a quarter of the 1,000 authors, so its batches stay in seq
    order; group commit merges whatever they have ready into one transaction.
    """
    from commonweal.node.kernel.runtime import tune_collector
    from commonweal.node.kernel.setup import init_node

    node = init_node(workdir / "service", name="Bench", constitution=WITHOUT_WRITE_POLICY)
    genesis = node.size  # node.created and the adopted constitution
    authors = 1000
    raws = signed_events(node.identity.did, scaled(60_000), authors=authors)
    halves = [
        [r for n, r in enumerate(raws) if (n % authors) % SUBMITTERS == side]
        for side in range(SUBMITTERS)
    ]
    node.submit_batch(halves[0][:100])  # start the signature workers before timing
    halves[0] = halves[0][100:]
    tune_collector()  # as `commonweal serve` does

    def submit(mine: list[bytes]) -> None:
        for i in range(0, len(mine), 500):
            node.submit_batch(mine[i : i + 500])

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=SUBMITTERS) as pool:
        for done in [pool.submit(submit, half) for half in halves]:
            done.result()
    elapsed = time.perf_counter() - start
    assert node.size == genesis + len(raws)
    node.close()
    return (len(raws) - 100) / elapsed


def verify_rate(data_dir: Path) -> tuple[float, int]:
    """Events per second for a full replay-and-verify of the big log."""
    from commonweal.domain.catalog import default_registry
    from commonweal.node.kernel.setup import open_store
    from commonweal.node.kernel.verify import verify_log

    store = open_store(str(data_dir))
    start = time.perf_counter()
    report = verify_log(store, default_registry(), compare_with=store)
    elapsed = time.perf_counter() - start
    store.engine.dispose()
    if not report.ok:
        raise SystemExit(f"the benchmark log did not verify: {report.failures[:3]}")
    return report.entries_checked / elapsed, report.entries_checked


def proof_median_ms(data_dir: Path) -> float:
    """Median milliseconds for an inclusion proof at a random index of the big log."""
    import random

    from commonweal.node.kernel.proofs import ProofService
    from commonweal.node.kernel.setup import open_store

    store = open_store(str(data_dir))
    proofs = ProofService(store)
    size, _root = store.head()
    rng = random.Random(7)
    timings = []
    for _ in range(500):
        index = rng.randrange(size)
        start = time.perf_counter()
        proofs.inclusion(index, size)
        timings.append((time.perf_counter() - start) * 1000)
    store.engine.dispose()
    return statistics.median(timings)


def report(results: list[Result]) -> None:
    width = max(len(r.name) for r in results)
    print()
    targets = max(len(r.target) for r in results)
    print(
        f"{'benchmark'.ljust(width)}  {'measured':>16}  {'target'.ljust(targets)}  ok?   baseline"
    )
    for r in results:
        mark = "ok  " if r.ok else "MISS"
        print(
            f"{r.name.ljust(width)}  {r.value:>10,.1f} {r.unit:<5}  {r.target.ljust(targets)}"
            f"  {mark}  {r.baseline}".rstrip()
        )


def step(title: str, work: Callable[[], None]) -> None:
    print(f"… {title}", flush=True)
    work()


def governance_benchmarks(results: list[Result]) -> None:
    """A million-member ranked vote built through the node: start-up, close, delegation."""
    from bench.governance import close_from_store, tally_step
    from bench.governance_node import build_vote_node, load_and_close

    members = scaled(1_000_000, minimum=1000)
    data_dir = CACHE / f"vote-{members}"
    built: dict[str, Any] = {}
    step(
        f"building (or reusing) a node of {members:,} members voting, in {data_dir}",
        lambda: built.update(build_vote_node(data_dir, members)),
    )
    events, seconds = built["events"], built["build_seconds"]
    results.append(
        Result(
            f"vote built through the node: {events:,} signed events, incl. signing",
            events / seconds,
            "ev/s",
            "reference",
            True,
            f"{seconds:.0f} s (built once, cached)",
        )
    )
    results.append(
        Result(
            "  ... submit_batch alone (4 threads, batches of 1,000)",
            events / built["submit_seconds"],
            "ev/s",
            "reference",
            True,
        )
    )
    live: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        step(
            "starting a node on (a copy of) it, delegation, closing both votes",
            lambda: live.update(load_and_close(data_dir, built, Path(tmp))),
        )
    read = f"{live['projection read']:.1f} s reading the projection's rows raw"
    results.append(
        Result(
            f"node start-up, {members:,} members",
            live["start-up"],
            "s",
            "<= 10 s",
            live["start-up"] <= 10,
            read,
        )
    )
    assert live["irv participating"] == members, live["irv participating"]
    tally: dict[str, float] = {}
    step("the tally step alone, ours and pref_voting's", lambda: tally.update(tally_step(members)))
    for name, label in (("irv", "IRV"), ("schulze", "Schulze")):
        seconds = live[f"close {name}"]
        ours, theirs = tally[f"ours {name}"], tally[f"pref_voting {name}"]
        results.append(
            Result(
                f"close {label} on the node ({members:,} members; count, recount, append)",
                seconds,
                "s",
                "<= 3 s",
                seconds <= 3,
                f"tally step {ours * 1000:.0f} ms, pref_voting's {theirs * 1000:.0f} ms",
            )
        )
    recount, _result = close_from_store(data_dir, built["irv"])
    results.append(
        Result("  ... IRV recount from the store (audit)", recount, "s", "reference", True)
    )
    results.append(
        Result(
            f"delegation over {int(live['delegation members']):,} members on the node "
            f"({int(live['delegated']):,} votes delegated)",
            live["delegation"],
            "s",
            "<= 1 s",
            live["delegation"] <= 1,
            f"pointer jumping alone {live['pointer jumping'] * 1000:.0f} ms",
        )
    )


def commons_benchmarks(results: list[Result]) -> None:
    """Bookings through a node, the booking rule as a calendar fills, a big lottery."""
    from bench.commons import booking_rate, lottery_seconds, rule_microseconds

    bookings: list[float] = []
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        step(
            "bookings through a node, batches of 500",
            lambda: bookings.append(booking_rate(Path(tmp), scaled(10_000))),
        )
    results.append(
        Result(
            "bookings, 200 members, 10 units, SQLite FULL", bookings[0], "ev/s", "reference", True
        )
    )
    for length in (100, 10_000):
        micros = rule_microseconds(length)
        results.append(
            Result(f"  booking rule alone, {length:,} bookings ahead", micros, "µs", "flat", True)
        )
    entrants = scaled(10_000)
    seconds = lottery_seconds(entrants, max(1, entrants // 20))
    results.append(
        Result(f"lottery draw, {entrants:,} entrants", seconds * 1000, "ms", "<= 1 s", seconds <= 1)
    )


def log_benchmarks(results: list[Result]) -> None:
    """The foundation's: verify and append, HTTP, verify of a big log, proofs."""
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        workdir = Path(tmp)
        bare: list[float] = []
        step("bare Ed25519 verify", lambda: bare.append(bare_verify_rate()))
        service: list[float] = []
        step(
            "verify + append through the service layer",
            lambda: service.append(service_rate(workdir)),
        )
        results.append(
            Result("Ed25519 verify, 1 thread (PyNaCl)", bare[0], "ev/s", "reference", True)
        )
        results.append(
            Result(
                f"service verify+append, {SUBMITTERS} submitters, SQLite FULL",
                service[0],
                "ev/s",
                ">= 10,000",
                service[0] >= 10_000,
            )
        )
        ratio = 100 * service[0] / bare[0]
        results.append(Result("  ... as % of bare verify rate", ratio, "%", ">= 50 %", ratio >= 50))
        single: list[float] = []
        batched: list[float] = []
        step(
            "HTTP, 8 clients, one event per request",
            lambda: single.append(run_http_load(workdir / "http1", scaled(16_000), batch=1)),
        )
        step(
            "HTTP, 8 clients, batches of 100",
            lambda: batched.append(run_http_load(workdir / "http100", scaled(80_000), batch=100)),
        )
        results.append(
            Result(
                "HTTP 8 clients, 1 event/request", single[0], "ev/s", ">= 2,000", single[0] >= 2_000
            )
        )
        results.append(
            Result(
                "HTTP 8 clients, batches of 100",
                batched[0],
                "ev/s",
                ">= 10,000",
                batched[0] >= 10_000,
            )
        )
    size = scaled(1_000_000, minimum=1000)
    big = CACHE / f"log-{size}"
    step(f"building (or reusing) a {size:,}-event log in {big}", lambda: build_big_log(big, size))
    rate: list[tuple[float, int]] = []
    step("verify of the whole log", lambda: rate.append(verify_rate(big)))
    results.append(
        Result(
            f"verify, {rate[0][1]:,}-event log",
            rate[0][0],
            "ev/s",
            ">= 15,000",
            rate[0][0] >= 15_000,
        )
    )
    median: list[float] = []
    step("inclusion proofs at random indices", lambda: median.append(proof_median_ms(big)))
    results.append(
        Result(
            f"inclusion proof, {size:,} leaves, median", median[0], "ms", "< 5 ms", median[0] < 5
        )
    )


def treasury_benchmarks(results: list[Result]) -> None:
    """Obligation clearing at scale; mutual-credit payments through a node; ledger reads."""
    from bench.treasury import clearing_seconds, payments_rate

    for members, count in ((scaled(1000), scaled(5000)), (scaled(2000), scaled(20_000))):
        timing: list[tuple[float, float, float]] = []
        step(
            f"clearing {count:,} obligations among {members:,} members",
            lambda m=members, c=count, t=timing: t.append(clearing_seconds(m, c)),
        )
        computed, checked, share = timing[0]
        results.append(
            Result(
                f"MTCS clearing, {count:,} obligations ({share:.0%} of debt cleared)",
                computed,
                "s",
                "<= 3 s",
                computed <= 3,
            )
        )
        results.append(
            Result("  ... checking a claimed clearing", checked, "s", "<= 3 s", checked <= 3)
        )
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        payments = scaled(20_000, minimum=1000)
        measured: list[tuple[float, float, float]] = []
        step(
            f"{payments:,} mutual-credit payments through the node",
            lambda: measured.append(payments_rate(Path(tmp), 200, payments)),
        )
    rate, page, export = measured[0]
    results.append(Result("credit payments, batches of 500", rate, "ev/s", "reference", True))
    results.append(
        Result(f"  ... ledger page of 100 (of {payments:,})", page, "ms", "< 100 ms", page < 100)
    )
    results.append(
        Result(f"  ... CSV export of {payments:,} entries", export, "ms", "reference", True)
    )


def federation_benchmarks(results: list[Result]) -> None:
    """Mirror catch-up of the big log between two nodes; a witness's cosigning rate."""
    from bench.federation import mirror_catch_up, witness_rate

    size = scaled(1_000_000, minimum=1000)
    big = CACHE / f"log-{size}"
    step(f"building (or reusing) a {size:,}-event log in {big}", lambda: build_big_log(big, size))
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        mirrored: list[tuple[float, int]] = []
        step(
            "mirror catch-up over HTTP, verified",
            lambda: mirrored.append(mirror_catch_up(big, Path(tmp))),
        )
        rate, events = mirrored[0]
        results.append(
            Result(
                f"mirror catch-up, {events:,} events, verified",
                rate,
                "ev/s",
                ">= 20,000",
                rate >= 20_000,
            )
        )
        cosigned: list[tuple[float, int]] = []
        step(
            "witness cosigning, 8 logs at once",
            lambda: cosigned.append(witness_rate(Path(tmp), 8, scaled(250, minimum=20))),
        )
        rate, count = cosigned[0]
        results.append(
            Result(
                f"witness cosigning, {count:,} checkpoints",
                rate,
                "cp/s",
                ">= 500",
                rate >= 500,
            )
        )


def network_benchmarks(results: list[Result]) -> None:
    """The network page's server time with 50 recognised, witnessing, mirrored peers."""
    from bench.network_pages import network_page_ms

    peers = scaled(50, minimum=5)
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        timed: list[tuple[float, float, float, float]] = []
        step(
            f"/network with {peers} peers", lambda: timed.append(network_page_ms(Path(tmp), peers))
        )
        first, warm, one, start_up = timed[0]
        results.append(
            Result("app start-up, every page template loaded", start_up, "ms", "(once)", True)
        )
        results.append(
            Result(f"/network, {peers} peers, first request", first, "ms", "<= 200", first <= 200)
        )
        results.append(
            Result(f"/network, {peers} peers, median", warm, "ms", "<= 200", warm <= 200)
        )
        results.append(Result("/network/<did>, median", one, "ms", "<= 200", one <= 200))


def reads_benchmarks(results: list[Result]) -> None:
    """The directory and a proposal on a node of 160,000 members: p95 per page over HTTP."""
    from bench.reads import build, measure

    members = scaled(160_000, minimum=2000)
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        built: list[int] = []
        step(
            f"a node of {members:,} members (signed applications)",
            lambda: built.append(build(Path(tmp) / "node", members)),
        )
        for path, ms in measure(Path(tmp) / "node", built[0]).items():
            results.append(
                Result(f"{path}, {members:,} members, p95", ms, "ms", "<= 300", ms <= 300)
            )


def scale_out_benchmarks(results: list[Result]) -> None:
    """PostgreSQL with 1, 2 and 4 workers (``serve --workers N``): a short mixed load each,
    and 1 worker again without the read barrier (what read-your-writes costs)."""
    from bench.scale_out import SECONDS, mixed_load

    for workers, barrier in ((1, True), (2, True), (4, True), (1, False)):
        print(f"… {workers} worker(s) on PostgreSQL, {SECONDS:g} s of writes and reads", flush=True)
        load = mixed_load(workers, read_barrier=barrier)
        name = f"scale-out, {workers} worker(s)" + ("" if barrier else ", no read barrier")
        per_second = [("writes", load.writes / load.seconds), ("reads", load.reads / load.seconds)]
        for what, rate in per_second:
            results.append(Result(f"{name}: {what}", rate, "/s", "reported", True))
        if not barrier:
            continue
        results.append(
            Result(f"{name}: 503 answers", load.unavailable, "", "0", load.unavailable == 0)
        )
        results.append(
            Result(f"{name}: stale-seq refusals", load.stale_seq, "", "0", load.stale_seq == 0)
        )
        p99 = load.p99_lag_ms
        results.append(
            Result(f"{name}: read-your-writes lag p99", p99, "ms", "<= 1000", p99 <= 1000)
        )


def hotpath_benchmarks(results: list[Result]) -> None:
    """Single events over HTTP against a bare ASGI endpoint, batches of 100 against bare
    verify: each run beside its own baselines (bench/hotpath.py)."""
    from bench.hotpath import RUNS, one_run

    singles, batched = scaled(16_000), scaled(80_000)
    for run in range(1, RUNS + 1):
        print(
            f"… hot path, run {run} of {RUNS}: bare verify, bare ASGI, {singles:,} single "
            f"events, {batched:,} in batches of 100",
            flush=True,
        )
        with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
            figures = one_run(Path(tmp), singles, batched, bare_verify_rate())
        results.append(
            Result(
                f"HTTP 1 event/request, run {run}, % of bare ASGI",
                figures.single_share,
                "%",
                ">= 40 %",
                figures.single_share >= 40,
                f"{figures.single:,.0f} ev/s of {figures.bare_asgi:,.0f} req/s bare ASGI",
            )
        )
        results.append(
            Result(
                f"HTTP batches of 100, run {run}, % of bare verify",
                figures.batched_share,
                "%",
                ">= 60 %",
                figures.batched_share >= 60,
                f"{figures.batched:,.0f} ev/s of {figures.bare_verify:,.0f} verify/s, 1 core",
            )
        )


def places_benchmarks(results: list[Result]) -> None:
    """The network map's server time: 50 recognised peers with 10 places each (500)."""
    from bench.places_map import map_pages_ms

    peers = scaled(50, minimum=5)
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        timed: list[dict[str, tuple[float, float]]] = []
        step(
            f"map pages with {peers} peers, {peers * 10} places",
            lambda: timed.append(map_pages_ms(Path(tmp), peers)),
        )
        for path, (first, warm) in timed[0].items():
            results.append(
                Result(f"{path}, {peers * 10} places, first", first, "ms", "<= 200", first <= 200)
            )
            results.append(
                Result(f"{path}, {peers * 10} places, median", warm, "ms", "<= 200", warm <= 200)
            )


def census_benchmarks(results: list[Result]) -> None:
    """A census of a node of 100,000 members and 1,000,000 events; a network census audit."""
    from bench.census import census_results

    census_results(results, Result, scaled, step, CACHE)


def notification_benchmarks(results: list[Result]) -> None:
    """The notifier's decisions for 10,000 members beside 1,000 ingested events a second."""
    from bench.notifications import notification_results

    notification_results(results, Result, scaled, step)


def abuse_benchmarks(results: list[Result]) -> None:
    """Rate limits: their cost to well-behaved clients, and a flood's cost to others."""
    from bench import ratelimit

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        off, on = ratelimit.throughput_ratio(workdir, scaled(8_000))
        ratio = on / off * 100
        results.append(Result("HTTP single events, limits off", off, "ev/s", "reference", True))
        results.append(Result("  ... limits on, as % of off", ratio, "%", ">= 95 %", ratio >= 95))
        alone, loaded, statuses = ratelimit.flood_p99(workdir, scaled(300), scaled(40_000))
        refused = statuses.get(429, 0)
        results.append(Result("second client p99, alone", alone, "ms", "reference", True))
        results.append(
            Result(
                f"  ... under a flood from one address ({refused:,} of "
                f"{sum(statuses.values()):,} refused)",
                loaded / alone,
                "x",
                "<= 5 x",
                loaded <= 5 * alone,
            )
        )


def json_benchmarks(results: list[Result]) -> None:
    """Strict I-JSON reading: its cost on a typical event."""
    from bench import strict_json

    raws = signed_events("did:key:z6MkBench", scaled(20_000), authors=50)
    plain, strict, parsed = strict_json.reading_costs(raws)
    extra = strict - plain
    results.append(Result("orjson.loads, a ~420-byte event", plain, "µs", "reference", True))
    results.append(Result("  ... strict I-JSON, added", extra, "µs", "<= 10 µs", extra <= 10))
    results.append(Result("  ... parse_event_json, whole", parsed, "µs", "reference", True))


def credential_benchmarks(results: list[Result]) -> None:
    """Verifying credentials over HTTP beside their cryptosuite's bare work (issue 18)."""
    from bench import credentials as bench_vc
    from commonweal.core.vc.data_integrity import JCS, RDFC

    count = scaled(1000)
    rdfc_count = scaled(300)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        data_dir = Path(tmp) / "node"
        founders: list[str] = []
        step(
            f"a node of {count:,} members, each holding a membership credential",
            lambda: founders.extend(bench_vc.node_with_members(data_dir, count)[1]),
        )
        jcs = bench_vc.signed_credentials(data_dir, founders, JCS)
        rdfc = bench_vc.signed_credentials(data_dir, founders[:rdfc_count], RDFC)
        key = bench_vc.public_key_of(data_dir)

        def measure() -> None:
            figures["bare"] = bench_vc.bare_jcs_rate(jcs, key)
            figures["bare_fast"] = bench_vc.bare_jcs_rate(jcs, key, fast=True)
            figures["jcs"] = bench_vc.http_verify_rate(data_dir, jcs)
            figures["nquads"] = bench_vc.bare_rdfc_rate(rdfc)
            figures["rdfc"] = bench_vc.http_verify_rate(data_dir, rdfc)

        step("bare eddsa-jcs-2022 work, then POST /credentials/verify (8 clients)", measure)
    share = 100 * figures["jcs"] / figures["bare"]
    results.append(
        Result(
            f"verify {count:,} eddsa-jcs-2022 over HTTP", figures["jcs"], "vc/s", "reference", True
        )
    )
    results.append(
        Result(
            "  ... bare RFC 8785 + SHA-256 + Ed25519, one core",
            figures["bare"],
            "vc/s",
            "reference",
            True,
        )
    )
    results.append(Result("  ... HTTP verify, % of bare", share, "%", ">= 60 %", share >= 60))
    results.append(
        Result(
            "  ... bare with orjson JCS (as the node hashes)",
            figures["bare_fast"],
            "vc/s",
            "reference",
            True,
        )
    )
    results.append(
        Result(
            f"verify {rdfc_count:,} eddsa-rdfc-2022 over HTTP",
            figures["rdfc"],
            "vc/s",
            "reference",
            True,
        )
    )
    results.append(
        Result(
            "  ... pyld URDNA2015 alone, one core", figures["nquads"], "doc/s", "reference", True
        )
    )


def ops_benchmarks(results: list[Result]) -> None:
    """What running a node costs: request ids, /metrics and structured logs."""
    from bench.observability import TARGET_PERCENT, measure

    costs = []
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        step(
            "HTTP, 8 clients, one event per request, with and without observability",
            lambda: costs.append(measure(Path(tmp), scaled(16_000))),
        )
    cost = costs[0]
    results.append(
        Result("HTTP 1 event/request, --no-observability", cost.without, "ev/s", "reference", True)
    )
    results.append(
        Result(
            "HTTP 1 event/request, observed (defaults)",
            cost.with_observability,
            "ev/s",
            "reference",
            True,
        )
    )
    results.append(
        Result(
            "  ... cost of ids, /metrics and JSON logs",
            cost.percent,
            "%",
            f"<= {TARGET_PERCENT:.0f} %",
            cost.percent <= TARGET_PERCENT,
        )
    )
    results.append(
        Result("  ... with --access-log as well", cost.with_access_log, "ev/s", "reference", True)
    )


def ballot_benchmarks(results: list[Result]) -> None:
    """Secret ballots: 10,000 sealed ranked ballots (5 options) cast over HTTP, the close
    with decryption shares and proofs, and an audit from the log (bench/ballots.py)."""
    from bench import ballots

    voters = scaled(10_000, minimum=50)
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        data, clock_file = Path(tmp) / "node", Path(tmp) / "clock"
        clock_file.write_text("0")
        made: list[Any] = []
        step(
            f"{voters:,} members, a secret IRV vote on 5 options, every voter's token",
            lambda: made.extend(ballots.prepare(data, voters)),
        )
        proposal, view, tokens = made
        sealed: list[Any] = []
        step(
            "sealing every ballot (the voters' work)",
            lambda: sealed.extend(ballots.seal_all(view, tokens)),
        )
        events, seal_seconds = sealed
        timings: dict[str, float] = {}
        with ballots.serving(data, clock_file) as url:
            step(
                f"casting {voters:,} sealed ballots over HTTP, 8 clients",
                lambda: timings.update(cast=ballots.cast_all(url, events)),
            )
            step(
                "closing: decryption shares with proofs, decryption, count",
                lambda: timings.update(close=ballots.close(url, proposal, clock_file)),
            )
        audited: list[Any] = []
        step(
            "auditing every token, proof and share from the log",
            lambda: audited.extend(ballots.audit(data, proposal)),
        )
    count, audit_rate = audited
    assert count == voters, (count, voters)
    rsa_rate, mul_rate = ballots.bare_rates()
    results.append(
        Result(
            f"secret ballots cast over HTTP ({voters:,}, ranked, 5 options)",
            timings["cast"],
            "b/s",
            ">= 500 b/s",
            timings["cast"] >= 500,
        )
    )
    results.append(
        Result(
            "  close incl. decryption and proofs",
            timings["close"],
            "s",
            "<= 30 s",
            timings["close"] <= 30,
        )
    )
    results.append(
        Result("  audit from the log", audit_rate, "b/s", ">= 2,000 b/s", audit_rate >= 2000)
    )
    results.append(
        Result(
            "  ... sealing one ballot, one core (client)",
            seal_seconds * 1000,
            "ms",
            "reference",
            True,
        )
    )
    results.append(Result("  ... bare RSA-2048 PSS verify", rsa_rate, "op/s", "reference", True))
    results.append(
        Result("  ... bare ristretto255 scalar mult", mul_rate, "op/s", "reference", True)
    )


def backup_benchmarks(results: list[Result]) -> None:
    """Online backup of the big SQLite log while single events keep being ingested."""
    from bench.backup import measure

    size = scaled(1_000_000, minimum=1000)
    big = CACHE / f"log-{size}"
    step(f"building (or reusing) a {size:,}-event log in {big}", lambda: build_big_log(big, size))
    measured = []
    with tempfile.TemporaryDirectory(prefix="commonweal-bench-") as tmp:
        step(
            "single-event ingest alone, then during `commonweal backup`",
            lambda: measured.append(measure(big, size, Path(tmp), scaled(200_000, minimum=20_000))),
        )
    m = measured[0]
    results.append(
        Result(
            f"online backup, {m.entries:,}-event SQLite store ({m.backup_bytes / 1e6:,.0f} MB)",
            m.backup_seconds,
            "s",
            "<= 60 s",
            m.backup_seconds <= 60,
        )
    )
    share = 100 * m.loaded_rate / m.unloaded_rate
    results.append(
        Result("  single-event ingest, unloaded", m.unloaded_rate, "ev/s", "reference", True)
    )
    results.append(
        Result("  ... during the backup, % of unloaded", share, "%", ">= 50 %", share >= 50)
    )


def main() -> None:
    results: list[Result] = []
    if "log" in GROUPS:
        log_benchmarks(results)
    if "governance" in GROUPS:
        governance_benchmarks(results)
    if "ballots" in GROUPS:
        ballot_benchmarks(results)
    if "treasury" in GROUPS:
        treasury_benchmarks(results)
    if "commons" in GROUPS:
        commons_benchmarks(results)
    if "federation" in GROUPS:
        federation_benchmarks(results)
    if "network" in GROUPS:
        network_benchmarks(results)
    if "places" in GROUPS:
        places_benchmarks(results)
    if "census" in GROUPS:
        census_benchmarks(results)
    if "notifications" in GROUPS:
        notification_benchmarks(results)
    if "abuse" in GROUPS:
        abuse_benchmarks(results)
    if "ops" in GROUPS:
        ops_benchmarks(results)
    if "backup" in GROUPS:
        backup_benchmarks(results)
    if "json" in GROUPS:
        json_benchmarks(results)
    if "reads" in GROUPS:
        reads_benchmarks(results)
    if "hotpath" in GROUPS:
        hotpath_benchmarks(results)
    if "credentials" in GROUPS:
        credential_benchmarks(results)
    if "scale_out" in GROUPS:
        scale_out_benchmarks(results)
    report(results)
    if SCALE != 1:
        print(f"\n(BENCH_SCALE={SCALE}: workloads scaled down; targets are for the full scale)")
    sys.exit(0)


if __name__ == "__main__":
    main()
