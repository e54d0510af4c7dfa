"""The node's time-driven work: one job per kind of due transition, and the checkpoint.

Each tick (every second) first catches up with what other processes appended to
the store, then runs every job in turn. A job that raises is logged with its
traceback and counted, and the jobs after it still run; a transition the rules
refuse is handled inside its job (node/due.py), so it holds up nothing else.

The scheduler runs as a thread of ``commonweal serve``, or as its own process
(``commonweal scheduler``) beside ``commonweal serve --no-scheduler``. Two
processes on one store are safe: the log's head row is re-read (``FOR UPDATE`` on
PostgreSQL, SQLite's single writer) in every append, so a process that fell behind
writes nothing, catches up (``Node.catch_up``) and tries again. A scheduler in its
own process writes a heartbeat file after every tick, which the web process reads
for ``/readyz`` and ``/metrics``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from commonweal.node import campaigns, census, commons, credit, governance, membership, rounds
from commonweal.node.due import Refusals
from commonweal.node.federation import alliance
from commonweal.node.service import Node

log = logging.getLogger(__name__)

HEARTBEAT_FILE = "scheduler.json"
"""The heartbeat a scheduler running as its own process keeps in the data directory."""

TICK_SECONDS = 1.0


@dataclass
class JobStats:
    """How one job has fared since the process started."""

    runs: int = 0
    failures: int = 0
    last_error: str | None = None
    last_seconds: float = 0.0
    refusals: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    """A named piece of time-driven work; ``refusals`` holds the transitions it had refused."""

    name: str
    run: Callable[[], object]
    refusals: Refusals | None = None


@dataclass(frozen=True)
class SchedulerView:
    """What the web process shows of a scheduler: when it last ticked, and its jobs."""

    last_tick: float | None
    """Wall-clock seconds (``time.time``) at the end of the latest tick, or None."""
    interval: float
    jobs: dict[str, JobStats]
    pid: int

    def alive(self, now: float, *, missed_ticks: int = 10) -> bool:
        """Whether the latest tick ended recently (within ``missed_ticks`` intervals)."""
        return self.last_tick is not None and now - self.last_tick <= self.interval * missed_ticks


def node_jobs(node: Node) -> list[Job]:
    """Every time-driven job of a node, in the order a tick runs them."""
    jobs = []
    for name, run_due in (
        ("recoveries", membership.complete_due_recoveries),
        ("governance", governance.run_due),
        ("commons", commons.run_due),
        ("campaigns", campaigns.run_due),
        ("rounds", rounds.run_due),
        ("credit", credit.run_due),
        ("federation", alliance.run_due),
        ("census", census.run_due),
    ):
        refusals = Refusals()
        jobs.append(Job(name, _bind(run_due, node, refusals), refusals))
    interval = node.config.checkpoint_every_seconds
    jobs.append(Job("checkpoint", lambda: node.checkpoint_if_due(max_age_seconds=interval)))
    return jobs


def _bind(run_due: Callable[..., object], node: Node, refusals: Refusals) -> Callable[[], object]:
    return lambda: run_due(node, refusals=refusals)


class Scheduler:
    """Runs ``jobs`` every ``interval`` seconds in a thread (or one tick at a time)."""

    def __init__(
        self,
        node: Node,
        *,
        jobs: list[Job] | None = None,
        interval: float | None = None,
        heartbeat: Path | None = None,
        name: str = "scheduler",
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.node = node
        self.jobs = node_jobs(node) if jobs is None else jobs
        self.interval = interval or min(node.config.checkpoint_every_seconds, TICK_SECONDS)
        self.heartbeat = heartbeat
        self.name = name
        self.wall = wall
        self.stats = {job.name: JobStats() for job in self.jobs}
        self.last_tick: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> None:
        """Catch up with the store, then run every job once; a failing job stops no other."""
        self._run(
            Job("catch_up", self.node.catch_up), self.stats.setdefault("catch_up", JobStats())
        )
        for job in list(self.jobs):
            self._run(job, self.stats.setdefault(job.name, JobStats()))
        self.last_tick = self.wall()
        if self.heartbeat is not None:
            self._write_heartbeat(self.heartbeat)

    def _run(self, job: Job, stats: JobStats) -> None:
        started = time.perf_counter()
        stats.runs += 1
        try:
            job.run()
        except Exception as error:
            stats.failures += 1
            stats.last_error = f"{type(error).__name__}: {error}"
            log.exception("scheduled job failed", extra={"job": job.name})
        stats.last_seconds = time.perf_counter() - started
        if job.refusals is not None:
            stats.refusals = dict(job.refusals.by_code)

    def view(self) -> SchedulerView:
        """This scheduler's state, as the web process shows it."""
        return SchedulerView(self.last_tick, self.interval, dict(self.stats), os.getpid())

    def _write_heartbeat(self, path: Path) -> None:
        """Replace the heartbeat file atomically (a reader never sees half of it)."""
        view = self.view()
        document = {
            "pid": view.pid,
            "last_tick": view.last_tick,
            "interval": view.interval,
            "jobs": {name: asdict(stats) for name, stats in view.jobs.items()},
        }
        scratch = path.with_name(path.name + ".tmp")
        try:
            scratch.write_bytes(orjson.dumps(document))
            os.replace(scratch, path)
        except OSError:
            log.exception("could not write the scheduler heartbeat", extra={"path": str(path)})

    # -- as a thread ----------------------------------------------------------------

    def start(self) -> None:
        """Tick every ``interval`` seconds in a daemon thread until :meth:`stop`."""
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name=self.name, daemon=True)
        self._thread.start()

    def run_forever(self) -> None:
        """Tick until :meth:`stop` (a separate process calls this on its main thread)."""
        log.info("scheduler started", extra={"jobs": [job.name for job in self.jobs]})
        while not self._stop.wait(self.interval):
            self.tick()
        log.info("scheduler stopped")

    def stop(self) -> None:
        """Stop ticking and wait for the running tick to end."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None


def follower(node: Node) -> Scheduler:
    """A web process whose scheduler runs elsewhere only catches up with the store."""
    return Scheduler(node, jobs=[], name="follower")


def read_heartbeat(path: Path) -> SchedulerView | None:
    """The view a separate scheduler process left in its heartbeat file, if readable."""
    try:
        document: dict[str, Any] = orjson.loads(path.read_bytes())
        return SchedulerView(
            last_tick=float(document["last_tick"]),
            interval=float(document["interval"]),
            jobs={name: JobStats(**stats) for name, stats in document["jobs"].items()},
            pid=int(document["pid"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
