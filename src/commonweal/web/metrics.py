"""Prometheus metrics of one node, in a registry of its own (never the global default).

Request-side figures are counted as requests are answered (web/observed.py);
node-side figures are read when Prometheus scrapes: the log's size, the newest
checkpoint's age, the witnesses' cosignature lag, each mirror's lag, and the
scheduler's jobs. docs/operations.md ("Monitoring") explains each metric and
suggests an alert threshold.
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_left
from collections import Counter as Tally
from collections.abc import Callable, Iterator
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from commonweal.node.kernel import monitoring
from commonweal.node.kernel.scheduler import SchedulerView
from commonweal.node.kernel.service import Node
from commonweal.node.services.federation.service import Federation
from commonweal.store.log_store import EntryRow

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
GROUP_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Methods labelled by name; any other a client sends is labelled ``other``."""


class Metrics:
    """The node's metrics: counted on the hot paths, the rest read at scrape time."""

    def __init__(
        self,
        node: Node,
        federation: Federation,
        scheduler: Callable[[], SchedulerView | None],
        *,
        wall: Callable[[], float],
    ) -> None:
        self.registry = CollectorRegistry()
        self.latencies = LatencyTable(LATENCY_BUCKETS)
        self.refusals = Counter(
            "commonweal_refusals",
            "Requests refused with a problem document, by its code.",
            ["code"],
            registry=self.registry,
        )
        self.group_commit = Histogram(
            "commonweal_group_commit_events",
            "Events written per group commit (one transaction).",
            buckets=GROUP_BUCKETS,
            registry=self.registry,
        )
        self._appended: Tally[str] = Tally()
        self._appended_lock = threading.Lock()
        self.node = node
        self.registry.register(_NodeCollector(node, federation, scheduler, self, wall))
        node.after_commit.append(self._committed)

    def detach(self) -> None:
        """Stop counting the node's commits (the app is shutting down)."""
        if self._committed in self.node.after_commit:
            self.node.after_commit.remove(self._committed)

    def observe_request(
        self, route: str, method: str, status: int, seconds: float, code: str | None
    ) -> None:
        """Count one answered request (called by the observing edge)."""
        if method not in METHODS:
            method = "other"
        self.latencies.observe((route, method, status), seconds)
        if code is not None:
            self.refusals.labels(code).inc()

    def _committed(self, _node: Node, entries: list[EntryRow]) -> None:
        """After every group commit (under the sequencer lock): its size and event types."""
        self.group_commit.observe(len(entries))
        with self._appended_lock:
            self._appended.update(entry.type for entry in entries)

    def appended(self) -> dict[str, int]:
        """Events this process appended, by type."""
        with self._appended_lock:
            return dict(self._appended)

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)


class LatencyTable:
    """Request latencies as histogram rows by (route, method, status), without locks.

    The observing edge runs on the event loop's one thread, so one writer updates
    the rows; this costs a fraction of ``prometheus_client.Histogram`` per request,
    which takes a lock per bucket and per sum. A scrape copies each row.
    """

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.rows: dict[tuple[str, str, int], list[float]] = {}
        """Key → a count per bucket (not cumulative), one for +Inf, then the sum."""

    def observe(self, key: tuple[str, str, int], seconds: float) -> None:
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = [0] * (len(self.bounds) + 2)
        row[bisect_left(self.bounds, seconds)] += 1
        row[-1] += seconds

    def family(self) -> HistogramMetricFamily:
        """The rows as Prometheus's histogram, the status grouped by class (2xx, 4xx…)."""
        merged: dict[tuple[str, str, str], list[float]] = {}
        for (route, method, status), row in list(self.rows.items()):
            key = (route, method, f"{status // 100}xx")
            into = merged.setdefault(key, [0] * len(row))
            for i, amount in enumerate(list(row)):
                into[i] += amount
        family = HistogramMetricFamily(
            "commonweal_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template, method and status class.",
            labels=["route", "method", "status"],
        )
        for labels, row in sorted(merged.items()):
            cumulative, buckets = 0.0, []
            for bound, count in zip([*self.bounds, float("inf")], row[:-1], strict=True):
                cumulative += count
                buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
            family.add_metric(list(labels), buckets, sum_value=row[-1])
        return family


class _NodeCollector(Collector):
    """Figures read from the node, its store and its scheduler when Prometheus scrapes."""

    def __init__(
        self,
        node: Node,
        federation: Federation,
        scheduler: Callable[[], SchedulerView | None],
        metrics: Metrics,
        wall: Callable[[], float],
    ) -> None:
        self.node = node
        self.federation = federation
        self.scheduler = scheduler
        self.metrics = metrics
        self.wall = wall

    def collect(self) -> Iterator[Metric]:
        yield self.metrics.latencies.family()
        appended = CounterMetricFamily(
            "commonweal_events_appended",
            "Events appended by this process, by type.",
            labels=["type"],
        )
        for event_type, count in sorted(self.metrics.appended().items()):
            appended.add_metric([event_type], count)
        yield appended
        for part in (self._log, self._witnesses, self._mirrors, self._scheduler):
            try:
                yield from part()
            except Exception:  # a figure that cannot be read now is left out, not a failed scrape
                log.warning(
                    "a metric could not be read", exc_info=True, extra={"part": part.__name__}
                )

    def _now(self) -> datetime:
        return self.node.clock()

    def _log(self) -> Iterator[Metric]:
        status = monitoring.checkpoint_status(self.node, self._now())
        yield GaugeMetricFamily("commonweal_log_entries", "Entries in the log.", value=status.size)
        yield GaugeMetricFamily(
            "commonweal_checkpoint_unsigned_entries",
            "Entries not yet covered by a signed checkpoint.",
            value=max(status.size - status.checkpoint_size, 0),
        )
        if status.age_seconds is not None:
            yield GaugeMetricFamily(
                "commonweal_checkpoint_age_seconds",
                "Seconds since the newest checkpoint was signed.",
                value=status.age_seconds,
            )

    def _witnesses(self) -> Iterator[Metric]:
        status = monitoring.witness_status(self.federation, self._now())
        if status is None:
            return
        cosigned = GaugeMetricFamily(
            "commonweal_witness_cosigned_size",
            "The largest checkpoint size each witness cosigned.",
            labels=["witness"],
        )
        for witness, size in sorted(status.cosigned.items()):
            cosigned.add_metric([witness], size)
        yield cosigned
        yield GaugeMetricFamily(
            "commonweal_witness_lag_entries",
            "Entries signed in a checkpoint that a quorum of witnesses has not cosigned yet.",
            value=status.lag_entries,
        )
        yield GaugeMetricFamily(
            "commonweal_witness_lag_seconds",
            "How long the oldest checkpoint not yet cosigned by a quorum has waited.",
            value=status.lag_seconds,
        )

    def _mirrors(self) -> Iterator[Metric]:
        statuses = monitoring.mirror_status(self.federation, self._now())
        verified = GaugeMetricFamily(
            "commonweal_mirror_verified_size",
            "Entries of another node's log this node holds verified.",
            labels=["origin"],
        )
        lag = GaugeMetricFamily(
            "commonweal_mirror_lag_entries",
            "Entries of another node's log seen signed but not yet mirrored.",
            labels=["origin"],
        )
        age = GaugeMetricFamily(
            "commonweal_mirror_age_seconds",
            "Seconds since the mirror of another node's log last advanced.",
            labels=["origin"],
        )
        for status in statuses:
            verified.add_metric([status.origin], status.verified_size)
            lag.add_metric([status.origin], status.known_size - status.verified_size)
            age.add_metric([status.origin], status.age_seconds)
        yield from (verified, lag, age)

    def _scheduler(self) -> Iterator[Metric]:
        view = self.scheduler()
        if view is None:
            return
        if view.last_tick is not None:
            yield GaugeMetricFamily(
                "commonweal_scheduler_last_tick_age_seconds",
                "Seconds since the scheduler's latest tick ended.",
                value=max(self.wall() - view.last_tick, 0.0),
            )
        runs = CounterMetricFamily(
            "commonweal_scheduler_job_runs", "Scheduled job runs, by job.", labels=["job"]
        )
        failures = CounterMetricFamily(
            "commonweal_scheduler_job_failures",
            "Scheduled job runs that raised an error, by job.",
            labels=["job"],
        )
        seconds = GaugeMetricFamily(
            "commonweal_scheduler_job_last_duration_seconds",
            "How long each job's latest run took.",
            labels=["job"],
        )
        refused = CounterMetricFamily(
            "commonweal_scheduler_refusals",
            "Due transitions the rules refused, by job and code.",
            labels=["job", "code"],
        )
        for name, stats in sorted(view.jobs.items()):
            runs.add_metric([name], stats.runs)
            failures.add_metric([name], stats.failures)
            seconds.add_metric([name], stats.last_seconds)
            for code, count in sorted(stats.refusals.items()):
                refused.add_metric([name, code], count)
        yield from (runs, failures, seconds, refused)


def router(metrics: Metrics) -> APIRouter:
    """``GET /metrics``: Prometheus's text format."""
    routes = APIRouter()

    @routes.get("/metrics", include_in_schema=False)
    def scrape() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return routes
