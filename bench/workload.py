"""Signed events in bulk, and a large log built once and cached between runs."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from pathlib import Path
from typing import Any

import orjson

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.core.multibase import encode_z
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION

AT = "2026-11-23T12:00:00Z"

WITHOUT_WRITE_POLICY: dict[str, Any] = {
    k: v for k, v in DEFAULT_CONSTITUTION.items() if k != "writes"
}
"""The default constitution without its write policy: the log benchmarks submit many
anonymous attestations, as a node created before write policies accepts them."""


def _chunk(args: tuple[str, int, int, int]) -> list[bytes]:
    node_did, start, stop, authors = args
    keys = [
        SigningKey(hashlib.sha256(f"bench author {a}".encode()).digest()) for a in range(authors)
    ]
    dids = [did_key_from_public_key(k.public_key) for k in keys]
    out = []
    for n in range(start, stop):
        author = n % authors
        unsigned = {
            "type": "notary.document.attested",
            "node": node_did,
            "author": dids[author],
            "seq": n // authors + 1,
            "at": AT,
            "body": {
                "digest": "sha256:" + hashlib.sha256(n.to_bytes(8, "big")).hexdigest(),
                "title": f"Doc {n}",
            },
        }
        signature = keys[author].sign(orjson.dumps(unsigned, option=orjson.OPT_SORT_KEYS))
        out.append(orjson.dumps({**unsigned, "sig": encode_z(signature)}))
    return out


def signed_events(node_did: str, count: int, *, authors: int, start: int = 0) -> list[bytes]:
    """``count`` valid attestations for ``node_did``, round-robin over ``authors`` keys."""
    step = 10_000
    jobs = [
        (node_did, s, min(s + step, start + count), authors)
        for s in range(start, start + count, step)
    ]
    if len(jobs) == 1:
        return _chunk(jobs[0])
    with multiprocessing.get_context("fork").Pool(2) as pool:
        return [raw for part in pool.map(_chunk, jobs) for raw in part]


def append_all(node, raws: list[bytes], batch: int = 1000) -> None:  # type: ignore[no-untyped-def]
    """Append in atomic batches (signatures checked in the node's worker processes)."""
    for i in range(0, len(raws), batch):
        node.submit_batch(raws[i : i + batch])


def build_big_log(data_dir: Path, size: int) -> None:
    """A node with ``size`` attestations (plus node.created), reused if already built."""
    from commonweal.node.kernel.setup import init_node, open_node

    marker = data_dir / "complete.json"
    if marker.exists() and json.loads(marker.read_text())["size"] == size:
        open_node(data_dir).close()  # brings a cached log's schema up to date
        return
    if data_dir.exists():
        import shutil

        shutil.rmtree(data_dir)
    node = init_node(data_dir, name="Bench log", constitution=WITHOUT_WRITE_POLICY)
    authors = 1000
    step = 100_000
    for start in range(0, size, step):
        raws = signed_events(
            node.identity.did, min(step, size - start), authors=authors, start=start
        )
        append_all(node, raws)
        print(f"    {node.size - 1:,} / {size:,}", flush=True)
    node.checkpoint()
    node.close()
    marker.write_text(json.dumps({"size": size}))
