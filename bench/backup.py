"""Online backup of the big SQLite log while single events keep arriving.

A copy of the cached big log is opened as a node in this process; four threads
submit single events (one event per call, as single-event requests are). First
they run alone for a few seconds (the unloaded rate); then ``commonweal backup``'s
work (``take_backup``) runs in another process, as an operator's cron job would,
and the threads go on until it is done (the loaded rate). The backup process says
when it starts and ends, so its interpreter's start-up is not counted.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.workload import signed_events

SUBMITTERS = 4
UNLOADED_SECONDS = 5.0


@dataclass(frozen=True)
class BackupFigures:
    """What the benchmark measured."""

    entries: int
    backup_seconds: float
    backup_bytes: int
    unloaded_rate: float
    loaded_rate: float


def measure(big: Path, attestations: int, workdir: Path, spare_events: int) -> BackupFigures:
    """Back up a copy of ``big`` (``attestations`` built by ``build_big_log``) while
    ingesting; ``spare_events`` more are signed for the ingest."""
    from commonweal.node.kernel.setup import open_node

    data_dir = workdir / "node"
    data_dir.mkdir(parents=True)
    for name in ("node.db", "node.db-wal", "node.json", "node.key"):
        if (big / name).exists():
            shutil.copy(big / name, data_dir / name)
    node = open_node(data_dir)
    # the big log's authors, continuing their sequences after it
    raws = signed_events(node.identity.did, spare_events, authors=1000, start=attestations)
    queues = [
        [r for n, r in enumerate(raws) if (n + attestations) % 1000 % SUBMITTERS == side]
        for side in range(SUBMITTERS)
    ]
    counted = _Ingest(node, queues)
    counted.start()
    time.sleep(1.0)  # the signature workers and the page cache warm up
    first = counted.done
    time.sleep(UNLOADED_SECONDS)
    unloaded = (counted.done - first) / UNLOADED_SECONDS

    output = workdir / "node.tar"
    backup = subprocess.Popen(
        [sys.executable, "-m", "bench.backup", str(data_dir), str(output)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert backup.stdout is not None
    assert backup.stdout.readline().strip() == "started"
    began, before = time.perf_counter(), counted.done
    finished = json.loads(backup.stdout.readline())
    ended, after = time.perf_counter(), counted.done
    backup.wait()
    counted.stop.set()
    counted.join()
    node.close()
    if counted.error is not None:
        raise SystemExit(f"ingest failed during the backup: {counted.error}")
    if counted.exhausted:
        print("    (the signed events ran out during the backup: rate over the time they lasted)")
    loaded = (after - before) / max(1e-9, min(ended, counted.exhausted or ended) - began)
    return BackupFigures(finished["size"], finished["seconds"], finished["bytes"], unloaded, loaded)


class _Ingest:
    """``SUBMITTERS`` threads submitting one event per call until stopped or out of events."""

    def __init__(self, node, queues: list[list[bytes]]) -> None:  # type: ignore[no-untyped-def]
        self.node = node
        self.queues = queues
        self.done = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.exhausted = 0.0
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(q,)) for q in queues]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def join(self) -> None:
        for thread in self._threads:
            thread.join()

    def _run(self, mine: list[bytes]) -> None:
        try:
            for raw in mine:
                if self.stop.is_set():
                    return
                self.node.submit(raw)
                with self._lock:
                    self.done += 1
            self.exhausted = self.exhausted or time.perf_counter()
        except BaseException as error:  # reported by measure
            self.error = error


def _backup_process(data_dir: Path, output: Path) -> None:
    from datetime import UTC, datetime

    from commonweal.node.kernel.backup.make import take_backup

    print("started", flush=True)
    made = take_backup(data_dir, output, now=lambda: datetime.now(UTC))
    print(json.dumps({"size": made.size, "seconds": made.seconds, "bytes": made.bytes}), flush=True)


if __name__ == "__main__":
    _backup_process(Path(sys.argv[1]), Path(sys.argv[2]))
