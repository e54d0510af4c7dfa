"""The network page's server time: a node that recognises 50 peers (each witnessing and
mirrored), with every witness's cosignatures on 20 checkpoints and a 256-entry mirror of
each peer's log, served in-process (``TestClient``, so no socket is in the figure).

The app loads every page template and reads the mirrors for our members' visits elsewhere
while it starts (``web/template_cache.py``, ``visits_abroad``; a page reads at most a few
bundles itself, the sync round the rest), so its start-up time is given beside the first
request for ``/network`` (after the process served its first page: the first time the
page's queries run) and the median of the later ones.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from commonweal.core.checkpoint import Checkpoint
from commonweal.core.keys import SigningKey
from commonweal.core.tiles import encode_entry_bundle
from commonweal.node.kernel.identity import NodeIdentity

TERMS = {"witness": True, "mirror": True}


def network_page_ms(
    workdir: Path, peers: int, samples: int = 20
) -> tuple[float, float, float, float]:
    """(first /network, median /network, median /network/<did>, the app's start-up) in
    milliseconds."""
    from fastapi.testclient import TestClient

    from bench.federation import _direct_constitution
    from commonweal.node.kernel.setup import init_node
    from commonweal.node.services.federation.service import Federation
    from commonweal.store.federation_store import MirrorRow
    from commonweal.web.app import create_app

    node = init_node(workdir / "network", name="Bench", constitution=_direct_constitution())
    federation = Federation(node)
    try:
        others = [NodeIdentity.from_key(SigningKey.generate()) for _ in range(peers)]
        for n, other in enumerate(others):
            body = {
                "node": other.did,
                "key": other.key_did,
                "origin": other.origin,
                "vkey": other.vkey,
                "witness": other.witness.vkey,
                "url": f"http://127.0.0.1:{10_000 + n}",
                "name": f"Peer {n}",
                "terms": TERMS,
            }
            node.submit_as_node("federation.recognition.granted", body)
            leaves = [
                b'{"event":{"type":"notary.document.attested"},"n":%d}' % i for i in range(256)
            ]
            federation.store.stage_bundles(other.origin, [(0, 256, encode_entry_bundle(leaves))])
            federation.store.commit_mirror(
                MirrorRow(
                    other.origin,
                    other.did,
                    other.vkey,
                    256,
                    bytes(32),
                    b"",
                    "",
                    "2030-01-01T00:00:00Z",
                )
            )
        for _ in range(20):
            row = node.checkpoint()
            for other in others:
                checkpoint = Checkpoint(node.identity.origin, row.size, row.root)
                line = other.witness.cosign(checkpoint, 1_900_000_000)
                federation.store.add_cosignature(row.size, other.witness.name, line, 1_900_000_000)
            node.submit_as_node("node.profile.updated", {"name": "Bench"})
        client = TestClient(create_app(node, background_checkpoints=False))
        started = time.perf_counter()
        with client:
            start_up = (time.perf_counter() - started) * 1000
            assert client.get("/").status_code == 200  # the process's first page
            started = time.perf_counter()
            assert client.get("/network").status_code == 200
            first = (time.perf_counter() - started) * 1000
            warm, one = [], []
            for _ in range(samples):
                started = time.perf_counter()
                assert client.get("/network").status_code == 200
                warm.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                assert client.get(f"/network/{others[0].did}").status_code == 200
                one.append((time.perf_counter() - started) * 1000)
        return first, statistics.median(warm), statistics.median(one), start_up
    finally:
        federation.close()
        node.close()
