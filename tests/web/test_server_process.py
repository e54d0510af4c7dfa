"""Against real server processes: crash safety, the CLI client, and verifying a node by URL."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import orjson
import pytest

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.setup import init_node, open_store
from commonweal.node.kernel.verify import verify_log
from tests.builders import GENESIS, WITHOUT_WRITE_POLICY, Clock, EventFactory
from tests.server import ServerProcess


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    node = init_node(
        tmp_path / "node", name="Crash Test Commons", constitution=WITHOUT_WRITE_POLICY
    )
    node.close()
    return tmp_path / "node"


@pytest.mark.slow
def test_kill_9_loses_no_acknowledged_event(data_dir: Path) -> None:
    from datetime import UTC, datetime

    store = open_store(str(data_dir))
    did = store.read_meta()["did"]
    store.engine.dispose()
    factory = EventFactory(did, Clock(datetime.now(UTC)))
    # Eight anonymous writers on one address are a flood by any default budget: this test
    # is about durability, so the node serves without rate limits.
    server = ServerProcess(data_dir, args=["--no-rate-limit"]).start()
    acknowledged: dict[int, tuple[int, str]] = {}
    lock = threading.Lock()
    stop = threading.Event()
    prepared = {w: [factory.raw(f"writer{w}") for _ in range(400)] for w in range(8)}

    def writer(w: int) -> None:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            for raw in prepared[w]:
                if stop.is_set():
                    return
                try:
                    response = client.post("/v1/events", content=raw)
                except httpx.HTTPError:
                    return
                if response.status_code in (200, 201):
                    receipt = response.json()
                    with lock:
                        acknowledged[receipt["index"]] = (w, receipt["leaf_hash"])

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 300 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) >= 300, "the writers did not get going"

    restarted = ServerProcess(data_dir).start()
    try:
        size = httpx.get(restarted.url + "/.well-known/commonweal").json()["size"]
        with httpx.Client(base_url=restarted.url) as client:
            for index, (_w, leaf_hash) in acknowledged.items():
                assert index < size
                assert client.get(f"/v1/events/{index}").json()["leaf_hash"] == leaf_hash
    finally:
        restarted.stop()
    store = open_store(str(data_dir))
    assert store.count_entries() == size
    report = verify_log(store, default_registry(), compare_with=store)
    store.engine.dispose()
    assert report.ok, report.failures


@pytest.mark.slow
def test_cli_submit_and_verify_by_url(data_dir: Path, tmp_path: Path) -> None:
    from tests.cli.test_cli import run

    server = ServerProcess(data_dir).start()
    try:
        key = tmp_path / "member.key"
        assert run("key", "new", str(key)).returncode == 0
        body = orjson.dumps({"digest": "sha256:" + "e" * 64, "title": "Bylaws"}).decode()
        submit = ("event", "submit", "notary.document.attested", body, "--key", str(key))
        submitted = run(*submit, "--node", server.url)
        assert submitted.returncode == 0, submitted.stderr
        assert orjson.loads(submitted.stdout)["index"] == GENESIS
        again = run(*submit, "--node", server.url)
        assert again.returncode == 1 and "already_attested" in again.stderr
        stranger = tmp_path / "stranger"
        init_node(stranger, name="Stranger").close()
        refused = run("log", "checkpoint", "--node", server.url, "--data-dir", str(stranger))
        assert refused.returncode == 1 and "refused (403)" in refused.stderr
        checkpointed = run("log", "checkpoint", "--node", server.url, "--data-dir", str(data_dir))
        assert checkpointed.returncode == 0, checkpointed.stderr
        assert checkpointed.stdout.startswith(
            httpx.get(server.url + "/.well-known/commonweal").json()["origin"]
        )
        verified = run("verify", server.url)
        assert verified.returncode == 0, verified.stdout
        assert f"{GENESIS + 1} entries" in verified.stdout and "verified" in verified.stdout
    finally:
        server.stop()
