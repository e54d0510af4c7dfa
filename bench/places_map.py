"""The map pages' server time: a node that recognises 50 peers holding 10 places each
(500 places, kept as the sync round keeps them), served in-process (``TestClient``, so no
socket is in the figure). Times ``/network``, ``/network/map`` (every place on one map),
``/v1/network/places`` and ``/places`` (this node's own 10)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from commonweal.core.keys import SigningKey
from commonweal.node.kernel.identity import NodeIdentity

PATHS = ("/network", "/network/map", "/v1/network/places", "/places")


def _place(n: int, peer: int) -> dict[str, object]:
    lat = -60 + (peer * 7 + n * 13) % 130
    lon = -170 + (peer * 37 + n * 29) % 340
    return {
        "id": 100 + n,
        "name": f"Place {n} of peer {peer}",
        "kind": ("hub", "building", "land", "garden")[n % 4],
        "location": {"lat": f"{lat}.{n:04d}", "lon": f"{lon}.{peer:04d}"},
        "area_m2": 100 * (n + 1),
        "capacity": {"beds": n, "seats": 10 * n},
        "tenure": ("owned", "leased", "shared", "co_owned")[n % 4],
        "since": "2024-05-01",
        **({"shares": {"held": 1, "of": 3}} if n % 4 == 3 else {}),
    }


def map_pages_ms(
    workdir: Path, peers: int, per_peer: int = 10, samples: int = 20
) -> dict[str, tuple[float, float]]:
    """Path → (first request, median of ``samples``) in milliseconds."""
    from fastapi.testclient import TestClient

    from bench.federation import _direct_constitution
    from commonweal.node.kernel.setup import init_node
    from commonweal.web.app import create_app

    node = init_node(workdir / "places", name="Bench", constitution=_direct_constitution())
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
                "terms": {"witness": True, "mirror": True},
            }
            node.submit_as_node("federation.recognition.granted", body)
        for n in range(per_peer):
            place = _place(n, peers)
            del place["id"]
            node.submit_as_node("places.place.registered", place)
        times: dict[str, tuple[float, float]] = {}
        with TestClient(create_app(node, background_checkpoints=False)) as client:
            kept = client.app.state.federation.peer_places  # type: ignore[attr-defined]
            for n, other in enumerate(others):
                kept[other.did] = {
                    "places": [_place(i, n) for i in range(per_peer)],
                    "fetched_at": "2030-01-01T00:00:00Z",
                    "error": None,
                }
            assert client.get("/").status_code == 200  # the process's first page: base template
            assert len(client.get("/v1/network/places").json()["nodes"]) == peers + 1
            for path in PATHS:
                started = time.perf_counter()
                assert client.get(path).status_code == 200, path
                first = (time.perf_counter() - started) * 1000
                warm = []
                for _ in range(samples):
                    started = time.perf_counter()
                    assert client.get(path).status_code == 200
                    warm.append((time.perf_counter() - started) * 1000)
                times[path] = (first, statistics.median(warm))
        return times
    finally:
        node.close()
