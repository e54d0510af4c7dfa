"""Census benchmarks: a census of a big node, and the audit of a network census of 50 nodes.

The big node is built once through the node's append path (real signed events in
batches: applications under open admission, then attestations by those members) and
kept in ``.bench-cache/``. Taking its census is timed in its parts — the figures (what
the rule, and so ``verify``, recomputes), the members' salted commitments and their
Merkle root, keeping the salts — and end to end (the rule recomputes the figures on
append). The network audit runs against 50 simulated nodes served over real HTTP on
127.0.0.1: each with its own key, a log whose census entry is proven by an inclusion
proof, and a checkpoint signed by the node and cosigned by the counting node's witness.
"""

from __future__ import annotations

import base64
import hashlib
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from bench.workload import AT, WITHOUT_WRITE_POLICY, append_all
from commonweal.core.checkpoint import Checkpoint, sign_checkpoint
from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import leaf_bytes, parse_event, sign_event
from commonweal.core.keys import SigningKey
from commonweal.core.merkle import hash_at_from_leaf_hashes, inclusion_proof, leaf_hash, root_of
from commonweal.core.multibase import encode_z
from commonweal.core.note import add_signatures

CENSUS_CONSTITUTION: dict[str, Any] = {**WITHOUT_WRITE_POLICY, "census": {"every_seconds": 3600}}


# -- a big node ------------------------------------------------------------------------


def _member_events(args: tuple[str, int, int, int, int]) -> list[bytes]:
    """Events ``start..stop`` of the workload: first one application per member, then
    attestations round-robin over the members (each author's seq continuing)."""
    node_did, start, stop, members, _total = args
    keys: dict[int, SigningKey] = {}
    out = []
    for n in range(start, stop):
        member = n % members
        key = keys.get(member)
        if key is None:
            key = keys[member] = SigningKey(
                hashlib.sha256(f"census member {member}".encode()).digest()
            )
        seq = n // members + 1
        if seq == 1:
            body: dict[str, Any] = {
                "commitment": "sha256:" + hashlib.sha256(b"%d" % member).hexdigest()
            }
            kind = "membership.application.submitted"
        else:
            body = {
                "digest": "sha256:" + hashlib.sha256(n.to_bytes(8, "big")).hexdigest(),
                "title": f"Doc {n}",
            }
            kind = "notary.document.attested"
        unsigned = {
            "type": kind,
            "node": node_did,
            "author": did_key_from_public_key(key.public_key),
            "seq": seq,
            "at": AT,
            "body": body,
        }
        signature = key.sign(orjson.dumps(unsigned, option=orjson.OPT_SORT_KEYS))
        out.append(orjson.dumps({**unsigned, "sig": encode_z(signature)}))
    return out


def build_census_node(data_dir: Path, members: int, events: int) -> None:
    """A node with ``members`` members and ``events`` member events, reused if built."""
    from commonweal.node.kernel.setup import init_node, open_node

    marker = data_dir / "complete.json"
    if marker.exists() and json.loads(marker.read_text()) == {"members": members, "events": events}:
        open_node(data_dir).close()
        return
    if data_dir.exists():
        import shutil

        shutil.rmtree(data_dir)
    node = init_node(
        data_dir,
        name="Bench census",
        constitution=CENSUS_CONSTITUTION,
        admission={"admission": "open"},
    )
    step = 100_000
    for start in range(0, events, step):
        stop = min(start + step, events)
        jobs = [
            (node.identity.did, s, min(s + 10_000, stop), members, events)
            for s in range(start, stop, 10_000)
        ]
        with multiprocessing.get_context("fork").Pool(2) as pool:
            raws = [raw for part in pool.map(_member_events, jobs) for raw in part]
        append_all(node, raws)
        print(f"    {stop:,} / {events:,}", flush=True)
    node.checkpoint()
    node.close()
    marker.write_text(json.dumps({"members": members, "events": events}))


@dataclass
class CensusCost:
    """Seconds spent on each part of one census of the big node."""

    members: int
    size: int
    figures: float
    commitments: float
    salts_kept: float
    end_to_end: float
    rule: float


def measure_census(data_dir: Path) -> CensusCost:
    """Time the parts of a census of the node in ``data_dir``, then take it (on a copy)."""
    import secrets
    import shutil
    import tempfile

    from commonweal.core.rfc3339 import format_utc
    from commonweal.domain.census import events as census_events
    from commonweal.domain.census.figures import figures, good_standing
    from commonweal.node.kernel.setup import open_node
    from commonweal.node.services import census
    from commonweal.store.census_store import CensusStore

    with tempfile.TemporaryDirectory(prefix="commonweal-bench-census-") as tmp:
        copy = Path(tmp) / "node"
        shutil.copytree(data_dir, copy)
        node = open_node(copy)
        try:
            with node.reading() as state:
                until = format_utc(max(node.clock(), node.last_received))
                epoch = census_events.next_epoch(state, size=node.size, until=until)
                started = time.perf_counter()
                figures(state, epoch)
                figures_seconds = time.perf_counter() - started
                members = good_standing(state)
            started = time.perf_counter()
            counted = {did: secrets.token_hex(32) for did in members}
            census.commitments_root(census.commitment_leaves(counted))
            commitments_seconds = time.perf_counter() - started
            started = time.perf_counter()
            CensusStore(node.store).replace(0, list(counted.items()))
            salts_seconds = time.perf_counter() - started
            started = time.perf_counter()
            receipt = census.take(node, "scheduled")
            end_to_end = time.perf_counter() - started
            rule = _rule_as_verify_runs_it(node, receipt.index)
            return CensusCost(
                len(members),
                node.size,
                figures_seconds,
                commitments_seconds,
                salts_seconds,
                end_to_end,
                rule,
            )
        finally:
            node.close()


def _rule_as_verify_runs_it(node: Any, index: int) -> float:
    """The census rule replayed over the state just before it: what ``verify`` pays for it.

    ``verify`` rebuilds this same state by replaying the log and then applies the census
    event through ``replay.apply_event``; here the node's state is rolled back to just
    before the census and the logged event is applied again the same way.
    """
    from commonweal.core.events import parse_leaf
    from commonweal.node.kernel.replay import apply_event

    entry = node.store.entry(index)
    leaf = parse_leaf(entry.leaf)
    event_type = node.registry.get(leaf.event.type)
    body = event_type.parse_body(leaf.event.body)
    state = node.state
    from commonweal.domain.census.records import CENSUSES, META
    from commonweal.node.kernel.replay import AUTHORS, LAST_INDEX

    state.delete(CENSUSES, 1)
    state.put(META, "latest", 0)
    state.put(AUTHORS, leaf.event.author, leaf.event.seq - 1)
    state.put(LAST_INDEX, leaf.event.author, index - 1)
    started = time.perf_counter()
    apply_event(
        state,
        leaf.event,
        event_type,
        body,
        index=index,
        received=leaf.received,
        node_did=node.identity.did,
        node_key=node.identity.key_did,
    )
    return time.perf_counter() - started


# -- a network of simulated nodes ------------------------------------------------------


def _sim_node(n: int, witness: Any) -> dict[str, Any]:
    """A node with a 64-entry log whose entry 40 is its census, checkpointed and cosigned."""
    from commonweal.node.kernel.identity import NodeIdentity

    identity = NodeIdentity.from_key(SigningKey(hashlib.sha256(b"sim node %d" % n).digest()))
    members = 100 + n
    census_body = {
        "epoch": 3,
        "size": 40,
        "from": 30,
        "since": "2026-11-01T00:00:00Z",
        "reason": "scheduled",
        "figures": {
            "members": members,
            "joined": 2,
            "left": 1,
            "active": members // 2,
            "gatherings": 1,
            "attendance": 20,
            "funds": {"EUR": 10_000 * n},
            "places": 1,
            "area_m2": 500,
            "capacity": 30,
        },
        "members_root": "sha256:" + hashlib.sha256(b"root %d" % n).hexdigest(),
    }
    event = sign_event(
        identity.key, type="census.taken", node=identity.did, seq=5, at=AT, body=census_body
    )
    canonical = parse_event(event).canonical
    leaves = [hashlib.sha256(b"%d %d" % (n, i)).digest() for i in range(64)]
    leaves[40] = leaf_hash(leaf_bytes(canonical, AT))
    root = root_of(leaves)
    checkpoint = Checkpoint(identity.origin, 64, root)
    note = sign_checkpoint(checkpoint, identity.signer)
    note = add_signatures(note, [witness.cosign(checkpoint, 1_800_000_000)])
    proof = inclusion_proof(40, 64, hash_at_from_leaf_hashes(leaves))
    return {
        "identity": identity,
        "note": note,
        "census": {"epoch": 3, "index": 40, **census_body},
        "event": {
            "index": 40,
            "received": AT,
            "event": event,
            "leaf_hash": base64.b64encode(leaves[40]).decode(),
        },
        "proof": [base64.b64encode(p).decode() for p in proof],
    }


def simulated_network(count: int) -> tuple[ThreadingHTTPServer, str]:
    """A server on 127.0.0.1 for a counting node (``/hub``) and ``count`` nodes (``/n<i>``)."""
    from commonweal.domain.census.network import totals
    from commonweal.node.kernel.identity import NodeIdentity

    hub = NodeIdentity.from_key(SigningKey(hashlib.sha256(b"sim hub").digest()))
    nodes = [_sim_node(n, hub.witness) for n in range(count)]
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    entries = [
        {
            "node": s["identity"].did,
            "key": s["identity"].key_did,
            "origin": s["identity"].origin,
            "epoch": 3,
            "index": 40,
            "checkpoint": {"size": 64, "root": "", "cosigners": 1},
            "figures": s["census"]["figures"],
            "members_root": s["census"]["members_root"],
        }
        for s in nodes
    ]
    counted_body = {"entries": entries, "refused": [], "totals": totals(entries)}
    count_event = sign_event(
        hub.key, type="census.network.counted", node=hub.did, seq=9, at=AT, body=counted_body
    )
    hub_leaves = [hashlib.sha256(b"hub %d" % i).digest() for i in range(16)]
    hub_leaves[10] = leaf_hash(leaf_bytes(parse_event(count_event).canonical, AT))
    hub_checkpoint = Checkpoint(hub.origin, 16, root_of(hub_leaves))
    hub_proof = inclusion_proof(10, 16, hash_at_from_leaf_hashes(hub_leaves))
    routes: dict[str, Callable[[dict[str, list[str]]], tuple[str, Any]]] = {
        "/hub/v1/census/network": lambda q: (
            "json",
            {"count": 1, "index": 10, "at": AT, **counted_body},
        ),
        "/hub/v1/federation": lambda q: (
            "json",
            {"did": hub.did, "key": hub.key_did, "origin": hub.origin, "witness": hub.witness.vkey},
        ),
        "/hub/.well-known/commonweal": lambda q: ("json", {"did": hub.did, "vkey": hub.vkey}),
        "/hub/log/checkpoint": lambda q: ("text", sign_checkpoint(hub_checkpoint, hub.signer)),
        "/hub/v1/events/10": lambda q: (
            "json",
            {
                "index": 10,
                "received": AT,
                "event": count_event,
                "leaf_hash": base64.b64encode(hub_leaves[10]).decode(),
            },
        ),
        "/hub/v1/proof/inclusion": lambda q: (
            "json",
            {"proof": [base64.b64encode(p).decode() for p in hub_proof]},
        ),
        "/hub/v1/federation/recognitions": lambda q: (
            "json",
            {
                "recognitions": [
                    {
                        "node": s["identity"].did,
                        "key": s["identity"].key_did,
                        "origin": s["identity"].origin,
                        "vkey": s["identity"].vkey,
                        "witness": s["identity"].witness.vkey,
                        "url": f"{base}/n{i}",
                    }
                    for i, s in enumerate(nodes)
                ]
            },
        ),
    }
    for i, s in enumerate(nodes):
        routes[f"/n{i}/v1/federation/checkpoint"] = lambda q, s=s: ("text", s["note"])
        routes[f"/n{i}/v1/census"] = lambda q, s=s: ("json", {"censuses": [s["census"]]})
        routes[f"/n{i}/v1/events/40"] = lambda q, s=s: ("json", s["event"])
        routes[f"/n{i}/v1/proof/inclusion"] = lambda q, s=s: ("json", {"proof": s["proof"]})

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            route = routes.get(parts.path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            kind, value = route(parse_qs(parts.query))
            body = orjson.dumps(value) if kind == "json" else value.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json" if kind == "json" else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            return

    server.RequestHandlerClass = Handler
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"{base}/hub"


def audit_seconds(count: int) -> tuple[float, bool, int]:
    """Seconds for ``commonweal census audit`` of a network census of ``count`` nodes."""
    from commonweal.client.census_audit import audit

    server, url = simulated_network(count)
    try:
        started = time.perf_counter()
        result = audit(url)
        seconds = time.perf_counter() - started
        return seconds, result.ok, sum(1 for _w, ok, _d in result.checks if ok)
    finally:
        server.shutdown()
        server.server_close()


# -- the group, as ``make bench`` runs it ---------------------------------------------


def census_results(
    results: list[Any],
    Result: Callable[..., Any],  # noqa: N803 (bench.__main__.Result, passed to avoid a cycle)
    scaled: Callable[..., int],
    step: Callable[[str, Callable[[], None]], None],
    cache: Path,
) -> None:
    """Measure the census group and append each figure, beside its target, to ``results``."""
    members, events = scaled(100_000, minimum=1000), scaled(1_000_000, minimum=10_000)
    big = cache / f"census-{members}-{events}"
    step(
        f"building (or reusing) a node of {members:,} members and {events:,} events in {big}",
        lambda: build_census_node(big, members, events),
    )
    costs = []
    step("taking its census", lambda: costs.append(measure_census(big)))
    c = costs[0]
    factor = 100_000 / c.members
    computed = c.figures + c.commitments + c.salts_kept
    label = f"{c.members:,} members, {c.size:,} entries"
    results.append(Result(f"census figures, {label}", c.figures, "s", "reference", True))
    results.append(
        Result("  ... salted commitments and their root", c.commitments, "s", "reference", True)
    )
    results.append(Result("  ... salts kept (private table)", c.salts_kept, "s", "reference", True))
    results.append(Result("  ... computed in all", computed, "s", "<= 5 s", computed <= 5))
    results.append(
        Result(
            "  ... taken end to end (logged, rule rechecks)",
            c.end_to_end,
            "s",
            "<= 5 s",
            c.end_to_end <= 5,
        )
    )
    results.append(
        Result("  ... the census rule as verify replays it", c.rule, "s", "<= 5 s", c.rule <= 5)
    )
    if factor > 1:
        for name, value in (
            ("computed", computed),
            ("end to end", c.end_to_end),
            ("verify's rule", c.rule),
        ):
            scaled_up = value * factor
            results.append(
                Result(
                    f"  ... {name}, extrapolated to 100,000 members (linear)",
                    scaled_up,
                    "s",
                    "<= 5 s",
                    scaled_up <= 5,
                )
            )
    nodes = 50
    audited = []
    step(
        f"auditing a network census of {nodes} simulated nodes",
        lambda: audited.append(audit_seconds(nodes)),
    )
    seconds, ok, passed = audited[0]
    results.append(
        Result(
            f"census audit, {nodes} nodes over HTTP ({passed} checks passed)",
            seconds,
            "s",
            "<= 10 s",
            ok and seconds <= 10,
        )
    )


if __name__ == "__main__":  # a quick look: python -m bench.census
    print(audit_seconds(int(os.environ.get("NODES", "50"))))
