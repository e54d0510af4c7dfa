"""Federation benchmarks: mirroring a big log between two nodes, and a witness's throughput.

- Mirror catch-up: the cached million-event log is served by a real ``commonweal
  serve`` process; a second node's mirror pulls every entry bundle over HTTP,
  recomputes the Merkle tree and accepts the copy only if its root is the signed
  checkpoint's (the same code path as the sync thread).
- Witness cosigning: a witness node served by a real process; several logs, each
  in its own thread, send it signed ``add-checkpoint`` requests (RFC 9421, C2SP
  tlog-witness) for checkpoints growing by ten entries, each with its consistency
  proof; every cosignature is checked.
"""

from __future__ import annotations

import copy
import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Served:
    """``commonweal serve`` for a data directory, on a free port, until stopped."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            str(Path(sys.executable).parent / "commonweal"),
            "serve",
            "--data-dir",
            str(data_dir),
            "--port",
            str(self.port),
            "--no-rate-limit",  # measures mirroring; bench/ratelimit.py measures the limiter
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=os.environ.copy())
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the node did not start")
            try:
                if httpx.get(self.url + "/.well-known/commonweal", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise TimeoutError("the node did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def mirror_catch_up(big_log: Path, workdir: Path) -> tuple[float, int]:
    """Events per second for a verified mirror of the whole big log; and its size."""
    from commonweal.node.kernel.setup import init_node
    from commonweal.node.services.federation import mirror
    from commonweal.node.services.federation.service import Federation

    served = Served(big_log)
    try:
        identity = httpx.get(served.url + "/.well-known/commonweal", timeout=30).json()
        peer: dict[str, Any] = {
            "node": identity["did"],
            "key": identity["key"],
            "origin": identity["origin"],
            "vkey": identity["vkey"],
            "witness": "",
            "url": served.url,
            "terms": {"mirror": True, "witness": False, "alliance": False},
        }
        node = init_node(workdir / "mirror", name="Mirror")
        federation = Federation(node)
        try:
            start = time.perf_counter()
            synced = mirror.sync(federation, peer)
            elapsed = time.perf_counter() - start
            row = federation.store.mirror(identity["origin"])
            assert row is not None and row.size == synced.after == identity["size"]
        finally:
            federation.close()
            node.close()
    finally:
        served.stop()
    return synced.fetched / elapsed, synced.fetched


def _direct_constitution() -> dict[str, Any]:
    from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION

    constitution = copy.deepcopy(DEFAULT_CONSTITUTION)
    constitution["kinds"].pop("recognition", None)
    return constitution


def witness_rate(workdir: Path, logs: int, checkpoints: int) -> tuple[float, int]:
    """Checkpoints cosigned per second by one witness, ``logs`` logs sending at once."""
    from commonweal.core.checkpoint import Checkpoint, sign_checkpoint
    from commonweal.core.cosignature import format_add_checkpoint_request, verify_cosignature
    from commonweal.core.did import did_key_from_public_key
    from commonweal.core.keys import SigningKey
    from commonweal.core.merkle import consistency_proof, hash_at_from_leaf_hashes, leaf_hash
    from commonweal.core.note import NoteSigner
    from commonweal.domain.federation.recognition import GRANTED
    from commonweal.node.kernel.setup import init_node

    node = init_node(workdir / "witness", name="Witness", constitution=_direct_constitution())
    witness_vkey = node.identity.witness.vkey
    senders = []
    for n in range(logs):
        key = SigningKey(hashlib.sha256(f"bench log {n}".encode()).digest())
        did = did_key_from_public_key(key.public_key)
        origin = f"bench.example/log-{n}"
        signer = NoteSigner(origin, key)
        node.submit_as_node(
            GRANTED,
            {
                "node": did,
                "key": did,
                "origin": origin,
                "vkey": signer.vkey,
                "url": "http://127.0.0.1:9",
                "terms": {"witness": True, "mirror": False, "visitors": []},
            },
        )
        leaves = [leaf_hash(f"{origin} {i}".encode()) for i in range(checkpoints * 10)]
        hash_at = hash_at_from_leaf_hashes(leaves)
        from commonweal.core.merkle import CompactRange

        frontier = CompactRange()
        requests = []
        old = 0
        for step in range(1, checkpoints + 1):
            frontier.extend(leaves[(step - 1) * 10 : step * 10])
            checkpoint = Checkpoint(origin, frontier.size, frontier.root())
            proof = consistency_proof(old, frontier.size, hash_at) if old else []
            note = sign_checkpoint(checkpoint, signer)
            requests.append((checkpoint, format_add_checkpoint_request(old, proof, note)))
            old = frontier.size
        senders.append((key, requests))
    node.close()
    served = Served(workdir / "witness")
    from commonweal.core.http_signatures import sign_peer_request

    url = served.url + "/witness/add-checkpoint"
    # Requests are signed (RFC 9421) before the clock starts: this measures the witness.
    signed = [
        [
            (
                checkpoint,
                body.encode(),
                sign_peer_request(
                    "POST",
                    url,
                    body.encode(),
                    key,
                    did_key_from_public_key(key.public_key),
                    now=int(time.time()),
                ),
            )
            for checkpoint, body in requests
        ]
        for key, requests in senders
    ]
    answers: list[list[tuple[Any, int, str]]] = [[] for _ in signed]

    def send(position: int) -> None:
        with httpx.Client(timeout=30) as client:
            for checkpoint, body, headers in signed[position]:
                response = client.post(url, content=body, headers=headers)
                answers[position].append((checkpoint, response.status_code, response.text))

    try:
        threads = [threading.Thread(target=send, args=(n,)) for n in range(len(signed))]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        served.stop()
    done = 0
    for sent in answers:
        for checkpoint, status, text in sent:
            if status != 200:
                raise SystemExit(f"the witness answered {status}: {text}")
            verify_cosignature(text, checkpoint, witness_vkey)
            done += 1
    if done != logs * checkpoints:
        raise SystemExit(f"only {done} of {logs * checkpoints} checkpoints were cosigned")
    return done / elapsed, done
